"""The walk that turns a dataflow graph with one input and one output into ctnn's layers and
blocks, for every importer (ONNX nodes, Keras' functional layers).

A tensor read by one node continues the chain; a tensor read by several opens a block: each
reader's chain is followed until all of them meet at one merging node (Add, Concat), whose inputs
are the paths' ends -- possibly the block's input itself (a residual's identity path). Chains
nest: a path may open and close blocks of its own. What does not have that shape (paths that
never meet, or meet at different nodes, a node merging tensors from elsewhere) is refused."""

from .network import ImportError_


class GraphWalker:
    """Subclasses say what the graph is: readers(tensor) (the nodes reading it, in graph order),
    dynamic_inputs(node) (the computed tensors it reads), merges(node) (whether a node reading
    several is a merge ctnn has; refuse others there), where(node) (its name for messages),
    pattern(tensor, readers, value, out) (a multi-node pattern starting at tensor, folded into
    one layer: (tensor, value) after it, or None), node(node, tensor, value, out) (one node as
    layers appended to out: (its output tensor, value)), merge(node, paths, values, value)
    ((block, output tensor, value) for a merge of those paths over the block's input value), and
    output, the graph's output tensor."""

    output = None

    def pattern(self, tensor, readers, value, out):
        return None

    def chain(self, tensor, value, first=None):
        """(layers, last tensor, its value, the merge node that ended the chain or None) from
        tensor on, taking `first` as its first reader when given."""
        out = []
        while True:
            readers = [first] if first is not None else self.readers(tensor)
            first = None
            if not readers:
                if tensor != self.output:
                    raise ImportError_(f"tensor '{tensor}' is read by no node and is not the graph's output")
                return out, tensor, value, None
            folded = self.pattern(tensor, readers, value, out)
            if folded is not None:
                tensor, value = folded
                continue
            if len(readers) > 1:
                if tensor == self.output:
                    raise ImportError_(f"the graph's output '{tensor}' is also read inside the graph")
                block, tensor, value = self.fan_out(tensor, value, readers)
                out.append(block)
                continue
            node = readers[0]
            # A merge ends the chain; any other node reading several computed tensors is the
            # front end's to refuse (a weight computed in the graph, an operator ctnn lacks).
            if len(self.dynamic_inputs(node)) > 1 and self.merges(node):
                return out, tensor, value, node
            if tensor == self.output:
                raise ImportError_(f"the graph's output '{tensor}' is also read inside the graph")
            tensor, value = self.node(node, tensor, value, out)

    def fan_out(self, tensor, value, readers):
        ends = []
        for reader in readers:
            if len(self.dynamic_inputs(reader)) > 1 and self.merges(reader):  # the merge reads the block's input itself
                ends.append(([], tensor, value, reader))
            else:
                ends.append(self.chain(tensor, value, first=reader))
        merge = ends[0][3]
        if any(m is None or m is not merge for *_, m in ends):
            raise ImportError_(f"tensor '{tensor}' is read by {len(readers)} nodes whose paths do not meet again at one "
                               "add or concatenation; ctnn's blocks (residual, branches) join every path they open")
        inputs = self.dynamic_inputs(merge)
        by_end = {}
        for path, end, end_value, _ in ends:
            by_end.setdefault(end, []).append((path, end_value))
        if sorted(by_end) != sorted(set(inputs)) or len(inputs) != len(ends):
            raise ImportError_(f"{self.where(merge)}: merges {len(inputs)} tensors, but {len(ends)} paths open at "
                               f"'{tensor}' reach it; ctnn's blocks join exactly the paths they open")
        paths = [by_end[name].pop(0) for name in inputs]
        return self.merge(merge, [p for p, _ in paths], [v for _, v in paths], value)
