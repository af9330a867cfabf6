"""The only language spoken across the trust boundary: typed data, never pickle.

A message is a frame: an 8-byte big-endian header length, an 8-byte length of
the raw array data, a JSON header, then the raw bytes of every ndarray in it.
Allowed values (exact types only, DESIGN.md trust boundary 3): None, bool, int,
float, complex, str, numpy scalars and ndarrays of numeric or bool dtype, and
tuples, lists and dicts of these. Anything else is refused on both sides.
"""

from __future__ import annotations

import functools
import json
import math
import struct

import numpy as np

MAX_DEPTH = 32
MAX_ITEMS = 100_000  # containers and scalars in one message
MAX_HEADER = 16 * 1024 * 1024
MAX_DATA = 256 * 1024 * 1024
_PREFIX = struct.Struct(">QQ")
PREFIX_SIZE = _PREFIX.size

# numpy scalar types are subclasses of Python's (np.float64 of float), so they
# are matched by exact type before the plain scalars.
_NUMPY_SCALARS = {t for t in np.sctypeDict.values() if isinstance(t, type) and np.dtype(t).kind in "biufc"}
_ARRAY_KINDS = "biufc"


class ProtocolError(Exception):
    """A value that may not cross, or a malformed frame."""


@functools.lru_cache(maxsize=64)
def _dtype(name: str) -> np.dtype:
    """The little-endian dtype for *name*, if it may cross."""
    try:
        dt = np.dtype(name)
    except (TypeError, ValueError) as exc:
        raise ProtocolError(f"unknown dtype {name!r}") from exc
    if dt.kind not in _ARRAY_KINDS or dt.fields is not None or dt.subdtype is not None:
        raise ProtocolError(f"dtype {dt} may not cross")
    return dt.newbyteorder("<")


class _Encoder:
    def __init__(self) -> None:
        self.buffers: list[bytes] = []
        self.size = 0
        self.items = 0

    def encode(self, value, depth: int = 0):
        self.items += 1
        if depth > MAX_DEPTH:
            raise ProtocolError(f"value nested deeper than {MAX_DEPTH} levels")
        if self.items > MAX_ITEMS:
            raise ProtocolError(f"value has more than {MAX_ITEMS} parts")
        t = type(value)
        if value is None or t in (bool, int, str):
            return value
        if t is float:
            return {"f": repr(value)}  # repr keeps nan/inf and every bit
        if t is complex:
            return {"c": [repr(value.real), repr(value.imag)]}
        if t is np.ndarray:
            return self._array(value)
        if t in _NUMPY_SCALARS:
            return {"s": self._array(np.asarray(value))}
        if t is tuple:
            return {"t": [self.encode(v, depth + 1) for v in value]}
        if t is list:
            return [self.encode(v, depth + 1) for v in value]
        if t is dict:
            if all(type(k) is str for k in value):  # the usual case, and a lighter one
                return {"o": {k: self.encode(v, depth + 1) for k, v in value.items()}}
            return {"d": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()]}
        raise ProtocolError(f"a value of type {t.__module__}.{t.__qualname__} may not cross")

    def _array(self, a: np.ndarray) -> dict:
        dt = _dtype(a.dtype.str)
        self.size += a.size * dt.itemsize
        if self.size > MAX_DATA:  # checked before copying anything
            raise ProtocolError(f"arrays larger than {MAX_DATA // 2**20} MiB in one message")
        data = np.ascontiguousarray(a, dtype=dt).tobytes()
        self.buffers.append(data)
        return {"a": [dt.str, list(a.shape), len(data)]}


def encode(value) -> bytes:
    """Serialise *value* into one frame, or raise ProtocolError."""
    enc = _Encoder()
    header = json.dumps(enc.encode(value), separators=(",", ":")).encode()
    if len(header) > MAX_HEADER:
        raise ProtocolError("message header too large")
    return b"".join([_PREFIX.pack(len(header), enc.size), header, *enc.buffers])


def frame_sizes(prefix: bytes, max_data: int = MAX_DATA) -> tuple[int, int]:
    """Header and data lengths announced by a frame prefix, checked against limits."""
    header_len, data_len = _PREFIX.unpack(prefix)
    if header_len > MAX_HEADER or data_len > max_data:
        raise ProtocolError("oversized message")
    return header_len, data_len


class _Decoder:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.offset = 0
        self.items = 0

    def decode(self, node, depth: int = 0):
        self.items += 1
        if depth > MAX_DEPTH or self.items > MAX_ITEMS:
            raise ProtocolError("message nested too deeply or too large")
        if node is None or type(node) in (bool, int, str):
            return node
        if type(node) is list:
            return [self.decode(v, depth + 1) for v in node]
        if type(node) is not dict or len(node) != 1:
            raise ProtocolError("malformed message")
        ((tag, body),) = node.items()
        if tag == "f":
            return _float(body)
        if tag == "c":
            if type(body) is not list or len(body) != 2:
                raise ProtocolError("malformed complex")
            return complex(_float(body[0]), _float(body[1]))
        if tag == "a":
            return self._array(body)
        if tag == "s":
            arr = self._array(body.get("a") if type(body) is dict else None)
            if arr.ndim != 0:
                raise ProtocolError("malformed numpy scalar")
            return arr[()]
        if tag == "o" and type(body) is dict:  # JSON object keys are always str
            return {k: self.decode(v, depth + 1) for k, v in body.items()}
        if tag == "t" and type(body) is list:
            return tuple(self.decode(v, depth + 1) for v in body)
        if tag == "d" and type(body) is list:
            out = {}
            for pair in body:
                if type(pair) is not list or len(pair) != 2:
                    raise ProtocolError("malformed dict")
                key = self.decode(pair[0], depth + 1)
                try:
                    out[key] = self.decode(pair[1], depth + 1)
                except TypeError as exc:  # an unhashable key
                    raise ProtocolError("unhashable dict key") from exc
            return out
        raise ProtocolError(f"unknown tag {tag!r}")

    def _array(self, body) -> np.ndarray:
        if type(body) is not list or len(body) != 3:
            raise ProtocolError("malformed array")
        dtype_name, shape, nbytes = body
        if type(dtype_name) is not str or type(shape) is not list or type(nbytes) is not int:
            raise ProtocolError("malformed array")
        if len(shape) > 32 or any(type(n) is not int or n < 0 for n in shape):
            raise ProtocolError("malformed array shape")
        dt = _dtype(dtype_name)
        if math.prod(shape) * dt.itemsize != nbytes:
            raise ProtocolError("array size does not match its shape")
        end = self.offset + nbytes
        if end > len(self.data):
            raise ProtocolError("truncated array data")
        arr = np.frombuffer(self.data[self.offset : end], dtype=dt).reshape(shape)
        self.offset = end
        # a writable, native-order copy that owns its memory
        return arr.astype(_native(dt), copy=True)


@functools.lru_cache(maxsize=64)
def _native(dt: np.dtype) -> np.dtype:
    return dt.newbyteorder("=")


def _float(text) -> float:
    if type(text) is not str or len(text) > 64:
        raise ProtocolError("malformed float")
    try:
        return float(text)
    except ValueError as exc:
        raise ProtocolError("malformed float") from exc


def decode(header: bytes, data: bytes | memoryview) -> object:
    """Rebuild a value from a frame's header and data, or raise ProtocolError."""
    try:
        tree = json.loads(header)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError("malformed message header") from exc
    dec = _Decoder(memoryview(data))
    value = dec.decode(tree)
    if dec.offset != len(data):
        raise ProtocolError("unused array data in message")
    return value


def read_frame(fileobj, max_data: int = MAX_DATA) -> object:
    """Blocking read of one frame (the sandboxed side). EOFError at a clean end."""
    prefix = _read_exact(fileobj, PREFIX_SIZE, eof_ok=True)
    header_len, data_len = frame_sizes(prefix, max_data)
    header = _read_exact(fileobj, header_len)
    data = _read_exact(fileobj, data_len)
    return decode(header, data)


def _read_exact(fileobj, n: int, eof_ok: bool = False) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = fileobj.read(n - got)
        if not chunk:
            if eof_ok and got == 0:
                raise EOFError
            raise ProtocolError("truncated message")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)
