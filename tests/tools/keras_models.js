// The Keras round trips' models, made by TensorFlow.js (@tensorflow/tfjs, pinned in
// tests/tools/keras/package.json; scripts/install-deps installs it): each a seeded model whose
// weights are all set from this script's own generator (so nothing depends on tfjs' initializers
// or their seeds), saved as TensorFlow.js saves a Keras model -- DIR/<case>.json (format
// "layers-model": the Keras model config and the weights manifest) and its .bin shard(s) -- with
// random inputs DIR/<case>_x.npy and tfjs' model.predict of them, DIR/<case>_y.npy (float32,
// what tfjs' CPU backend computes). Run by tests/tools/keras_models.py:
//
//     NODE_PATH=$HOME/.cache/ctnn/npm/node_modules node keras_models.js DIR [CASE...]
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

// mulberry32: a small seeded generator, the same numbers on every machine and node version.
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniform(random, shape, low, high) {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; ++i) values[i] = low + (high - low) * random();
  return tf.tensor(values, shape, 'float32');
}

// Every weight away from its initial value, batch normalization's statistics and affine
// parameters included (a conversion that swapped or dropped one would show); kernels scaled by
// their fan-in so that activations stay in the range where the functions are not flat.
function randomizeWeights(model, random) {
  for (const layer of model.layers) {
    const values = layer.weights.map(w => {
      const shape = w.shape;
      const name = w.originalName;
      if (name.endsWith('/moving_variance')) return uniform(random, shape, 0.5, 2.0);
      if (name.endsWith('/gamma')) return uniform(random, shape, 0.5, 1.5);
      if (name.endsWith('/moving_mean') || name.endsWith('/beta')) return uniform(random, shape, -0.5, 0.5);
      if (name.endsWith('/bias')) return uniform(random, shape, -0.3, 0.3);
      const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const limit = Math.sqrt(3 / fanIn);
      return uniform(random, shape, -limit, limit);
    });
    if (values.length) layer.setWeights(values);
  }
}

const L = tf.layers;

// case -> [model, one sample's shape, shards]: shards > 1 splits the weights into that many .bin
// files (as tfjs does past 4 MB), cutting through a weight, so that the reader's concatenation of
// a group's paths is exercised.
const CASES = {
  // (a) an MLP: dropout, LeakyReLU with alpha other than Keras' 0.3 (a run-time hyperparameter
  // of ctnn's), an Activation layer, a dense layer without bias, an ELU layer (tfjs' takes alpha
  // 1 only), a final Softmax layer (tfjs writes its axis as 1).
  mlp: () => [tf.sequential({
    layers: [
      L.dense({units: 32, activation: 'relu', inputShape: [20]}),
      L.dropout({rate: 0.25}),
      L.dense({units: 24}),
      L.leakyReLU({alpha: 0.1}),
      L.dense({units: 16, useBias: false}),
      L.activation({activation: 'tanh'}),
      L.dense({units: 12}),
      L.elu(),
      L.dense({units: 10}),
      L.softmax(),
    ],
  }), [20], 1],
  // (b) a CNN: Conv2D 'same' and 'valid' with strides, batch normalization with epsilon 0.01 and
  // its statistics set, max pooling, flatten (Keras' channels-last order, ctnn's), dense softmax.
  cnn: () => [tf.sequential({
    layers: [
      L.conv2d({filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [12, 12, 3]}),
      L.batchNormalization({epsilon: 0.01}),
      L.conv2d({filters: 12, kernelSize: [3, 2], strides: [2, 2], padding: 'valid', activation: 'sigmoid'}),
      L.maxPooling2d({poolSize: [2, 2]}),
      L.flatten(),
      L.dense({units: 10, activation: 'softmax'}),
    ],
  }), [12, 12, 3], 2],
  // (c) a functional ResNet-style model: an identity residual block (the Add reads the block's
  // input itself), a downsampling block with a strided 1x1 convolution shortcut, an
  // inception-style Concatenate of three paths (1x1, 3x3, depthwise 3x3), global average
  // pooling, dense.
  resnet: () => {
    const input = tf.input({shape: [8, 8, 3]});
    const stem = L.conv2d({filters: 8, kernelSize: 3, padding: 'same', activation: 'relu'}).apply(input);
    let body = L.conv2d({filters: 8, kernelSize: 3, padding: 'same'}).apply(stem);
    body = L.batchNormalization({epsilon: 0.001}).apply(body);
    body = L.reLU().apply(body);
    body = L.conv2d({filters: 8, kernelSize: 3, padding: 'same'}).apply(body);
    let x = L.activation({activation: 'relu'}).apply(L.add().apply([stem, body]));
    const down = L.conv2d({filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu'}).apply(x);
    const shortcut = L.conv2d({filters: 16, kernelSize: 1, strides: 2}).apply(x);
    x = L.activation({activation: 'tanh'}).apply(L.add().apply([down, shortcut]));
    const a = L.conv2d({filters: 4, kernelSize: 1, activation: 'relu'}).apply(x);
    const b = L.conv2d({filters: 6, kernelSize: 3, padding: 'same', activation: 'sigmoid'}).apply(x);
    const c = L.depthwiseConv2d({kernelSize: 3, padding: 'same', activation: 'relu'}).apply(x);
    x = L.concatenate({axis: -1}).apply([a, b, c]);
    x = L.globalAveragePooling2d({}).apply(x);
    const output = L.dense({units: 5}).apply(x);
    return [tf.model({inputs: input, outputs: output}), [8, 8, 3], 1];
  },
  // The other 2-D layers: ZeroPadding2D (asymmetric), DepthwiseConv2D (multiplier 2, strides),
  // a dilated Conv2D without bias, average pooling with strides other than its window, batch
  // normalization without center, and the activations selu, softplus, swish, gelu, elu.
  conv_misc: () => [tf.sequential({
    layers: [
      L.zeroPadding2d({padding: [[1, 2], [0, 1]], inputShape: [10, 10, 3]}),
      L.depthwiseConv2d({kernelSize: 3, depthMultiplier: 2, strides: 2, activation: 'selu'}),
      L.conv2d({filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', useBias: false, activation: 'softplus'}),
      L.averagePooling2d({poolSize: [2, 2], strides: [1, 1]}),
      L.batchNormalization({center: false, epsilon: 0.1}),
      L.flatten(),
      L.dense({units: 6, activation: 'swish'}),
      L.dense({units: 5, activation: 'gelu'}),
      L.dense({units: 3, activation: 'elu'}),
    ],
  }), [10, 10, 3], 1],
  // 1-D: a dilated Conv1D (tfjs has no 'causal' padding), max pooling, a strided 'same' Conv1D,
  // average pooling, global average pooling, dense softmax.
  conv1d: () => [tf.sequential({
    layers: [
      L.conv1d({filters: 6, kernelSize: 3, dilationRate: 2, activation: 'relu', inputShape: [16, 3]}),
      L.maxPooling1d({poolSize: 2}),
      L.conv1d({filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh'}),
      L.averagePooling1d({poolSize: 2}),
      L.globalAveragePooling1d(),
      L.dense({units: 4, activation: 'softmax'}),
    ],
  }), [16, 3], 1],
  // (d) recurrent: LSTM (return_sequences) -> SimpleRNN (relu, go_backwards, return_sequences:
  // the outputs in reversed order, as Keras returns them) -> GRU (tfjs' reset_after=false, one
  // bias) -> dense. tfjs' default recurrent activation is its hard sigmoid (Keras 2's 0.2 z + 0.5,
  // which ctnn does not have), so the gates are given the logistic sigmoid.
  rnn: () => [tf.sequential({
    layers: [
      L.lstm({units: 8, returnSequences: true, recurrentActivation: 'sigmoid', inputShape: [7, 4]}),
      L.simpleRNN({units: 6, activation: 'relu', returnSequences: true, goBackwards: true}),
      L.gru({units: 5, recurrentActivation: 'sigmoid'}),
      L.dense({units: 3}),
    ],
  }), [7, 4], 1],
};

function npy(array, shape) {
  // NumPy's .npy, version 1.0: magic, version, a little-endian u16 header length, the header (a
  // Python dict literal, space-padded, newline-terminated, so that the data starts at a multiple
  // of 64 bytes), then the float32 values in C order.
  const dims = shape.join(', ') + (shape.length === 1 ? ',' : '');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(prefix);
  prefix.writeUInt16LE(header.length, 8);
  const data = Buffer.from(new Float32Array(array).buffer);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), data]);
}

async function save(model, dir, name, shards) {
  let artifacts;
  await model.save(tf.io.withSaveHandler(async a => {
    artifacts = a;
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }));
  const weights = Buffer.from(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  const paths = [];
  const cut = Math.ceil(weights.length / shards / 4) * 4 + 2;  // through a float, not at a weight's edge
  for (let k = 0, at = 0; k < shards; ++k) {
    const file = shards === 1 ? `${name}.weights.bin` : `${name}.weights.${k + 1}.bin`;
    const end = k === shards - 1 ? weights.length : Math.min(at + cut, weights.length);
    fs.writeFileSync(path.join(dir, file), weights.subarray(at, end));
    paths.push(file);
    at = end;
  }
  const json = {
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy || null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{paths, weights: artifacts.weightSpecs}],
  };
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(json, null, 1));
}

async function main() {
  const [dir, ...only] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: keras_models.js DIR [CASE...]');
    process.exit(2);
  }
  fs.mkdirSync(dir, {recursive: true});
  let seed = 1;
  for (const [name, make] of Object.entries(CASES)) {
    seed += 1;
    if (only.length && !only.includes(name)) continue;
    const [model, shape, shards] = make();
    const random = generator(1000 + seed);
    randomizeWeights(model, random);
    const samples = 5;
    const x = uniform(random, [samples, ...shape], -1, 1);
    const y = model.predict(x);
    await save(model, dir, name, shards);
    fs.writeFileSync(path.join(dir, `${name}_x.npy`), npy(x.dataSync(), x.shape));
    fs.writeFileSync(path.join(dir, `${name}_y.npy`), npy(y.dataSync(), y.shape));
    console.log(`keras_models.js: ${name}: ${model.countParams()} parameters, output ${JSON.stringify(y.shape)}`);
  }
}

main().catch(e => {
  console.error(`keras_models.js: ${e.stack || e}`);
  process.exit(1);
});
