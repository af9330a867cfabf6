"""The only language spoken across the trust boundary: typed data, never pickle.

A message is a frame: an 8-byte big-endian header length, an 8-byte length of
the raw array data, a JSON header, then the raw bytes of every ndarray in it.
Allowed values (exact types only, docs/architecture.md, trust boundary 3): None, bool, int,
float, complex, str, numpy scalars and ndarrays of numeric or bool dtype, and
tuples, lists and dicts of these. Anything else is refused on both sides.

A frame is written with one ``writev`` of the header and the arrays' own
memory (no copy in user space), and read (``Receiver``) into a buffer reused
from frame to frame, each array then copied out once into memory it owns; a
large frame goes straight into its arrays once its header is checked. The
sizes a prefix announces are checked against the limits before anything is
read or allocated, and memory is committed only as bytes arrive: a peer lying
in a header cannot make the reader hold more than it was actually sent.

A request may also carry large arrays by reference: a learner process keeps
an array passed again, the judge remembers what it keeps (``SentArrays``), and
from then on the array, unchanged, crosses as a handle, not its bytes (the tags
``Tag.KEEP`` and ``Tag.REFERENCE``, understood only by a learner process's
``Receiver``; replies cannot use them).
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import struct
import weakref
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

MAX_DEPTH = 32
MAX_ITEMS = 100_000  # containers and scalars in one message
MAX_HEADER = 16 * 1024 * 1024  # a request: it carries the learner's code
# A reply's header is parsed by the judge, and parsed JSON takes up to ~30
# times its size (a list of empty lists): this keeps a lying learner's cost small.
MAX_REPLY_HEADER = 1024 * 1024
MAX_DATA = 256 * 1024 * 1024
_PREFIX = struct.Struct(">QQ")
PREFIX_SIZE = _PREFIX.size
RECEIVE_BUFFER = 1 << 16  # most frames fit: read in one system call, into memory reused

# numpy scalar types are subclasses of Python's (np.float64 of float), so they
# are matched by exact type before the plain scalars.
_NUMPY_SCALARS = frozenset(t for t in np.sctypeDict.values() if isinstance(t, type) and np.dtype(t).kind in "biufc")
_ARRAY_KINDS = "biufc"
_PLAIN = frozenset({bool, int, str})
_dumps = json.JSONEncoder(separators=(",", ":")).encode
_loads = json.loads


class Tag:
    """The key naming a header node's kind: ``{"a": [dtype, shape, nbytes]}`` is
    an array. One letter each, as every node but a plain JSON scalar or list
    carries one."""

    ARRAY = "a"  # [dtype, shape, nbytes]: its bytes are next in the frame's data
    FLOAT = "f"  # repr(value): nan, inf and every bit survive
    COMPLEX = "c"  # [repr(real), repr(imag)]
    SCALAR = "s"  # a numpy scalar: {"a": spec} of a 0-d array
    TUPLE = "t"  # [items]
    OBJECT = "o"  # {str: value}: a dict with string keys, the usual case
    PAIRS = "d"  # [[key, value], ...]: any other dict
    MESSAGE = "m"  # [handles to forget, value]: a request's top, to a learner process only
    KEEP = "k"  # [handle, spec]: an array to keep under handle, requests only
    REFERENCE = "r"  # handle: an array kept already, requests only
    OPAQUE = "x"  # a type's name: a value of the learner's that may not cross, replies only


class ProtocolError(Exception):
    """A value that may not cross, or a malformed frame."""


class Truncated(ProtocolError):
    """The stream ended in the middle of a frame."""


@dataclass(frozen=True, slots=True)
class Opaque:
    """Where a reply held a value that may not cross (an object of the
    learner's own class, a generator): its type's name, and nothing else.
    A test that checks it fails, saying what it was; one that does not (a
    free-form cache) is not failed by it. It cannot be sent back."""

    type_name: str

    def __str__(self) -> str:
        return (
            f"a {self.type_name}, which cannot leave the sandbox (return tuples, lists and dicts of arrays and numbers)"
        )


class OpaqueArgument(ProtocolError):
    """A request would send back an Opaque the learner process returned."""


# What ``dtype.str`` gives for the kinds that may cross ("<f8", "|b1"): checked
# before numpy parses a name, whose parser takes far more (and raises anything).
_DTYPE_NAME = re.compile(r"[<>|=]?[biufc][0-9]{1,2}")


@functools.lru_cache(maxsize=64)
def _dtype(name: str) -> np.dtype:
    """The little-endian dtype for *name*, if it may cross."""
    if not _DTYPE_NAME.fullmatch(name):
        raise ProtocolError(f"dtype {name[:20]!r} may not cross")
    try:
        dt = np.dtype(name)
    except (TypeError, ValueError) as exc:
        raise ProtocolError(f"unknown dtype {name!r}") from exc
    if dt.kind not in _ARRAY_KINDS or dt.fields is not None or dt.subdtype is not None:
        raise ProtocolError(f"dtype {dt} may not cross")
    return dt.newbyteorder("<")


@functools.lru_cache(maxsize=64)
def _native(dt: np.dtype) -> np.dtype:
    return dt.newbyteorder("=")


# ---- encoding ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Kept:
    """An array a learner process keeps, as the judge remembers it."""

    array: np.ndarray  # held, so that its id is not reused while the entry lives
    spec: list  # [dtype, shape, nbytes], as sent
    snapshot: bytes  # its bytes when sent: a test may change the array in place
    handle: int  # what the learner process keeps it under


class SentArrays:
    """The judge's record of the large arrays one learner process keeps, so that
    an argument passed again crosses as a reference instead of its bytes.

    An array is kept the second time it is passed: most are passed once, and
    would cost the learner process memory and a copy for nothing (and the cost
    of keeping falls on a call that speed checks, best of three, do not count).
    An entry holds the array itself (so its id cannot be reused while the
    entry lives), a snapshot of its bytes (a test may change the array in place
    between calls: then it crosses again) and the handle, chosen here and never
    reused, that the learner process keeps it under. Past the bounds the least
    recently used entries go, and the same request tells the learner process
    to forget them, so what it keeps (within its memory limit) stays bounded.
    A new learner process comes with a new, empty record."""

    def __init__(self, max_bytes: int, max_entries: int = 64, min_bytes: int = 64 * 1024) -> None:
        self.min_bytes, self.max_bytes, self.max_entries = min_bytes, max_bytes, max_entries
        self._entries: OrderedDict[int, _Kept] = OrderedDict()  # by id(array)
        self._seen: OrderedDict[int, weakref.ref] = OrderedDict()  # passed once: weakly, to keep nothing alive
        self._bytes = 0
        self._next = 0
        self.forgotten: list[int] = []  # handles to tell the learner process to forget

    def keeps(self, nbytes: int) -> bool:
        return self.min_bytes <= nbytes <= self.max_bytes

    def handle(self, a: np.ndarray, spec: list, flat: np.ndarray) -> tuple[int | None, bool]:
        """*a*'s handle, and whether the learner process holds these very bytes
        under it already; if not, a new handle to keep them under, or None
        when *a* is passed for the first time."""
        entry = self._entries.pop(id(a), None)
        if entry is None and not self._seen_before(a):
            return None, False
        snapshot = flat.tobytes()  # once: compared, and kept if the bytes are new
        if entry is not None:
            if entry.spec == spec and snapshot == entry.snapshot:  # bytes, not values: -0.0, nan payloads
                self._entries[id(a)] = entry  # now the most recently used
                return entry.handle, True
            self._drop(entry)  # changed in place since it was sent
        handle, self._next = self._next, self._next + 1
        self._entries[id(a)] = _Kept(a, spec, snapshot, handle)
        self._bytes += flat.nbytes
        while self._bytes > self.max_bytes or len(self._entries) > self.max_entries:
            # Never the entry just added (it fits alone); one used earlier in this
            # message is fine: the learner process forgets only after reading it all.
            self._drop(self._entries.popitem(last=False)[1])
        return handle, False

    def _seen_before(self, a: np.ndarray) -> bool:
        seen = self._seen.pop(id(a), None)
        if seen is not None and seen() is a:
            return True
        self._seen[id(a)] = weakref.ref(a)
        if len(self._seen) > self.max_entries:
            self._seen.popitem(last=False)
        return False

    def _drop(self, entry: _Kept) -> None:
        self._bytes -= len(entry.snapshot)
        self.forgotten.append(entry.handle)

    def undo(self) -> None:
        """A frame was not sent after all: forget everything, so that no
        reference is ever sent to an array the learner process lacks."""
        for entry in self._entries.values():
            self._drop(entry)
        self._entries.clear()


class _Encoder:
    __slots__ = ("buffers", "size", "items", "sent", "opaque")

    def __init__(self, sent: SentArrays | None = None, opaque: bool = False) -> None:
        self.buffers: list = []  # the arrays' bytes, in order: memoryviews of their own memory when contiguous
        self.size = 0
        self.items = 0
        self.sent = sent
        self.opaque = opaque

    def encode(self, value, depth: int = 0):
        self.items += 1
        if depth > MAX_DEPTH:
            raise ProtocolError(f"value nested deeper than {MAX_DEPTH} levels")
        if self.items > MAX_ITEMS:
            raise ProtocolError(f"value has more than {MAX_ITEMS} parts")
        t = type(value)
        if t is np.ndarray:
            return self._array(value)
        if value is None or t in _PLAIN:
            return value
        if t is float:
            return {Tag.FLOAT: repr(value)}
        if t is list:
            return [self.encode(v, depth + 1) for v in value]
        if t is dict:
            for k in value:
                if type(k) is not str:  # any other key: pairs
                    return {
                        Tag.PAIRS: [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()]
                    }
            return {
                Tag.OBJECT: {k: self.encode(v, depth + 1) for k, v in value.items()}
            }  # the usual case, a lighter one
        if t is tuple:
            return {Tag.TUPLE: [self.encode(v, depth + 1) for v in value]}
        if t in _NUMPY_SCALARS:
            return {Tag.SCALAR: self._array(np.asarray(value))}
        if t is complex:
            return {Tag.COMPLEX: [repr(value.real), repr(value.imag)]}
        if isinstance(value, tuple):  # a namedtuple: its items cross, as a tuple
            return {Tag.TUPLE: [self.encode(v, depth + 1) for v in tuple.__iter__(value)]}
        if t is Opaque:
            raise OpaqueArgument(str(value))
        name = f"{t.__module__}.{t.__qualname__}"
        if self.opaque:
            return {Tag.OPAQUE: name[-100:]}  # the end names the class
        raise ProtocolError(f"a value of type {name} may not cross")

    def header(self, value, max_header: int) -> bytes:
        try:
            tree = self.encode(value)
            if self.sent is not None:  # and the kept arrays to forget, once the value is read
                tree = {Tag.MESSAGE: [self.sent.forgotten, tree]}
            header = _dumps(tree).encode()
        except (ValueError, RecursionError) as exc:  # e.g. an int too long to print
            raise ProtocolError(f"value cannot be encoded: {exc}") from exc
        if len(header) > max_header:
            raise ProtocolError(
                f"the value takes {len(header)} bytes to describe, more than the {max_header // 1024} KiB allowed "
                "(numbers travel in numpy arrays at no such cost: return an array rather than a long list)"
            )
        return header

    def _array(self, a: np.ndarray) -> dict:
        dt = _dtype(a.dtype.str)
        nbytes = a.size * dt.itemsize
        spec = [dt.str, list(a.shape), nbytes]
        if self.sent is None or not self.sent.keeps(nbytes):  # numpy scalars always: they are tiny
            self._data(a, dt, nbytes)
            return {Tag.ARRAY: spec}
        flat = np.ascontiguousarray(a, dtype=dt).reshape(-1)
        handle, held = self.sent.handle(a, spec, flat)
        if held:
            return {Tag.REFERENCE: handle}
        self._data(flat, dt, nbytes)
        return {Tag.ARRAY: spec} if handle is None else {Tag.KEEP: [handle, spec]}

    def _data(self, a: np.ndarray, dt: np.dtype, nbytes: int) -> None:
        self.size += nbytes
        if self.size > MAX_DATA:  # checked before copying anything
            raise ProtocolError(f"arrays larger than {MAX_DATA // 2**20} MiB in one message")
        if nbytes:
            # the array's own memory when it is contiguous and little-endian already
            flat = np.ascontiguousarray(a, dtype=dt).reshape(-1)
            self.buffers.append(memoryview(flat.view(np.uint8)))


def parts_within(value, limit: int) -> bool:
    """Whether *value* (decoded, so of the types that cross) has at most
    *limit* values and containers; it stops counting past the limit."""
    left = [limit]

    def walk(v) -> bool:
        left[0] -= 1
        if left[0] < 0:
            return False
        if type(v) is dict:
            return all(walk(k) and walk(x) for k, x in v.items())
        if type(v) in (list, tuple):
            return all(walk(x) for x in v)
        return True

    return walk(value)


def encode_parts(value, max_header: int = MAX_HEADER, sent: SentArrays | None = None, opaque: bool = False) -> list:
    """Serialise *value* into one frame, as buffers to write in order (the
    prefix and header, then the arrays' bytes); or raise ProtocolError.
    The arrays must not change until the frame is written. With *sent* (a
    request to a learner process), large arrays it keeps already cross as
    references, and the frame says which kept arrays to forget. With
    *opaque* (a reply), a value that may not cross goes as an ``Opaque``."""
    enc = _Encoder(sent, opaque)
    try:
        header = enc.header(value, max_header)
    except ProtocolError:
        if sent is not None:
            sent.undo()  # the frame is not sent: no later reference may count on it
        raise
    if sent is not None:
        sent.forgotten = []
    return [_PREFIX.pack(len(header), enc.size) + header, *enc.buffers]


def encode(value, max_header: int = MAX_HEADER) -> bytes:
    """Serialise *value* into one frame, or raise ProtocolError."""
    return b"".join(encode_parts(value, max_header))


_IOV_MAX = 1024  # buffers per writev on Linux


def write_parts(fd: int, parts: list) -> list:
    """Write a frame's buffers with as few system calls as the pipe allows.
    On a blocking fd everything is written; on a non-blocking one, what is
    left (empty when done) once the pipe is full."""
    i = 0
    while i < len(parts):
        try:
            n = os.writev(fd, parts[i : i + _IOV_MAX])
        except BlockingIOError:
            break
        while n and i < len(parts):
            size = len(parts[i])
            if n >= size:
                n -= size
                i += 1
            else:  # a partial write: past the pipe's capacity, or a signal
                parts[i] = memoryview(parts[i])[n:]
                n = 0
        while i < len(parts) and not len(parts[i]):
            i += 1
    return parts[i:]


# ---- decoding ----------------------------------------------------------------------


def frame_sizes(prefix, max_data: int = MAX_DATA, max_header: int = MAX_HEADER) -> tuple[int, int]:
    """Header and data lengths announced by a frame prefix, checked against limits."""
    header_len, data_len = _PREFIX.unpack(prefix)
    if header_len > max_header or data_len > max_data:
        raise ProtocolError("oversized message")
    return header_len, data_len


class _Decoder:
    """Rebuilds a value from a parsed header, validating every node. Arrays
    come from the frame's data (copied into memory they own), or, for a frame
    read straight into its arrays, from *prepared*; with *plan*, arrays are
    only checked and their specs listed. With *kept* (a learner process
    reading a request), arrays are also kept and referred to by handle."""

    __slots__ = ("data", "offset", "items", "prepared", "specs", "kept")

    def __init__(self, data: memoryview | None, prepared=None, plan: bool = False, kept: dict | None = None) -> None:
        self.data = data
        self.offset = 0
        self.items = 0
        self.prepared = prepared
        self.specs: list | None = [] if plan else None
        self.kept = kept

    def top(self, tree):
        """A whole frame's value. A request to a learner process comes with
        the handles of kept arrays to forget once it is read."""
        if self.kept is None:
            return self.decode(tree)
        body = tree.get(Tag.MESSAGE) if type(tree) is dict and len(tree) == 1 else None
        if type(body) is not list or len(body) != 2 or type(body[0]) is not list:
            raise ProtocolError("malformed request")
        forget, value = body
        if any(type(h) is not int for h in forget):
            raise ProtocolError("malformed request")
        value = self.decode(value)
        if self.specs is None:
            for handle in forget:
                self.kept.pop(handle, None)
        return value

    def decode(self, node, depth: int = 0):
        self.items += 1
        if depth > MAX_DEPTH or self.items > MAX_ITEMS:
            raise ProtocolError("message nested too deeply or too large")
        t = type(node)
        if node is None or t in _PLAIN:
            return node
        if t is list:
            return [self.decode(v, depth + 1) for v in node]
        if t is not dict or len(node) != 1:
            raise ProtocolError("malformed message")
        ((tag, body),) = node.items()
        match tag:
            case Tag.ARRAY:
                return self._array(body)
            case Tag.OBJECT if type(body) is dict:  # JSON object keys are always str
                return {k: self.decode(v, depth + 1) for k, v in body.items()}
            case Tag.FLOAT:
                return _float(body)
            case Tag.TUPLE if type(body) is list:
                return tuple([self.decode(v, depth + 1) for v in body])
            case Tag.SCALAR:
                arr = self._array(body.get(Tag.ARRAY) if type(body) is dict else None)
                if arr.ndim != 0:
                    raise ProtocolError("malformed numpy scalar")
                return arr[()]
            case Tag.COMPLEX:
                if type(body) is not list or len(body) != 2:
                    raise ProtocolError("malformed complex")
                return complex(_float(body[0]), _float(body[1]))
            case Tag.KEEP if self.kept is not None and type(body) is list and len(body) == 2 and type(body[0]) is int:
                arr = self._array(body[1])
                if self.specs is not None:
                    return arr
                # Learner code runs in this process and may change what is kept here:
                # that changes only its own inputs, so its own results, which the
                # judge checks against values it computes itself.
                self.kept[body[0]] = arr
                return arr.copy()  # the function may change its argument in place
            case Tag.REFERENCE if self.kept is not None and type(body) is int:
                if self.specs is not None:
                    return None
                if body not in self.kept:
                    raise ProtocolError(f"a reference to array {body}, which is not kept")
                return self.kept[body].copy()
            case Tag.PAIRS if type(body) is list:
                return self._pairs(body, depth)
            case Tag.OPAQUE if self.kept is None and type(body) is str and len(body) <= 100:
                return Opaque(body)
        raise ProtocolError(f"unknown tag {str(tag)[:20]!r}")

    def _pairs(self, body: list, depth: int) -> dict:
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
        start = self.offset
        end = self.offset = start + nbytes
        if self.prepared is not None:
            return next(self.prepared)
        if self.specs is not None:
            self.specs.append((shape, dt))
            return np.empty(0 if shape else (), dtype=dt)  # only its ndim matters: a scalar is 0-d
        if end > len(self.data):
            raise ProtocolError("truncated array data")
        out = _empty(shape, _native(dt))  # writable, native order, owns its memory
        if nbytes:
            out.reshape(-1)[...] = np.frombuffer(self.data, dtype=dt, count=nbytes // dt.itemsize, offset=start)
        return out


def _empty(shape, dtype: np.dtype) -> np.ndarray:
    try:
        return np.empty(shape, dtype=dtype)
    except ValueError as exc:  # a dimension past what numpy can index
        raise ProtocolError("malformed array shape") from exc


def _float(text) -> float:
    if type(text) is not str or len(text) > 64:
        raise ProtocolError("malformed float")
    try:
        return float(text)
    except ValueError as exc:
        raise ProtocolError("malformed float") from exc


def _parse(header) -> object:
    try:
        return _loads(header if type(header) is not memoryview else bytes(header))
    except (ValueError, RecursionError) as exc:
        raise ProtocolError("malformed message header") from exc


def decode(header, data, kept: dict | None = None) -> object:
    """Rebuild a value from a frame's header and data, or raise ProtocolError."""
    dec = _Decoder(data if type(data) is memoryview else memoryview(data), kept=kept)
    value = dec.top(_parse(header))
    if dec.offset != len(data):
        raise ProtocolError("unused array data in message")
    return value


MORE = object()  # Receiver.feed: the frame is not complete yet
_SCATTER_ARRAYS = 16  # a large frame of at most this many arrays is read straight into them


class Receiver:
    """Reads frames one at a time from a stream, with few system calls and one
    copy of the data (from the kernel) or two. A frame that fits in the reused
    buffer usually arrives in one read, and its arrays are copied out of it.
    A larger one is read straight into its arrays, once its header has been
    checked and the arrays' sizes add up to what the prefix announced (itself
    checked against the limits first); or, if it carries many arrays, into a
    buffer that grows as its bytes arrive. Either way a peer cannot make the
    reader commit more memory than it actually sent. Bytes past the end of a
    frame are an error: the peer speaks only when spoken to. A learner process
    reads requests with *kept*, where the arrays the judge has it keep go."""

    def __init__(self, max_data: int = MAX_DATA, max_header: int = MAX_HEADER, kept: dict | None = None) -> None:
        self.max_data, self.max_header, self.kept = max_data, max_header, kept
        self._small = bytearray(RECEIVE_BUFFER)
        self.reset()

    def reset(self) -> None:
        """Forget any partial frame."""
        self._buf = self._small
        self._view = memoryview(self._small)
        self._got = 0
        self._total = 0  # the frame's size, once its prefix is in
        self._header_len = 0
        self._tree = None  # a large frame's parsed header
        self._arrays: list | None = None  # and the arrays it is read into
        self._targets: list = []  # the parts of their memory still to fill

    def feed(self, readinto) -> object:
        """One read with *readinto* (a function filling a memoryview, returning
        the byte count, 0 at the end, None when nothing is there yet). The
        value, once its frame is complete; else MORE. EOFError at a clean end
        before any byte of a frame; Truncated at an end inside one;
        ProtocolError for an oversized or malformed one."""
        if self._arrays is not None:
            return self._fill(readinto)
        got, total = self._got, self._total
        if total > len(self._buf):
            self._grow()
        n = readinto(self._view[got : total or len(self._buf)])
        if not n:
            if n is None:
                return MORE
            if got == 0:
                raise EOFError
            raise Truncated("truncated message")
        got += n
        self._got = got
        if not total:
            if got < PREFIX_SIZE:
                return MORE
            header_len, data_len = frame_sizes(self._view[:PREFIX_SIZE], self.max_data, self.max_header)
            total = self._total = PREFIX_SIZE + header_len + data_len
            self._header_len = header_len
        if got > total:
            self.reset()
            raise ProtocolError("more bytes than one message: the peer spoke out of turn")
        if got >= total:
            view, start = self._view, PREFIX_SIZE
            try:
                return decode(view[start : start + self._header_len], view[start + self._header_len : total], self.kept)
            finally:
                self.reset()
        header_end = PREFIX_SIZE + self._header_len
        if got >= header_end and total > RECEIVE_BUFFER and self._tree is None:
            self._scatter(header_end)
        return MORE

    def _scatter(self, header_end: int) -> None:
        """A large frame's header is in: check it, and read the rest straight
        into the arrays it announces."""
        self._tree = tree = _parse(self._view[PREFIX_SIZE:header_end])
        planner = _Decoder(None, plan=True, kept=self.kept)
        planner.top(tree)  # every node checked, now
        if planner.offset != self._total - header_end:
            raise ProtocolError("array sizes do not match the message's data")
        if len(planner.specs) > _SCATTER_ARRAYS:
            return  # many arrays: the growing buffer, and one copy each
        arrays = [_empty(shape, dt) for shape, dt in planner.specs]
        targets = [memoryview(a.reshape(-1).view(np.uint8)) for a in arrays if a.nbytes]
        arrived = self._view[header_end : self._got]
        while arrived and targets:  # what came with the header
            n = min(len(arrived), len(targets[0]))
            targets[0][:n] = arrived[:n]
            arrived, targets[0] = arrived[n:], targets[0][n:]
            if not len(targets[0]):
                targets.pop(0)
        self._arrays, self._targets = arrays, targets
        self._buf, self._view = self._small, memoryview(self._small)  # a grown buffer is no longer needed

    def _fill(self, readinto) -> object:
        targets = self._targets
        if targets:
            n = readinto(targets[0])
            if not n:
                if n is None:
                    return MORE
                raise Truncated("truncated message")
            targets[0] = targets[0][n:]
            if not len(targets[0]):
                targets.pop(0)
            if targets:
                return MORE
        try:
            arrays = [a if a.dtype.isnative else a.astype(_native(a.dtype)) for a in self._arrays]
            return _Decoder(None, prepared=iter(arrays), kept=self.kept).top(self._tree)
        finally:
            self.reset()

    def _grow(self) -> None:
        """More room for a frame larger than the buffer: double what arrived
        (at least 1 MiB), never past the frame's announced size."""
        size = min(self._total, max(2 * self._got, 1 << 20))
        if size <= len(self._buf):
            return
        buf = bytearray(size)
        buf[: self._got] = self._view[: self._got]
        self._buf, self._view = buf, memoryview(buf)

    def read(self, readinto) -> object:
        """A whole frame, reading until it is complete (a blocking stream)."""
        while True:
            value = self.feed(readinto)
            if value is not MORE:
                return value


def read_frame(fileobj, max_data: int = MAX_DATA, max_header: int = MAX_HEADER) -> object:
    """Blocking read of one frame from a file object (with ``readinto``).
    EOFError at a clean end. It reads ahead, and refuses bytes past the
    frame's end: for streams that carry one frame at a time."""
    return Receiver(max_data, max_header).read(fileobj.readinto)
