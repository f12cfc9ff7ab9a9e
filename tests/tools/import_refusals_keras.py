#!/usr/bin/env python3
"""tools/ctnn_import's refusals of Keras models (TensorFlow.js' model.json): one small model per
kind of refusal, written by hand into a temporary directory as TensorFlow.js writes them (its
weight shard all zeros), converted with ctnn_import; each must exit with status 1, print one
line naming the layer (or the weight) and the reason, and write nothing. Two models ctnn_import
must convert (tfjs' Sequential form; Keras 3's functional form, its inbound nodes as args and
keras_history, with a GRU whose reset_after is Keras 3's default) show that the refusals are
the models' and not the harness'. No compiler, no TensorFlow.js.

    import_refusals_keras.py [--tools DIR]

Exit status: 0, 1 when a case fails, 77 when ctnn_import cannot run (no NumPy)."""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TFJS = "tfjs-layers 4.22.0"


def layer(class_name, name, inbound=None, **config):
    """A layer of a model config; inbound (functional models): the layers it reads, Keras 2's form."""
    entry = {"class_name": class_name, "config": {"name": name, "trainable": True, **config}}
    if inbound is not None:
        entry["name"] = name
        entry["inbound_nodes"] = [[[source, 0, 0, {}] for source in inbound]] if inbound else []
    return entry


def dense(name, units, inbound=None, **config):
    return layer("Dense", name, inbound, units=units, activation=config.pop("activation", "linear"),
                 use_bias=config.pop("use_bias", True), **config)


def sequential(*layers):
    return {"class_name": "Sequential", "config": {"name": "sequential_1", "layers": list(layers)}}


def functional(layers, inputs, outputs):
    return {"class_name": "Model", "config": {"name": "model1", "layers": layers,
                                              "input_layers": [[n, 0, 0] for n in inputs],
                                              "output_layers": [[n, 0, 0] for n in outputs]}}


def model_json(topology, weights, version=TFJS, extra_bytes=0, dtype=None, **top):
    """(model.json's object, the shard's bytes): weights [(name, shape)], float32 zeros."""
    topology = json.loads(json.dumps(dict(topology, keras_version=version, backend="tensor_flow.js")))  # a copy
    specs = [{"name": n, "shape": list(s), "dtype": dtype or "float32"} for n, s in weights]
    size = sum(4 * math.prod(s) for _, s in weights) + extra_bytes
    doc = {"format": "layers-model", "generatedBy": "TensorFlow.js tfjs-layers v4.22.0", "convertedBy": None,
           "modelTopology": topology, "weightsManifest": [{"paths": ["model.weights.bin"], "weights": specs}]}
    doc.update(top)
    return doc, bytes(max(size, 0))


def mlp(*middle, weights=(), input_shape=(6,)):
    """A Sequential dense(4) on input_shape, then `middle` layers, with the dense layer's weights."""
    first = dense("dense_Dense1", 4, batch_input_shape=[None, *input_shape], dtype="float32")
    return sequential(first, *middle), [("dense_Dense1/kernel", (input_shape[-1], 4)), ("dense_Dense1/bias", (4,))] + \
        list(weights)


def keras3_tensor(name):
    return {"class_name": "__keras_tensor__", "config": {"shape": [None, 6], "dtype": "float32",
                                                         "keras_history": [name, 0, 0]}}


def keras3_layer(class_name, name, args, **config):
    return {"module": "keras.layers", "class_name": class_name, "name": name, "registered_name": None,
            "config": {"name": name, "trainable": True, "dtype": {"module": "keras", "class_name": "DTypePolicy",
                                                                  "config": {"name": "float32"}}, **config},
            "inbound_nodes": [{"args": args, "kwargs": {}}] if args is not None else []}


def cases():
    """name -> (model.json object, shard bytes, the text its refusal must hold, or None: converts)."""
    out = {}
    # ---- models ctnn_import converts ----
    topology, weights = mlp(layer("LeakyReLU", "leaky", alpha=0.1), dense("dense_Dense2", 3, activation="softmax"),
                            weights=[("dense_Dense2/kernel", (4, 3)), ("dense_Dense2/bias", (3,))])
    out["converts_tfjs_sequential"] = model_json(topology, weights) + (None,)
    inp = keras3_layer("InputLayer", "input_layer", None, batch_shape=[None, 6], sparse=False, ragged=False)
    del inp["config"]["trainable"]
    k3 = [inp,
          keras3_layer("Dense", "dense", [keras3_tensor("input_layer")], units=6, activation="relu", use_bias=True,
                       kernel_initializer={"module": "keras.initializers", "class_name": "GlorotUniform",
                                           "config": {"seed": None}}, lora_rank=None),
          keras3_layer("Add", "add", [[keras3_tensor("input_layer"), keras3_tensor("dense")]]),
          keras3_layer("Dense", "dense_1", [keras3_tensor("add")], units=2, activation="linear", use_bias=True)]
    topology = {"class_name": "Functional", "config": {"name": "functional", "layers": k3,
                                                       "input_layers": [["input_layer", 0, 0]],
                                                       "output_layers": [["dense_1", 0, 0]]}}
    out["converts_keras3_functional"] = model_json(topology, [("dense/kernel", (6, 6)), ("dense/bias", (6,)),
                                                              ("dense_1/kernel", (6, 2)), ("dense_1/bias", (2,))],
                                                   version="3.6.0") + (None,)
    gru = {"module": "keras.layers", "class_name": "GRU", "registered_name": None,
           "config": {"name": "gru", "units": 2, "activation": "tanh", "recurrent_activation": "sigmoid",
                      "use_bias": True, "return_sequences": False, "go_backwards": False, "use_cudnn": "auto",
                      "dropout": 0.0, "seed": None}}
    topology = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
         "config": {"name": "input_layer", "batch_shape": [None, 5, 3], "dtype": "float32", "sparse": False}}, gru]}}
    out["converts_keras3_gru_reset_after"] = model_json(topology, [("gru/gru_cell/kernel", (3, 6)),
                                                                   ("gru/gru_cell/recurrent_kernel", (2, 6)),
                                                                   ("gru/gru_cell/bias", (2, 6))],
                                                        version="3.6.0") + (None,)

    # ---- refusals: the model file and its weights ----
    topology, weights = mlp()
    doc, data = model_json(topology, weights)
    out["truncated_shard"] = (doc, data[:20], "weight 'dense_Dense1/kernel': 6x4 needs 96 bytes at offset 0 of its "
                              "group's shards (model.weights.bin), which hold 20")
    doc, data = model_json(topology, weights)
    doc["weightsManifest"][0]["paths"] = ["/dev/zero"]  # read to its end, it would never end
    out["shard_not_a_file"] = (doc, data, "weight shard '/dev/zero' is not a regular file")
    out["trailing_bytes"] = model_json(topology, weights, extra_bytes=8) + (
        "its shards (model.weights.bin) hold 120 bytes, its weights 112",)
    out["weight_dtype"] = model_json(topology, weights, dtype="int32") + (
        "weight 'dense_Dense1/kernel': dtype 'int32'; ctnn_import reads float32 weights only",)
    doc, data = model_json(topology, weights)
    doc["weightsManifest"][0]["weights"][0]["quantization"] = {"dtype": "uint8", "scale": 0.1, "min": 0}
    out["quantized_weights"] = (doc, data, "weight 'dense_Dense1/kernel': quantized (uint8)")
    out["stray_weight"] = model_json(topology, weights + [("conv2d_Conv2D9/kernel", (1,))]) + (
        "weight 'conv2d_Conv2D9/kernel' belongs to no layer of the model",)
    out["missing_weight"] = model_json(topology, weights[:1]) + (
        "layer 'dense_Dense1' (Dense): the weights hold no 'bias'",)
    out["graph_model"] = model_json(topology, weights, format="graph-model") + (
        "format 'graph-model'; ctnn_import reads TensorFlow.js' 'layers-model'",)
    topology, weights = mlp(input_shape=(None,))
    out["dynamic_input"] = model_json(topology, [("dense_Dense1/kernel", (1, 4)), ("dense_Dense1/bias", (4,))]) + (
        "every dimension but the batch must be known",)

    # ---- refusals: layers and options ctnn lacks ----
    topology, weights = mlp(layer("Conv2DTranspose", "up_Conv2DTranspose1"))
    out["unsupported_layer"] = model_json(topology, weights) + (
        "layer 'up_Conv2DTranspose1' (Conv2DTranspose): not supported (supported: InputLayer, Dense,",)
    topology, weights = mlp()
    topology["config"]["layers"][0]["config"]["activation"] = "softsign"
    out["unsupported_activation"] = model_json(topology, weights) + (
        "layer 'dense_Dense1' (Dense): activation 'softsign' has no ctnn equivalent",)
    topology["config"]["layers"][0]["config"]["activation"] = "hard_sigmoid"
    out["hard_sigmoid_of_tfjs"] = model_json(topology, weights) + (
        "layer 'dense_Dense1' (Dense): activation 'hard_sigmoid' of tfjs-layers 4.22.0 is clip(0.2 z + 0.5, 0, 1)",)
    topology, weights = mlp()
    topology["config"]["layers"][0]["config"]["lora_rank"] = 4
    out["unknown_option"] = model_json(topology, weights) + (
        "layer 'dense_Dense1' (Dense): option lora_rank=4, which ctnn_import does not know",)
    topology, weights = mlp()
    topology["config"]["layers"][0]["config"]["dtype"] = {"module": "keras", "class_name": "DTypePolicy",
                                                          "config": {"name": "mixed_float16"}}
    out["mixed_precision"] = model_json(topology, weights) + (
        "layer 'dense_Dense1' (Dense): dtype 'mixed_float16'; ctnn computes in float32",)
    topology, weights = mlp(input_shape=(5, 3))
    out["dense_on_a_sequence"] = model_json(topology, weights) + (
        "layer 'dense_Dense1' (Dense): on an input of shape (5, 3): Keras applies Dense to the last axis",)
    topology, weights = mlp(layer("ReLU", "re_lu_ReLU1", max_value=6))
    out["capped_relu"] = model_json(topology, weights) + (
        "layer 're_lu_ReLU1' (ReLU): max_value=6: a capped ReLU",)
    topology, weights = mlp(layer("Softmax", "softmax_Softmax1", axis=0))
    out["softmax_axis"] = model_json(topology, weights) + (
        "layer 'softmax_Softmax1' (Softmax): axis=0: ctnn's softmax is over the last axis",)

    def image(*layers, weights=()):
        conv = layer("Conv2D", "conv", filters=2, kernel_size=[3, 3], strides=[1, 1], padding="same",
                     data_format="channels_last", dilation_rate=[1, 1], activation="linear", use_bias=False,
                     batch_input_shape=[None, 8, 8, 3], dtype="float32")
        return sequential(conv, *layers), [("conv/kernel", (3, 3, 3, 2))] + list(weights)

    topology, weights = image()
    topology["config"]["layers"][0]["config"]["data_format"] = "channels_first"
    out["channels_first"] = model_json(topology, weights) + (
        "layer 'conv' (Conv2D): data_format='channels_first': ctnn is channels-last",)
    topology, weights = image()
    topology["config"]["layers"][0]["config"].update(strides=[2, 2], dilation_rate=[2, 2])
    out["dilation_with_strides"] = model_json(topology, weights) + (
        "layer 'conv' (Conv2D): dilation_rate (2, 2) with strides (2, 2)",)
    topology, weights = image(layer("AveragePooling2D", "pool", pool_size=[2, 2], strides=[2, 2], padding="same",
                                    data_format="channels_last"))
    out["pool_padding_same"] = model_json(topology, weights) + (
        "layer 'pool' (AveragePooling2D): padding='same': ctnn pools valid windows only",)
    topology, weights = image(layer("BatchNormalization", "bn", axis=1, epsilon=0.001, center=True, scale=True),
                              weights=[("bn/gamma", (2,)), ("bn/beta", (2,)), ("bn/moving_mean", (2,)),
                                       ("bn/moving_variance", (2,))])
    out["batch_normalization_axis"] = model_json(topology, weights) + (
        "layer 'bn' (BatchNormalization): axis=1: ctnn normalizes the last axis (-1, or 3 here) only",)
    lstm = layer("LSTM", "lstm_LSTM1", units=2, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=True,
                 batch_input_shape=[None, 5, 3], dtype="float32")
    lstm_weights = [("lstm_LSTM1/kernel", (3, 8)), ("lstm_LSTM1/recurrent_kernel", (2, 8)), ("lstm_LSTM1/bias", (8,))]
    out["stateful_rnn"] = model_json(sequential(lstm), lstm_weights) + (
        "layer 'lstm_LSTM1' (LSTM): stateful=True: a stateful layer carries its state",)
    lstm = json.loads(json.dumps(lstm))
    lstm["config"].update(stateful=False, activation="swish")
    out["recurrent_activation_ctnn_lacks"] = model_json(sequential(lstm), lstm_weights) + (
        "layer 'lstm_LSTM1' (LSTM): activation 'silu': ctnn's recurrent cells take",)

    # ---- refusals: the graph of a functional model ----
    def graph(*layers, inputs=("input1",), output):
        first = [layer("InputLayer", name, [], batch_input_shape=[None, 6], dtype="float32", sparse=False)
                 for name in inputs]
        return functional(first + list(layers), list(inputs), [output])

    two = [("a/kernel", (6, 4)), ("a/bias", (4,)), ("b/kernel", (6, 4)), ("b/bias", (4,))]
    topology = graph(dense("a", 4, ["input1"]), dense("b", 4, ["input1"]), layer("Multiply", "mul", ["a", "b"]),
                     output="mul")
    out["merge_ctnn_lacks"] = model_json(topology, two) + (
        "layer 'mul' (Multiply): combines 2 tensors; ctnn merges paths with Add or Concatenate only",)
    topology = graph(dense("a", 4, ["input1"]), layer("Add", "add", ["a", "a"]), output="add")
    topology["config"]["layers"][1]["inbound_nodes"].append([["input1", 0, 0, {}]])
    out["shared_layer"] = model_json(topology, two[:2]) + (
        "layer 'a' (Dense): called 2 times (a shared layer)",)
    topology = graph(dense("a", 4, ["input1"]), dense("b", 4, ["input2"]), layer("Add", "add", ["a", "b"]),
                     inputs=("input1", "input2"), output="add")
    out["two_inputs"] = model_json(topology, two) + (
        "the model (Model): 2 inputs; a ctnn network has one input and one output",)
    topology = graph(layer("Reshape", "seq", ["input1"], target_shape=[3, 2]),
                     layer("Conv1D", "a", ["seq"], filters=2, kernel_size=[1], strides=[1], padding="valid",
                           dilation_rate=[1], activation="linear", use_bias=False),
                     layer("Conv1D", "b", ["seq"], filters=2, kernel_size=[1], strides=[1], padding="valid",
                           dilation_rate=[1], activation="linear", use_bias=False),
                     layer("Concatenate", "cat", ["a", "b"], axis=1), output="cat")
    out["reshape_ctnn_lacks"] = model_json(topology, [("a/kernel", (1, 2, 2)), ("b/kernel", (1, 2, 2))]) + (
        "layer 'seq' (Reshape): not supported",)
    topology = graph(dense("a", 4, ["input1"]), dense("b", 4, ["input1"]),
                     layer("Concatenate", "cat", ["a", "b"], axis=0), output="cat")
    out["concatenate_axis"] = model_json(topology, two) + (
        "layer 'cat' (Concatenate): axis=0 of 1-D tensors; ctnn concatenates on the last axis (-1) only",)
    topology = graph(dense("a", 4, ["input1"]), dense("b", 4, ["input1"]), output="b")
    out["paths_that_never_meet"] = model_json(topology, two) + (
        "tensor 'a' is read by no node and is not the graph's output",)
    return out


def run(tools, directory, name, doc, data):
    path = os.path.join(directory, name)
    os.makedirs(path)
    with open(os.path.join(path, "model.json"), "w") as f:
        json.dump(doc, f)
    with open(os.path.join(path, "model.weights.bin"), "wb") as f:
        f.write(data)
    header = os.path.join(path, "out.hpp")
    result = subprocess.run([sys.executable, os.path.join(tools, "ctnn_import"), os.path.join(path, "model.json"),
                             "-o", header, "--weights-file", os.path.join(path, "out.ctnn")],
                            capture_output=True, text=True)
    written = [p for p in ("out.hpp", "out.ctnn") if os.path.exists(os.path.join(path, p))]
    return result, written


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tools", default=os.path.join(HERE, "..", "..", "tools"))
    args = parser.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory() as directory:
        for name, (doc, data, expected) in cases().items():
            result, written = run(args.tools, directory, name, doc, data)
            message = result.stderr.strip()
            if "needs NumPy" in message:
                print(f"SKIPPED: ctnn_import cannot run here: {message}")
                return 77
            if expected is None:
                ok = result.returncode == 0 and written == ["out.hpp", "out.ctnn"]
                why = "" if ok else f"expected a conversion, got status {result.returncode}: {message}"
            else:
                problems = []
                if result.returncode != 1:
                    problems.append(f"exit status {result.returncode}, expected 1")
                if "\n" in message or not message.startswith("ctnn_import: "):
                    problems.append("not one line starting 'ctnn_import: '")
                if expected not in message:
                    problems.append(f"the message lacks {expected!r}")
                if written:
                    problems.append(f"wrote {', '.join(written)}")
                ok, why = not problems, "; ".join(problems) + (f"\n    message: {message}" if problems else "")
            print(f"{'ok  ' if ok else 'FAIL'} {name}" + ("" if ok else f": {why}") +
                  (f"\n    {message}" if ok and expected is not None else ""))
            failures += not ok
    print(f"{failures} of {len(cases())} cases failed" if failures else f"all {len(cases())} cases pass")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
