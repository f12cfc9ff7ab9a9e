"""ctnn's Python tools: the one description of a ctnn network they share (network), ctnn's weight
file (weight_file), a float64 evaluation of a network with a bound on float32's error
(reference), the importers (onnx_import, keras_import) and the header they write (header).
tools/ctnn_import and tools/export_pytorch.py are their command lines."""
