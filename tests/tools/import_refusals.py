#!/usr/bin/env python3
"""ctnn_import's refusals of ONNX models (run by CTest): for each class of model it cannot hold, a
small graph built with onnx.helper, converted; the import must exit 1 with one line naming the
node, its operator and why, and write nothing. Each case has a twin that differs only in the
mistake and imports (so the refusal has the intended cause).

Exits 77 (CTest's SKIP_RETURN_CODE) when no python3 with numpy and onnx is found."""

import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))


def cases(onnx, helper, np):
    """(name, graph builder, expected message fragment, twin builder) -- builders take no arguments
    and return a ModelProto."""
    rng = np.random.default_rng(0)

    def const(name, *shape):
        return helper.make_tensor(name, onnx.TensorProto.FLOAT, shape, rng.standard_normal(shape).astype(np.float32).ravel())

    def model(nodes, in_shape, out_shape, inits=(), inputs=None, outputs=None):
        x = helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, in_shape)
        y = helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, out_shape)
        graph = helper.make_graph(nodes, "g", inputs or [x], outputs or [y], list(inits))
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])

    def conv(group, channels=8, filters=8):
        return lambda: model([helper.make_node("Conv", ["x", "w"], ["y"], name="Conv_3", group=group,
                                               kernel_shape=[3, 3])],
                             ["N", channels, 6, 6], ["N", filters, 4, 4], [const("w", filters, channels // group, 3, 3)])

    def gemm_after(op_nodes, in_shape, features, inits=()):
        return lambda: model(op_nodes + [helper.make_node("Gemm", ["f", "w"], ["y"], name="Gemm_9", transB=1)],
                             in_shape, ["N", 3], list(inits) + [const("w", 3, features)])

    def pool(**attrs):
        return lambda: model([helper.make_node("MaxPool", ["x"], ["y"], name="MaxPool_1", kernel_shape=[2, 2], **attrs)],
                             ["N", 2, 5, 5], ["N", 2, 2, 2])

    def softmax(axis):
        return lambda: model([helper.make_node("Softmax", ["x"], ["y"], name="Softmax_1", axis=axis)],
                             ["N", 2, 3, 3], ["N", 2, 3, 3])

    def concat(axis):
        return lambda: model([helper.make_node("Relu", ["x"], ["a"], name="Relu_1"),
                              helper.make_node("Sigmoid", ["x"], ["b"], name="Sigmoid_1"),
                              helper.make_node("Concat", ["a", "b"], ["y"], name="Concat_2", axis=axis)],
                             ["N", 2, 3, 3], ["N", 4, 3, 3])

    def reshape(target):
        shape = helper.make_tensor("s", onnx.TensorProto.INT64, [len(target)], target)
        return lambda: model([helper.make_node("Reshape", ["x", "s"], ["f"], name="Reshape_1"),
                              helper.make_node("Gemm", ["f", "w"], ["y"], name="Gemm_2", transB=1)],
                             ["N", 4, 3], ["N", 3], [shape, const("w", 3, 12)])

    def dilated(strides):
        return lambda: model([helper.make_node("Conv", ["x", "w"], ["y"], name="Conv_5", kernel_shape=[3, 3],
                                               dilations=[2, 2], strides=strides)],
                             ["N", 1, 9, 9], ["N", 2, 5, 5], [const("w", 2, 1, 3, 3)])

    def end(with_gemm):
        nodes = [helper.make_node("Flatten", ["x"], ["f" if with_gemm else "y"], name="Flatten_1")]
        if with_gemm:
            nodes.append(helper.make_node("Gemm", ["f", "w"], ["y"], name="Gemm_2", transB=1))
        return lambda: model(nodes, ["N", 2, 2, 2], ["N", 3 if with_gemm else 8], [const("w", 3, 8)] if with_gemm else [])

    def two_paths():
        return [helper.make_node("Relu", ["x"], ["a"], name="Relu_1"), helper.make_node("Sigmoid", ["x"], ["b"], name="Sigmoid_1")]

    def unmet(meet):
        """x -> relu, x -> sigmoid, added; and (refused) x added once more by a second Add: three
        paths open at x, two merges."""
        nodes = two_paths() + [helper.make_node("Add", ["a", "b"], ["c" if not meet else "y"], name="Add_2")]
        if not meet:
            nodes.append(helper.make_node("Add", ["c", "x"], ["y"], name="Add_3"))
        return lambda: model(nodes, ["N", 4], ["N", 4])

    def outputs(count):
        names = ("a", "b")[:count] if count == 2 else ("y",)
        nodes = two_paths() if count == 2 else [helper.make_node("Relu", ["x"], ["y"], name="Relu_1")]
        outs = [helper.make_tensor_value_info(n, onnx.TensorProto.FLOAT, ["N", 4]) for n in names]
        return lambda: model(nodes, ["N", 4], ["N", 4], outputs=outs)

    def computed_weight(constant):
        nodes = [helper.make_node("Relu", ["w0" if constant else "x"], ["w"], name="Relu_w")] if not constant else []
        nodes.append(helper.make_node("Gemm", ["x", "w" if not constant else "w0"], ["y"], name="Gemm_1", transB=1))
        return lambda: model(nodes, ["N", 4], ["N", 4], [const("w0", 4, 4)])

    def operator(op):
        return lambda: model([helper.make_node(op, ["x"], ["y"], name=f"{op}_1")], ["N", 4], ["N", 4])

    def recurrent(op="LSTM", direction=None, lens=False, h0=None, step=-1, read=None):
        """x (N, 5, 3) -> Transpose to time-major -> op (hidden 4) -> Squeeze -> Gather step (of
        the time-major sequence: out[-1]); h0 "zero" or "random" an initial_h Expand-ed to the
        batch by torch's Shape/Gather/Unsqueeze/Concat chain; read "Y_h": the final state is the output."""
        gates, d = {"LSTM": 4, "GRU": 3, "RNN": 1}[op], 2 if direction == "bidirectional" else 1
        ints = lambda name, *v: helper.make_tensor(name, onnx.TensorProto.INT64, [len(v)], list(v))  # noqa: E731
        inits = [const("W", d, gates * 4, 3), const("R", d, gates * 4, 4), const("B", d, 2 * gates * 4),
                 ints("lens", 5), ints("sq", 1), ints("sq0", 0), ints("one", 1), ints("four", 4),
                 helper.make_tensor("step", onnx.TensorProto.INT64, [], [step]),
                 helper.make_tensor("zero", onnx.TensorProto.INT64, [], [0])]
        nodes = [helper.make_node("Transpose", ["x"], ["xt"], name="Transpose_1", perm=[1, 0, 2])]
        state = ""
        if h0 is not None:
            inits.append(helper.make_tensor("h0", onnx.TensorProto.FLOAT, [1, 1, 4], np.zeros(4) if h0 == "zero"
                                            else rng.standard_normal(4).astype(np.float32)))
            nodes += [helper.make_node("Shape", ["x"], ["shape"], name="Shape_1"),
                      helper.make_node("Gather", ["shape", "zero"], ["n"], name="Gather_1", axis=0),
                      helper.make_node("Unsqueeze", ["n", "sq0"], ["n1"], name="Unsqueeze_1"),
                      helper.make_node("Concat", ["one", "n1", "four"], ["hshape"], name="Concat_1", axis=0),
                      helper.make_node("Expand", ["h0", "hshape"], ["h"], name="Expand_1")]
            state = "h"
        attrs = {"hidden_size": 4} | ({"direction": direction} if direction else {})
        nodes.append(helper.make_node(op, ["xt", "W", "R", "B", "lens" if lens else "", state],
                                      ["Y", "yh" if read == "Y_h" else ""], name=f"{op}_2", **attrs))
        if read == "Y_h":
            nodes.append(helper.make_node("Squeeze", ["yh", "sq0"], ["y"], name="Squeeze_3"))
        else:
            nodes += [helper.make_node("Squeeze", ["Y", "sq"], ["ys"], name="Squeeze_3"),
                      helper.make_node("Gather", ["ys", "step"], ["y"], name="Gather_4", axis=0)]
        return lambda: model(nodes, ["N", 5, 3], ["N", 4], inits)

    def dims(fixed):
        return lambda: model([helper.make_node("Relu", ["x"], ["y"], name="Relu_1")], ["N", "features"], ["N", "features"])

    return [
        ("group_not_depthwise", conv(4), "node 'Conv_3' (Conv): group=4 with 8 input channels is not depthwise", conv(8)),
        ("operator", operator("Sin"), "node 'Sin_1' (Sin): not supported", operator("Tanh")),
        ("dynamic_dimension", dims(False), "dimension 1 is dynamic ('features'); fix it with --dim features=value",
         dims(True), ["--dim", "features=4"]),
        ("padded_pool", pool(pads=[1, 1, 0, 0]), "node 'MaxPool_1' (MaxPool): padded pooling", pool()),
        ("ceil_mode", pool(ceil_mode=1, strides=[2, 2]), "ceil_mode=1 adds a partial window", pool(strides=[2, 2])),
        ("softmax_axis", softmax(2), "node 'Softmax_1' (Softmax): softmax over axis 2", softmax(1)),
        ("concat_axis", concat(2), "node 'Concat_2' (Concat): concatenates on axis 2", concat(1)),
        ("reshape", reshape([-1, 4, 3]), "node 'Reshape_1' (Reshape): reshapes", reshape([0, -1])),
        ("dilation_with_stride", dilated([2, 2]), "dilations (2, 2) with strides (2, 2)", dilated([1, 1])),
        ("ends_channels_first", end(False), "ends with a flattened channels-first tensor", end(True)),
        ("paths_do_not_meet", unmet(False), "tensor 'x' is read by 3 nodes whose paths do not meet again", unmet(True)),
        ("two_outputs", outputs(2), "the graph has 2 outputs; a ctnn network has one", outputs(1)),
        ("computed_weight", computed_weight(False), "its weight ('w') is computed in the graph", computed_weight(True)),
        ("bidirectional", recurrent(direction="bidirectional"),
         "node 'LSTM_2' (LSTM): direction='bidirectional'; ctnn's recurrent layers run forward", recurrent()),
        ("sequence_lens", recurrent("GRU", lens=True), "node 'GRU_2' (GRU): sequence_lens ('lens') is given",
         recurrent("GRU")),
        ("initial_state", recurrent("GRU", h0="random"), "node 'GRU_2' (GRU): its initial_h ('h') is not provably "
         "zeros", recurrent("GRU", h0="zero")),
        ("final_state", recurrent(read="Y_h"), "node 'LSTM_2' (LSTM): its final state Y_h ('yh') is read",
         recurrent()),
        ("not_last_step", recurrent("RNN", step=0), "node 'Gather_4' (Gather): selects from a time_major tensor",
         recurrent("RNN", step=4)),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tools", required=True)
    args = parser.parse_args()
    from torch_python import require_modules
    require_modules(("numpy", "onnx"))
    import numpy as np
    import onnx
    from onnx import helper
    failures = 0
    with tempfile.TemporaryDirectory() as work:
        for entry in cases(onnx, helper, np):
            name, bad, expected, good = entry[:4]
            extra = entry[4] if len(entry) > 4 else []
            for kind, build, args_ in (("refused", bad, []), ("twin", good, extra)):
                path = os.path.join(work, f"{name}_{kind}.onnx")
                onnx.save(build(), path)
                out = os.path.join(work, f"{name}_{kind}.hpp")
                run = subprocess.run([sys.executable, os.path.join(args.tools, "ctnn_import"), path, "-o", out] + args_,
                                     capture_output=True, text=True)
                message = run.stderr.strip()
                if kind == "refused":
                    ok = run.returncode == 1 and expected in message and "\n" not in message and not os.path.exists(out)
                    detail = f"exit {run.returncode}, {'a header was written, ' if os.path.exists(out) else ''}said: {message!r}"
                else:
                    ok = run.returncode == 0 and os.path.exists(out)
                    detail = f"exit {run.returncode}: {message or run.stdout.strip()!r}"
                print(f"{'ok  ' if ok else 'FAIL'} {name} ({kind}): {message if kind == 'refused' and ok else detail}")
                failures += not ok
        failures += reference_refusals(args.tools, work, onnx, helper, np)
    print(f"{failures} failure(s)")
    return 1 if failures else 0


def reference_refusals(tools, work, onnx, helper, np):
    """--reference outputs that the converted network does not give -- one value off by 0.01, one
    NaN -- are refused, naming the sample and the output, and nothing is written; the twin, the
    exact tanh of the inputs, imports. Returns the failures."""
    x_value = helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, ["N", 4])
    y_value = helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, ["N", 4])
    graph = helper.make_graph([helper.make_node("Tanh", ["x"], ["y"], name="Tanh_1")], "g", [x_value], [y_value])
    path = os.path.join(work, "reference.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    x = np.random.default_rng(1).uniform(-1, 1, (3, 4)).astype(np.float32)
    exact = np.tanh(x.astype(np.float64))
    off, nan = exact.copy(), exact.copy()
    off[1, 2] += 0.01
    nan[2, 3] = np.nan
    failures = 0
    for name, y, expected in (("reference_off", off, "computes"), ("reference_nan", nan, "reference nan"),
                              ("reference_exact", exact, None)):
        np.save(os.path.join(work, "x.npy"), x)
        np.save(os.path.join(work, f"{name}.npy"), y)
        out = os.path.join(work, f"{name}.hpp")
        run = subprocess.run([sys.executable, os.path.join(tools, "ctnn_import"), path, "-o", out, "--reference",
                              os.path.join(work, "x.npy"), os.path.join(work, f"{name}.npy"),
                              "--reference-precision", "float64"], capture_output=True, text=True)
        message = run.stderr.strip()
        if expected is None:
            ok = run.returncode == 0 and os.path.exists(out)
        else:
            ok = run.returncode == 1 and expected in message and "\n" not in message and not os.path.exists(out)
        print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {run.returncode}: {message or run.stdout.strip()!r}")
        failures += not ok
    return failures


if __name__ == "__main__":
    sys.exit(main())
