// The drawing pad: pointer events (mouse, pen or finger) draw round strokes;
// `ink()` is the drawing as values from 0 (paper) to 1 (ink), row by row.
const strokeWidth = 22;  // in the pad's 280 pixels: a pen's stroke on MNIST's 20-pixel box

export function createPad(canvas, onStrokeEnd) {
  const context = canvas.getContext('2d');
  context.lineWidth = strokeWidth;
  context.lineCap = 'round';
  context.lineJoin = 'round';
  context.strokeStyle = '#000';
  let drawing = false;

  // The event's place in the canvas's own pixels, whatever its size on screen.
  function point(event) {
    const box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * (canvas.width / box.width), (event.clientY - box.top) * (canvas.height / box.height)];
  }

  canvas.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    const [x, y] = point(event);
    context.beginPath();
    context.moveTo(x, y);
    context.lineTo(x, y);  // a tap leaves a dot
    context.stroke();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drawing) return;
    const [x, y] = point(event);
    context.lineTo(x, y);
    context.stroke();
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    onStrokeEnd();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);

  return {
    clear() {
      context.clearRect(0, 0, canvas.width, canvas.height);
    },
    ink() {
      const {data} = context.getImageData(0, 0, canvas.width, canvas.height);
      const ink = new Float32Array(canvas.width * canvas.height);
      for (let i = 0; i < ink.length; ++i) ink[i] = data[4 * i + 3] / 255;  // the strokes' coverage
      return {ink, width: canvas.width, height: canvas.height};
    },
    isEmpty() {
      return !context.getImageData(0, 0, canvas.width, canvas.height).data.some((value, i) => i % 4 === 3 && value > 0);
    },
  };
}
