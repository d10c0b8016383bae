// The page: starts the worker (worker.js), which holds the WebAssembly
// module, and shows what it sends back. Query parameters name other files
// to load: ?data=FOLDER (the .npy files of `lenet1 prepare`) and
// ?weights=FILE (the shipped weights, a `lenet1 train --save` file).
import {drawCurves} from './curves.js';
import {createPad} from './pad.js';

const $ = (selector) => document.querySelector(selector);
const query = new URLSearchParams(location.search);
const worker = new Worker('worker.js');
const passes = [];
let totalPasses = 0;

function setState(state) {
  document.body.dataset.state = state;
}

function showMessage(text) {
  const message = $('#message');
  message.textContent = text;
  message.hidden = !text;
}

function percent(misses, count) {
  return (100 * misses) / count;
}

function addPass(result) {
  const pass = {
    pass: result.pass,
    trainError: percent(result.trainMisses, result.trainCount),
    testError: percent(result.testMisses, result.testCount),
  };
  passes.push(pass);
  drawCurves($('#curves'), passes, totalPasses);
  const row = document.createElement('tr');
  Object.assign(row.dataset, {pass: result.pass, trainMisses: result.trainMisses, testMisses: result.testMisses,
                              trainLoss: result.trainLoss, testLoss: result.testLoss, seconds: result.seconds,
                              stepSeconds: result.stepSeconds, trainCount: result.trainCount});
  for (const text of [result.pass, `${pass.trainError.toFixed(2)}%`, result.trainMisses, `${pass.testError.toFixed(2)}%`,
                      result.testMisses, result.seconds.toFixed(1)]) {
    const cell = document.createElement('td');
    cell.textContent = text;
    row.append(cell);
  }
  $('#passes-table tbody').append(row);
  $('#status').textContent = `Pass ${result.pass} of ${totalPasses}: train error ${pass.trainError.toFixed(2)}%, ` +
    `test error ${pass.testError.toFixed(2)}%; ${result.seconds.toFixed(1)} s so far ` +
    `(${(result.stepSeconds * 1e6 / (result.pass * result.trainCount)).toFixed(0)} µs a training step).`;
}

// Planes of values in [-1, 1] (the paper's: background -1, ink +1) as gray
// squares, ink dark.
function drawPlane(canvas, values, side, offset = 0) {
  const context = canvas.getContext('2d');
  const image = context.createImageData(side, side);
  for (let i = 0; i < side * side; ++i) {
    const gray = Math.round(255 * (1 - (values[offset + i] + 1) / 2));
    image.data.set([gray, gray, gray, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
}

function planes(container, values, count, side) {
  if (container.children.length !== count) {
    container.replaceChildren(...Array.from({length: count}, () => {
      const canvas = document.createElement('canvas');
      canvas.className = 'plane';
      canvas.width = canvas.height = side;
      return canvas;
    }));
  }
  [...container.children].forEach((canvas, i) => drawPlane(canvas, values, side, i * side * side));
}

function showClassification({answer, digit16, scores, h1, h2}) {
  $('#answer').textContent = String(answer);
  const rows = [...scores].map((score, digit) => {
    const row = document.createElement('tr');
    row.className = digit === answer ? 'best' : '';
    row.innerHTML = `<td>${digit}</td><td>${score.toFixed(3)}</td><td class="bar"><span></span></td>`;
    row.querySelector('span').style.width = `${Math.round(60 * (score + 1))}px`;
    return row;
  });
  $('#outputs tbody').replaceChildren(...rows);
  drawPlane($('#input16'), digit16, 16);
  planes($('#h1'), h1, 12, 8);
  planes($('#h2'), h2, 12, 4);
}

const pad = createPad($('#pad'), classify);

function weightsChosen() {
  return document.querySelector('input[name=weights]:checked').value;
}

function classify() {
  if (pad.isEmpty()) return;
  worker.postMessage({type: 'classify', ...pad.ink(), shipped: weightsChosen() === 'shipped'});
}

worker.onmessage = ({data}) => {
  switch (data.type) {
    case 'ready':
      $('#passes').value = data.passes;
      totalPasses = data.passes;
      $('#train-button').disabled = false;
      $('#kernels').textContent = `Kernels: ${data.kernels}. ${data.trainCount} training digits loaded.`;
      $('#status').textContent = 'Ready: press Train, or draw a digit.';
      setState('ready');
      break;
    case 'weights':
      showMessage('');
      $('#weights-name').textContent = `Shipped weights: ${data.name}`;
      document.body.dataset.weights = 'loaded';
      classify();
      break;
    case 'weights-error':
      showMessage(`These weights could not be loaded: ${data.message}`);
      document.body.dataset.weights = 'error';
      break;
    case 'training':
      passes.length = 0;
      $('#passes-table tbody').replaceChildren();
      drawCurves($('#curves'), passes, totalPasses);
      document.querySelector('input[value=trained]').disabled = false;
      setState('training');
      break;
    case 'progress':
      if (passes.length === 0) $('#status').textContent = `Training pass ${data.pass} of ${totalPasses}…`;
      break;
    case 'pass':
      addPass(data);
      break;
    case 'trained':
      $('#train-button').disabled = false;
      $('#stop-button').disabled = true;
      setState('trained');
      break;
    case 'classified':
      showClassification(data);
      break;
    case 'error':
      showMessage(data.message);
      $('#train-button').disabled = document.body.dataset.state === 'loading';
      $('#stop-button').disabled = true;
      if (document.body.dataset.state === 'loading') setState('failed');
      break;
  }
};
worker.onerror = (event) => {
  showMessage(`The page's worker failed: ${event.message || 'worker.js or lenet1.js could not be loaded'}`);
  setState('failed');
};

$('#train-form').addEventListener('submit', (event) => {
  event.preventDefault();
  totalPasses = Number($('#passes').value);
  $('#train-button').disabled = true;
  $('#stop-button').disabled = false;
  showMessage('');
  worker.postMessage({type: 'train', passes: totalPasses, seed: Number($('#seed').value)});
});
$('#stop-button').addEventListener('click', () => {
  worker.postMessage({type: 'stop'});
  $('#train-button').disabled = false;
  $('#stop-button').disabled = true;
  setState('stopped');
});
$('#clear-button').addEventListener('click', () => {
  pad.clear();
  $('#answer').textContent = '–';
});
for (const radio of document.querySelectorAll('input[name=weights]')) radio.addEventListener('change', classify);
$('#weights-file').addEventListener('change', async (event) => {
  const [file] = event.target.files;
  if (!file) return;
  worker.postMessage({type: 'weights', name: file.name, bytes: await file.arrayBuffer()});
});

worker.postMessage({type: 'start', data: query.get('data') || 'data', weights: query.get('weights') || 'lenet1.safetensors'});
