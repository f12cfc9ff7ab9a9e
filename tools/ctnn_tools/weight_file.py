"""ctnn's weight file, format version 1 (docs/format.md): writing and reading it in Python."""

import struct
import zlib

from .network import ImportError_, fingerprint

MAGIC = b"\x89CTNN\r\n\x1a"
FORMAT_VERSION = 1
DTYPE_FLOAT32, DTYPE_FLOAT64 = 1, 2
_DTYPE_NAMES = {1: "float32", 2: "float64", 3: "float16", 4: "bfloat16", 5: "int32", 6: "int64", 7: "uint8"}


def _tensor_record(name, array, dtype=DTYPE_FLOAT32):
    import numpy as np
    values = np.ascontiguousarray(array, dtype="<f4" if dtype == DTYPE_FLOAT32 else "<f8")
    encoded = name.encode("utf-8")
    payload = struct.pack("<H", len(encoded)) + encoded + struct.pack("<BB", dtype, values.ndim)
    payload += b"".join(struct.pack("<Q", d) for d in values.shape) + values.tobytes()
    return b"TNSR" + struct.pack("<Q", len(payload)) + payload


def weight_file_bytes(description, tensors, state=(), test=None, optimizer=None):
    """A weight file's bytes. tensors: [(name, array)] in ctnn layouts (float32); state: [(name,
    array)] layer state (float64); test: (inputs, outputs, rtol, atol) in ctnn layouts (N, ...);
    optimizer: (name, iterations, [(name, array)])."""
    desc = description.encode("ascii")
    body = bytearray()
    for name, array in tensors:
        body += _tensor_record(name, array)
    for name, array in state:
        body += _tensor_record(name, array, DTYPE_FLOAT64)
    if optimizer is not None:
        name, iterations, slots = optimizer
        encoded = name.encode("ascii")
        slot_count = len({n.split("/")[1] for n, _ in slots})
        payload = struct.pack("<H", len(encoded)) + encoded + struct.pack("<IQ", slot_count, iterations)
        body += b"OPTM" + struct.pack("<Q", len(payload)) + payload
        for n, array in slots:
            body += _tensor_record(n, array)
    if test is not None:
        inputs, outputs, rtol, atol = test
        body += b"TVEC" + struct.pack("<Q", 24) + struct.pack("<Qdd", inputs.shape[0], rtol, atol)
        body += _tensor_record("test_vector/input", inputs) + _tensor_record("test_vector/output", outputs)
    size = 36 + len(desc) + len(body) + 4
    data = MAGIC + struct.pack("<IIQQI", FORMAT_VERSION, 0, size, fingerprint(description), len(desc)) + desc + body
    return data + struct.pack("<I", zlib.crc32(data) & 0xFFFFFFFF)


def write_weights(path, description, tensors, state=(), test=None, optimizer=None):
    """Writes weight_file_bytes(...) to path; returns its size."""
    data = weight_file_bytes(description, tensors, state, test, optimizer)
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def read_weights(path):
    """Reads a weight file written by ctnn::save or write_weights, checking magic, version,
    size and checksum. Returns a dict: description, fingerprint, tensors {name: array},
    optimizer (name, slots, iterations) or None, test (count, rtol, atol) or None, random
    (generator name, state words) or None."""
    import numpy as np
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != MAGIC:
        raise ImportError_(f"{path}: not a ctnn weight file (magic {data[:8]!r})")
    version, flags, size, fp, dlen = struct.unpack_from("<IIQQI", data, 8)
    if version != FORMAT_VERSION or flags != 0:
        raise ImportError_(f"{path}: format version {version}, flags {flags}; this reader knows version 1")
    if size != len(data):
        raise ImportError_(f"{path}: the header says {size} bytes, the file has {len(data)}")
    if struct.unpack_from("<I", data, size - 4)[0] != zlib.crc32(data[:-4]) & 0xFFFFFFFF:
        raise ImportError_(f"{path}: bad checksum")
    description = data[36:36 + dlen].decode("ascii")
    if fingerprint(description) != fp:
        raise ImportError_(f"{path}: the fingerprint does not match the description")
    out = {"description": description, "fingerprint": fp, "tensors": {}, "optimizer": None, "test": None,
           "random": None}
    at = 36 + dlen
    while at < size - 4:
        tag, length = data[at:at + 4], struct.unpack_from("<Q", data, at + 4)[0]
        payload = data[at + 12:at + 12 + length]
        at += 12 + length
        if tag == b"TNSR":
            nlen = struct.unpack_from("<H", payload, 0)[0]
            name = payload[2:2 + nlen].decode("utf-8")
            dtype, rank = struct.unpack_from("<BB", payload, 2 + nlen)
            dims = struct.unpack_from(f"<{rank}Q", payload, 4 + nlen)
            raw = payload[4 + nlen + 8 * rank:]
            np_dtype = {DTYPE_FLOAT32: "<f4", DTYPE_FLOAT64: "<f8"}.get(dtype)
            if np_dtype is None:
                raise ImportError_(f"{path}: tensor {name}: dtype {_DTYPE_NAMES.get(dtype, dtype)}")
            out["tensors"][name] = np.frombuffer(raw, dtype=np_dtype).reshape(dims)
        elif tag == b"OPTM":
            nlen = struct.unpack_from("<H", payload, 0)[0]
            slots, iterations = struct.unpack_from("<IQ", payload, 2 + nlen)
            out["optimizer"] = (payload[2:2 + nlen].decode("ascii"), slots, iterations)
        elif tag == b"TVEC":
            out["test"] = struct.unpack_from("<Qdd", payload, 0)
        elif tag == b"RAND":
            nlen = struct.unpack_from("<H", payload, 0)[0]
            count = struct.unpack_from("<I", payload, 2 + nlen)[0]
            out["random"] = (payload[2:2 + nlen].decode("ascii"), struct.unpack_from(f"<{count}Q", payload, 6 + nlen))
        else:
            raise ImportError_(f"{path}: unknown record {tag!r}")
    return out
