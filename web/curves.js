// The learning curves: train and test error (%) after each pass, redrawn
// whole when a pass arrives.
const colors = {train: '#36c', test: '#c63'};
const margin = {left: 48, right: 16, top: 16, bottom: 36};

export function drawCurves(canvas, passes, totalPasses) {
  const context = canvas.getContext('2d');
  const {width, height} = canvas;
  context.clearRect(0, 0, width, height);
  const errors = passes.flatMap((p) => [p.trainError, p.testError]);
  const top = Math.max(5, Math.ceil(Math.max(0, ...errors) / 5) * 5);
  const last = Math.max(totalPasses, 1);
  const x = (pass) => margin.left + (pass / last) * (width - margin.left - margin.right);
  const y = (error) => height - margin.bottom - (error / top) * (height - margin.top - margin.bottom);

  context.strokeStyle = '#999';
  context.fillStyle = '#444';
  context.font = '12px sans-serif';
  context.beginPath();
  context.moveTo(x(0), y(top));
  context.lineTo(x(0), y(0));
  context.lineTo(x(last), y(0));
  context.stroke();
  for (let error = 0; error <= top; error += top / 5) {
    context.fillText(`${error}%`, 8, y(error) + 4);
  }
  const tick = Math.max(1, Math.ceil(last / 10));
  for (let pass = 0; pass <= last; pass += tick) context.fillText(String(pass), x(pass) - 4, height - margin.bottom + 16);
  context.fillText('pass', width / 2, height - 4);

  for (const [split, key] of [['train', 'trainError'], ['test', 'testError']]) {
    context.strokeStyle = colors[split];
    context.fillStyle = colors[split];
    context.beginPath();
    passes.forEach((p, i) => (i === 0 ? context.moveTo : context.lineTo).call(context, x(p.pass), y(p[key])));
    context.stroke();
    for (const p of passes) context.fillRect(x(p.pass) - 2, y(p[key]) - 2, 4, 4);
    context.fillText(`${split} error`, width - margin.right - 90, margin.top + (split === 'train' ? 0 : 16));
  }
}
