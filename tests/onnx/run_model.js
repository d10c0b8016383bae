// Runs an exported ONNX model with ONNX Runtime (the npm package
// onnxruntime-node, pinned in package-lock.json beside this file) on a .npy
// file of float32 examples, in batches of 1,000 (so the symbolic batch
// dimension N takes two sizes when the count is not a multiple), and writes
// the model's output as a float32 .npy file for the test to compare with
// ctgrad's (tests/unit/test_e2e_onnx.cpp).
//
//   NODE_PATH=<install>/node_modules node run_model.js MODEL.onnx EXAMPLES.npy OUT.npy
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

// A .npy file's shape and float32 values (version 1 or 2 headers, '<f4', C order).
function readNpy(file) {
  const bytes = fs.readFileSync(file);
  if (bytes.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: expected a .npy file`);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLength;
  const header = bytes.toString('latin1', major === 1 ? 10 : 12, start);
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header))
    throw new Error(`${file}: expected little-endian float32 in C order, found header ${header.trim()}`);
  const shape = header.match(/'shape':\s*\(([^)]*)\)/)[1].split(',').filter((s) => s.trim()).map(Number);
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
  return { shape, values };
}

function writeNpy(file, shape, values) {
  const dims = shape.join(', ') + (shape.length === 1 ? ',' : '');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';  // the data starts 64-byte aligned
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(values.buffer)]));
}

async function main() {
  const [modelFile, examplesFile, outFile] = process.argv.slice(2);
  if (!outFile) throw new Error('usage: node run_model.js MODEL.onnx EXAMPLES.npy OUT.npy');
  const examples = readNpy(examplesFile);
  const session = await ort.InferenceSession.create(modelFile);
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  const count = examples.shape[0];
  const exampleSize = examples.values.length / count;
  const batch = 1000;
  let outputs = null;
  let outputShape = null;
  for (let first = 0; first < count; first += batch) {
    const n = Math.min(batch, count - first);
    const input = new ort.Tensor('float32', examples.values.subarray(first * exampleSize, (first + n) * exampleSize),
                                 [n, ...examples.shape.slice(1)]);
    const result = (await session.run({ [inputName]: input }))[outputName];
    if (outputs === null) {
      outputShape = [count, ...result.dims.slice(1)];
      outputs = new Float32Array(result.data.length / n * count);
    }
    outputs.set(result.data, first * (result.data.length / n));
  }
  writeNpy(outFile, outputShape, outputs);
  const version = require('onnxruntime-node/package.json').version;
  console.log(`onnxruntime-node ${version}: ${modelFile} on ${count} examples (${inputName} -> ${outputName} ` +
              `[${outputShape.join(', ')}]): ${outFile}`);
}

main().catch((error) => {
  console.error(`run_model.js: ${error.message}`);
  process.exit(1);
});
