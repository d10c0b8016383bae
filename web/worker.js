// The Web Worker that holds the WebAssembly module (lenet1.js, built from
// web/lenet1_web.cpp): it fetches the prepared digits and the shipped
// weights, trains, evaluates and classifies, and tells the page what
// happened in messages. Training runs in slices of steps, and the worker
// reads the page's messages between them, so a drawing is classified with
// the weights of the moment while training goes on.
/* global createLenet1 */
'use strict';
importScripts('lenet1.js');

const dataFiles = ['train_images.npy', 'train_labels.npy', 'test_images.npy', 'test_labels.npy'];
const stepsPerSlice = 500;

let lenet1 = null;
let training = null;  // {passes, pass, started, stepSeconds}

function post(type, fields = {}) {
  self.postMessage({type, ...fields});
}

function lastError() {
  return lenet1.UTF8ToString(lenet1._web_error());
}

// A C string for the module, freed by the caller.
function cString(text) {
  const size = lenet1.lengthBytesUTF8(text) + 1;
  const pointer = lenet1._malloc(size);
  lenet1.stringToUTF8(text, pointer, size);
  return pointer;
}

function callWithPath(fn, path) {
  const pointer = cString(path);
  try {
    return fn(pointer);
  } finally {
    lenet1._free(pointer);
  }
}

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: expected the file, the server answered ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

// The weights in `bytes` (a `lenet1 train --save` file) as the shipped ones.
function loadWeights(name, bytes) {
  // In a folder of their own, under their own name, which messages then show.
  lenet1.FS.mkdirTree('/weights');
  lenet1.FS.chdir('/weights');
  const path = name.replace(/[^A-Za-z0-9._-]/g, '_');
  lenet1.FS.writeFile(path, bytes);
  const status = callWithPath(lenet1._web_load_weights, path);
  lenet1.FS.unlink(path);
  if (status < 0) throw new Error(lastError());
}

async function start(settings) {
  lenet1 = await createLenet1();
  lenet1.FS.mkdirTree('/data');
  const files = await Promise.all(dataFiles.map((name) => fetchBytes(`${settings.data}/${name}`)));
  files.forEach((bytes, i) => lenet1.FS.writeFile(`/data/${dataFiles[i]}`, bytes));
  lenet1.FS.chdir('/');  // messages then name data/train_images.npy, as the site has it
  const trainCount = callWithPath(lenet1._web_load_data, 'data');
  for (const name of dataFiles) lenet1.FS.unlink(`/data/${name}`);  // the module holds its own copy now
  if (trainCount < 0) throw new Error(lastError());
  post('ready', {
    trainCount,
    passes: lenet1._web_recipe_passes(),
    kernels: lenet1.UTF8ToString(lenet1._web_kernels()),
  });
  try {
    loadWeights(settings.weights.split('/').pop(), await fetchBytes(settings.weights));
    post('weights', {name: settings.weights, shipped: true});
  } catch (error) {
    post('weights-error', {message: error.message});
  }
}

function evaluatePass(pass) {
  if (lenet1._web_evaluate() < 0) throw new Error(lastError());
  const result = (which) => lenet1._web_result(which);
  post('pass', {
    pass,
    trainLoss: result(0), trainMisses: result(1), trainCount: result(4),
    testLoss: result(2), testMisses: result(3), testCount: result(5),
    stepSeconds: training.stepSeconds,
    seconds: (performance.now() - training.started) / 1000,
  });
}

// One slice of the run, then the next one after the page's messages.
function trainSlice() {
  if (!training) return;
  try {
    const begin = performance.now();
    const taken = lenet1._web_train_steps(stepsPerSlice);
    training.stepSeconds += (performance.now() - begin) / 1000;
    if (taken < 0) throw new Error(lastError());
    if (taken === 0) {  // the pass is over
      training.pass += 1;
      evaluatePass(training.pass);
      if (training.pass === training.passes) {
        training = null;
        post('trained');
        return;
      }
    }
    post('progress', {pass: training.pass + 1, steps: taken});
    setTimeout(trainSlice, 0);
  } catch (error) {
    training = null;
    post('error', {message: error.message});
  }
}

function train({passes, seed}) {
  if (lenet1._web_train_begin(seed >>> 0) < 0) throw new Error(lastError());
  training = {passes, pass: 0, started: performance.now(), stepSeconds: 0};
  post('training', {passes, seed});
  setTimeout(trainSlice, 0);
}

function classify({ink, width, height, shipped}) {
  if (lenet1._web_use_weights(shipped ? 1 : 0) < 0) throw new Error(lastError());
  const pointer = lenet1._malloc(ink.length * 4);
  try {
    lenet1.HEAPF32.set(ink, pointer / 4);
    const answer = lenet1._web_classify(pointer, width, height);
    if (answer < 0) throw new Error(lastError());
    const view = (which, length) => {
      const start = lenet1._web_view(which) / 4;
      return lenet1.HEAPF32.slice(start, start + length);
    };
    post('classified', {
      answer, digit28: view(0, 28 * 28), digit16: view(1, 16 * 16), scores: view(2, 10),
      h1: view(3, 12 * 8 * 8), h2: view(4, 12 * 4 * 4),
    });
  } finally {
    lenet1._free(pointer);
  }
}

self.onmessage = async ({data}) => {
  try {
    if (data.type === 'start') await start(data);
    else if (data.type === 'train') train(data);
    else if (data.type === 'stop') training = null;
    else if (data.type === 'classify') classify(data);
    else if (data.type === 'weights') {
      loadWeights(data.name, new Uint8Array(data.bytes));
      post('weights', {name: data.name, shipped: true});
    }
  } catch (error) {
    post(data.type === 'weights' ? 'weights-error' : 'error', {message: error.message});
  }
};
