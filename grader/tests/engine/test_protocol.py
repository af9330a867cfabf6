"""The typed data protocol between judge and learner process (docs/architecture.md, trust
boundary 3): what crosses comes back identical, everything else is refused,
and a malformed frame is a ProtocolError, never a crash or a wrong value."""

import fcntl
import io
import json
import os
import struct
import threading
import weakref

import numpy as np
import pytest

from grader.engine.sandbox import messages, protocol
from grader.engine.sandbox.protocol import ProtocolError


def roundtrip(value):
    stream = io.BytesIO(protocol.encode(value))
    out = protocol.read_frame(stream)
    assert stream.read() == b"", "the frame was not read to its end"
    return out


def frame(header, data: bytes = b"", *, header_len: int | None = None, data_len: int | None = None) -> bytes:
    """A hand-made frame: prefix, JSON header (or raw bytes), data."""
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    prefix = struct.pack(
        ">QQ", len(raw) if header_len is None else header_len, len(data) if data_len is None else data_len
    )
    return prefix + raw + data


def read(data: bytes):
    return protocol.read_frame(io.BytesIO(data))


def assert_same(a, b):
    """Equal value and exact type, recursively (nan equal to nan)."""
    assert type(a) is type(b), f"{type(a)} came back as {type(b)}"
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
        assert b.flags.writeable and b.flags.owndata
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_same(x, y)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            assert_same(a[k], b[k])
    elif isinstance(a, (float, complex, np.inexact)):
        assert repr(a) == repr(b)  # every bit that shows: nan, inf, -0.0
    else:
        assert a == b


# ---- round trips ---------------------------------------------------------------

NUMERIC_DTYPES = [
    np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
    np.float16, np.float32, np.float64, np.longdouble, np.complex64, np.complex128,
]  # fmt: skip


@pytest.mark.parametrize(
    "value",
    [
        None, True, False, 0, -7, 2**100, -(2**70),
        0.0, -0.0, 1.5, 1e-310, 1.7976931348623157e308, float("inf"), float("-inf"), float("nan"),
        0.1 + 0.2, complex(1.5, -2.0), complex(float("nan"), float("inf")),
        "", "héllo ∑ 🙂", "line\nbreak \"quoted\" \\ \x00",
    ],
    ids=repr,
)  # fmt: skip
def test_python_scalars_round_trip(value):
    assert_same(value, roundtrip(value))


@pytest.mark.parametrize("dtype", NUMERIC_DTYPES, ids=lambda t: np.dtype(t).name)
def test_numpy_scalars_round_trip(dtype):
    value = dtype(1) if dtype is not np.bool_ else np.bool_(True)
    assert_same(value, roundtrip(value))


@pytest.mark.parametrize("dtype", NUMERIC_DTYPES, ids=lambda t: np.dtype(t).name)
def test_arrays_of_every_numeric_dtype_round_trip(dtype):
    rng = np.random.default_rng(0)
    a = (rng.normal(size=(3, 4)) * 100).astype(dtype)
    assert_same(a, roundtrip(a))


@pytest.mark.parametrize(
    "a",
    [
        np.array(3.5),  # 0-d
        np.zeros((0,)),
        np.zeros((2, 0, 3), dtype=np.int32),
        np.arange(24.0).reshape(2, 3, 4)[:, ::2, 1:],  # not contiguous
        np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        np.arange(6.0).reshape(2, 3).T,
        np.array([1.0, np.nan, np.inf, -np.inf]),
        np.arange(5, dtype=">i4"),  # big-endian comes back in native order, same values
    ],
    ids=["0d", "empty", "empty-3d", "strided", "fortran", "transposed", "nonfinite", "big-endian"],
)
def test_array_layouts_round_trip(a):
    out = roundtrip(a)
    assert out.shape == a.shape and out.dtype == a.dtype.newbyteorder("=")
    assert np.array_equal(out, a, equal_nan=True)
    assert out.flags.writeable and out.flags.owndata


def test_a_decoded_array_does_not_share_memory_with_the_frame():
    out = roundtrip(np.arange(4.0))
    out[0] = 99.0  # writable, and nothing else changes
    assert out.tolist() == [99.0, 1.0, 2.0, 3.0]


def test_containers_round_trip_with_their_types():
    value = {
        "list": [1, 2.5, None, "x"],
        "tuple": (np.arange(3), (True, (1 + 2j,))),
        7: {"nested": [np.float32(0.5), np.zeros((2, 2), dtype=np.uint8)]},
        (1, "key"): [],
        None: (),
    }
    assert_same(value, roundtrip(value))


def test_nesting_up_to_the_limit_crosses():
    value = 1
    for _ in range(protocol.MAX_DEPTH):
        value = [value]
    assert roundtrip(value) == value


# ---- refusals ------------------------------------------------------------------


class MyArray(np.ndarray):
    def __eq__(self, other):  # a lying comparison
        return True


class MyFloat(float):
    pass


class MyInt(int):
    pass


class Custom:
    pass


@pytest.mark.parametrize(
    "value",
    [
        np.array([1, "a"], dtype=object),
        np.array([None]),
        np.array(["abc"]),  # str dtype
        np.array([b"abc"]),  # bytes dtype
        np.zeros(2, dtype=[("x", "f8"), ("y", "i4")]),  # structured
        np.zeros(2, dtype="(2,)f8,i4"),
        np.array(["2020-01-01"], dtype="datetime64[D]"),
        np.array([1], dtype="timedelta64[s]"),
        np.zeros(3).view(MyArray),
        np.ma.masked_array([1.0, 2.0], mask=[False, True]),
        MyFloat(1.0),
        MyInt(1),
        np.str_("abc"),
        np.datetime64("2020"),
        np.void(b"\x00"),
        b"bytes",
        bytearray(b"x"),
        {1, 2},
        frozenset(),
        Custom(),
        Custom,
        len,
        lambda: 1,
        range(3),
        Ellipsis,
        [1, [2, {"k": {3}}]],  # refused deep inside a container too
        {"k": MyFloat(2.0)},
        {MyInt(1): 1},  # as a key too
    ],
    ids=lambda v: type(v).__name__,
)
def test_values_that_may_not_cross_are_refused(value):
    with pytest.raises(ProtocolError):
        protocol.encode(value)


def test_too_deep_nesting_is_refused():
    value = 1
    for _ in range(protocol.MAX_DEPTH + 2):
        value = [value]
    with pytest.raises(ProtocolError, match="deeper"):
        protocol.encode(value)


def test_self_containing_list_is_refused_not_a_crash():
    value = []
    value.append(value)
    with pytest.raises(ProtocolError):
        protocol.encode(value)


def test_too_many_parts_are_refused():
    with pytest.raises(ProtocolError, match="parts"):
        protocol.encode(list(range(protocol.MAX_ITEMS + 1)))


def test_too_much_array_data_is_refused(monkeypatch):
    monkeypatch.setattr(protocol, "MAX_DATA", 1000)
    protocol.encode(np.zeros(125))  # exactly 1000 bytes
    with pytest.raises(ProtocolError, match="larger"):
        protocol.encode([np.zeros(100), np.zeros(100)])


# ---- malformed frames ----------------------------------------------------------


def test_an_empty_stream_is_a_clean_end():
    with pytest.raises(EOFError):
        read(b"")


@pytest.mark.parametrize("cut", [1, protocol.PREFIX_SIZE - 1, protocol.PREFIX_SIZE + 3, -1])
def test_truncated_frame(cut):
    data = protocol.encode({"x": np.arange(4.0)})
    with pytest.raises(ProtocolError, match="truncated"):
        read(data[:cut])


def test_oversized_header_is_refused_before_reading_it():
    with pytest.raises(ProtocolError, match="oversized"):
        read(frame(b"", header_len=protocol.MAX_HEADER + 1))


def test_oversized_data_is_refused_before_reading_it():
    with pytest.raises(ProtocolError, match="oversized"):
        read(frame(b"null", data_len=protocol.MAX_DATA + 1))
    with pytest.raises(ProtocolError, match="oversized"):
        protocol.frame_sizes(struct.pack(">QQ", 2**64 - 1, 0))


def test_the_judge_side_can_ask_for_a_smaller_data_limit():
    with pytest.raises(ProtocolError, match="oversized"):
        protocol.read_frame(io.BytesIO(protocol.encode(np.zeros(10))), max_data=79)
    assert protocol.read_frame(io.BytesIO(protocol.encode(np.zeros(10))), max_data=80).shape == (10,)


@pytest.mark.parametrize(
    "header, data",
    [
        ({"a": ["<f8", [3], 24]}, b"\0" * 16),  # less data than announced
        ({"a": ["<f8", [3], 16]}, b"\0" * 16),  # size does not match the shape
        ({"a": ["<f8", [2], 16]}, b"\0" * 24),  # data left over
        ({"a": ["<f8", [-1], 8]}, b"\0" * 8),  # negative dimension
        ({"a": ["<f8", [1.0], 8]}, b"\0" * 8),  # float dimension
        ({"a": ["<f8", [True], 8]}, b"\0" * 8),  # bool dimension
        ({"a": ["<f8", [1] * 33, 8]}, b"\0" * 8),  # too many dimensions
        ({"a": ["<f8", [1]]}, b"\0" * 8),  # missing size
        ({"a": "<f8"}, b""),
        ({"s": {"a": ["<f8", [2], 16]}}, b"\0" * 16),  # a "scalar" that is not 0-d
        ({"s": 1}, b""),
    ],
    ids=["short-data", "size-mismatch", "unused-data", "negative-dim", "float-dim", "bool-dim",
         "too-many-dims", "no-size", "not-a-list", "scalar-not-0d", "scalar-body"],
)  # fmt: skip
def test_wrong_array_size_or_shape(header, data):
    with pytest.raises(ProtocolError):
        read(frame(header, data))


@pytest.mark.parametrize(
    "header",
    [{"x": 1}, {"": None}, {"a": 1, "f": "1.0"}, {"t": "not-a-list"}, {"d": {"k": 1}}, {"d": [[1]]}, {"d": [[[1], 2]]}],
    ids=["unknown", "empty-tag", "two-tags", "bad-tuple", "bad-dict", "half-pair", "unhashable-key"],
)
def test_unknown_or_malformed_tags(header):
    with pytest.raises(ProtocolError):
        read(frame(header))


@pytest.mark.parametrize(
    "dtype", ["O", "<U3", "|S3", "|V8", "<M8[s]", "<m8[s]", "f8,i4", "(2,)f8", "not-a-dtype", "", 7]
)
def test_bad_dtype_in_header(dtype):
    with pytest.raises(ProtocolError):
        read(frame({"a": [dtype, [1], 8]}, b"\0" * 8))


@pytest.mark.parametrize(
    "header",
    [
        b"{not json",
        b"\xff\xfe",
        b"[" * 100_000 + b"]" * 100_000,  # nesting beyond the JSON parser's recursion
        b"1.5",  # a bare JSON float is no allowed encoding
        b"NaN",
        b'{"f": 1.5}',  # float bodies are strings
        b'{"f": "' + b"9" * 100 + b'"}',  # too long
        b'{"f": "one"}',
        b'{"c": ["1.0"]}',
        b"1" * 5000,  # an int too long for Python to parse
    ],
    ids=["json", "utf8", "deep", "bare-float", "nan-literal", "float-body", "long-float", "bad-float",
         "bad-complex", "long-int"],
)  # fmt: skip
def test_malformed_header(header):
    with pytest.raises(ProtocolError):
        read(frame(header))


def test_too_many_parts_in_a_received_frame():
    with pytest.raises(ProtocolError):
        read(frame([0] * (protocol.MAX_ITEMS + 1)))


# ---- reading from a stream: one frame at a time, in pieces -------------------------


def trickle(data: bytes, step: int):
    """A readinto that hands out at most *step* bytes a call, then the end."""
    stream = io.BytesIO(data)

    def readinto(view):
        return stream.readinto(view[:step])

    return readinto


LARGE = [
    np.arange(30_000.0).reshape(100, 300),  # past the receive buffer on its own
    np.arange(12, dtype=np.float32)[::2],
    np.float64(2.5),
    np.zeros((0, 4)),
    (np.arange(5000, dtype=">i8"), "tail"),
]


@pytest.mark.parametrize("step", [1 << 20, 65536, 4099, 7])
def test_a_large_frame_arrives_whole_whatever_the_pieces(step):
    value = {"many": LARGE, "n": 3}
    out = protocol.Receiver().read(trickle(protocol.encode(value), step))
    assert_same(out["n"], 3)
    for a, b in zip(LARGE[:4], out["many"][:4], strict=True):
        assert_same(a, b)
    assert np.array_equal(out["many"][4][0], LARGE[4][0]) and out["many"][4][0].dtype.isnative


def test_a_large_frame_of_many_small_arrays():
    value = [np.full(3, float(i)) for i in range(3000)]  # more buffers than one writev takes, too
    out = protocol.Receiver().read(trickle(protocol.encode(value), 10_000))
    assert len(out) == 3000 and all(np.array_equal(a, b) for a, b in zip(value, out, strict=True))


def test_a_receiver_reads_frame_after_frame():
    receiver = protocol.Receiver()
    for value in ([np.arange(20_000.0)], {"x": 1.5}, np.arange(3), "end"):
        assert_same(value, receiver.read(trickle(protocol.encode(value), 5000)))


def test_a_large_frame_cut_short_is_truncated():
    data = protocol.encode(np.arange(50_000.0))
    with pytest.raises(protocol.Truncated):
        protocol.Receiver().read(trickle(data[: len(data) // 2], 8192))


def test_array_sizes_that_do_not_add_up_are_refused_before_the_data_arrives():
    header = json.dumps({"a": ["<f8", [10], 80]}).encode()
    sent = struct.pack(">QQ", len(header), 1 << 20) + header + b"\0" * 100  # announces 1 MiB of data
    receiver = protocol.Receiver()
    with pytest.raises(ProtocolError, match="do not match"):
        receiver.read(trickle(sent, len(sent)))


def test_a_lying_prefix_costs_the_reader_only_what_was_sent():
    # announces the largest header and data allowed, sends a few bytes, then stops
    sent = struct.pack(">QQ", protocol.MAX_HEADER, protocol.MAX_DATA) + b"[" * 1000
    receiver = protocol.Receiver()
    readinto = trickle(sent, 300)
    while receiver.feed(readinto) is protocol.MORE and receiver._got < len(sent):
        assert len(receiver._buf) <= 1 << 20, "the buffer grew past what arrived"
    with pytest.raises(protocol.Truncated):
        receiver.read(readinto)


def resident_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_a_large_array_announced_but_not_sent_takes_no_memory():
    header = json.dumps({"a": ["<f8", [25 * 2**20], 200 * 2**20]}).encode()  # 200 MiB
    sent = struct.pack(">QQ", len(header), 200 * 2**20) + header + b"\0" * 4096
    receiver = protocol.Receiver()
    before = resident_bytes()
    readinto = trickle(sent, 65536)
    assert receiver.feed(readinto) is protocol.MORE  # the header, and a page of the data
    assert receiver._arrays is not None, "the frame is read straight into its array"
    assert resident_bytes() - before < 32 * 2**20
    with pytest.raises(protocol.Truncated):
        receiver.read(readinto)


def test_the_reply_header_limit():
    value = [0.123456789012345] * 50_000  # about 1.2 MB of header: a list where an array belongs
    data = protocol.encode(value)
    with pytest.raises(ProtocolError, match="oversized"):
        protocol.read_frame(io.BytesIO(data), max_header=protocol.MAX_REPLY_HEADER)
    with pytest.raises(ProtocolError, match="numpy array"):
        protocol.encode_parts(value, protocol.MAX_REPLY_HEADER)
    assert protocol.read_frame(io.BytesIO(data)) == value


def test_a_huge_integer_is_refused_not_a_crash():
    with pytest.raises(ProtocolError):
        protocol.encode(10**5000)


# ---- writing: one writev when the pipe has room, the rest when it drains -----------


def test_write_parts_on_a_nonblocking_pipe_resumes_where_it_stopped():
    r, w = os.pipe()
    try:
        fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, 4096)
        os.set_blocking(w, False)
        os.set_blocking(r, False)
        value = {"big": np.arange(100_000.0), "small": [np.arange(3)] * 5}
        parts = protocol.encode_parts(value)
        receiver, out, writes = protocol.Receiver(), protocol.MORE, 0

        def readinto(view):
            try:
                return os.readv(r, [view])
            except BlockingIOError:
                return None

        while out is protocol.MORE:
            if parts:
                parts = protocol.write_parts(w, parts)
                writes += 1
            out = receiver.feed(readinto)
        assert writes > 10, "a 4 KiB pipe should have filled up many times"
        assert np.array_equal(out["big"], value["big"]) and len(out["small"]) == 5
    finally:
        os.close(r)
        os.close(w)


def test_write_parts_with_more_buffers_than_one_writev_takes():
    r, w = os.pipe()
    value = [np.full(2, float(i)) for i in range(2500)]
    received = {}
    reader = threading.Thread(target=lambda: received.update(v=protocol.Receiver().read(lambda v: os.readv(r, [v]))))
    reader.start()
    try:
        assert protocol.write_parts(w, protocol.encode_parts(value)) == []
    finally:
        os.close(w)
        reader.join(10)
        os.close(r)
    assert len(received["v"]) == 2500 and received["v"][-1].tolist() == [2499.0, 2499.0]


# ---- kept arrays: a large argument passed again crosses as a reference --------------


class Link:
    """The judge's record and a learner process's kept arrays, joined by frames
    read through a Receiver (in pieces: the small-frame and large-frame paths)."""

    def __init__(self, **bounds) -> None:
        self.sent = protocol.SentArrays(**{"max_bytes": 32 * 2**20, **bounds})
        self.kept: dict = {}
        self.sizes: list[int] = []  # of each frame sent

    def send(self, value):
        data = b"".join(protocol.encode_parts(value, sent=self.sent))
        assert self.sent.forgotten == [], "told once, in the frame just made"
        self.sizes.append(len(data))
        return protocol.Receiver(kept=self.kept).read(trickle(data, 50_000))


def assert_own_copy(out, a, link: Link):
    """*out* has *a*'s exact bytes, in memory of its own: not what is kept."""
    assert out.dtype == a.dtype and out.shape == a.shape and out.tobytes() == a.tobytes()
    assert out.flags.owndata and out.flags.writeable
    assert not any(np.shares_memory(out, k) for k in link.kept.values())


def crossed(link: Link, a) -> bool:
    """Whether the last frame carried *a*'s bytes (not a reference to them)."""
    return link.sizes[-1] > a.nbytes


def test_a_large_array_is_kept_the_second_time_then_crosses_by_reference():
    link, X = Link(), np.random.default_rng(0).normal(size=(100, 200))  # 160 KB
    outs = [link.send({"args": [X], "i": 0})]
    assert crossed(link, X) and link.kept == {}  # passed once: nothing kept
    outs += [link.send({"args": [X], "i": i}) for i in range(1, 5)]
    assert link.sizes[1] > X.nbytes and max(link.sizes[2:]) < 200
    for out in outs:
        assert_own_copy(out["args"][0], X, link)
    assert len(link.kept) == 1


def test_an_array_passed_once_is_not_kept():
    link = Link()
    for _ in range(3):
        link.send([np.zeros(20_000)])  # a new array each time (at the same address, often)
        assert link.kept == {} and crossed(link, np.zeros(20_000))


def test_the_receiver_changing_its_copy_does_not_change_the_next():
    link, X = Link(), np.arange(20_000.0)
    for _ in range(2):
        first = link.send([X])[0]
        first *= 2  # as a learner function may
    second = link.send([X])[0]
    second[:] = -1
    assert_own_copy(link.send([X])[0], X, link)
    assert not crossed(link, X)


@pytest.mark.parametrize(
    "change",
    [
        lambda a: a.__setitem__(7, 1e9),
        lambda a: a.__setitem__(0, -0.0),  # equal to 0.0, not the same bytes
        lambda a: a.__setitem__(0, np.frombuffer(struct.pack("<Q", 0x7FF8000000000001), "<f8")[0]),  # another nan
        lambda a: setattr(a, "shape", (100, 200)),
        lambda a: setattr(a, "dtype", np.int64),
    ],
    ids=["value", "negative-zero", "nan-payload", "shape", "dtype"],
)
def test_an_array_changed_in_place_by_the_sender_crosses_again(change):
    link, X = Link(), np.zeros(20_000)
    link.send([X])
    link.send([X])  # kept
    change(X)
    assert_own_copy(link.send([X])[0], X, link)
    assert crossed(link, X)
    assert_own_copy(link.send([X])[0], X, link)  # and is kept again, at once
    assert not crossed(link, X) and len(link.kept) == 1  # the old bytes forgotten


def test_a_view_whose_base_changes_crosses_again():
    link, base = Link(), np.zeros((300, 300))
    view = base[::2]
    link.send([view])
    link.send([view])
    base[0, 0] = 3.0
    assert_own_copy(link.send([view])[0], view, link)
    assert crossed(link, view)


def test_small_arrays_scalars_and_replies_are_never_kept():
    link = Link()
    for _ in range(2):
        link.send([np.arange(100.0), np.float64(1.0), [np.arange(10)] * 3])
    assert link.kept == {}
    big = np.arange(20_000.0)
    reply = protocol.encode_parts([big, big])  # no record: as the learner process replies
    assert sum(map(len, reply)) > 2 * big.nbytes


def test_the_same_array_twice_in_one_message():
    link, X = Link(), np.arange(20_000.0)
    for _ in range(3):
        a, b = link.send([X, {"again": X}])
        assert_own_copy(a, X, link)
        assert_own_copy(b["again"], X, link)
        assert a is not b["again"]
    assert link.sizes[-1] < 200


def test_least_recently_used_arrays_are_forgotten_on_both_sides():
    arrays = [np.full(10_000, float(i)) for i in range(4)]  # 80 KB each
    link = Link(max_bytes=3 * 80_000)
    for a in arrays[:3]:
        link.send([a])
        link.send([a])
    link.send([arrays[0]])  # used again: arrays[1] is now the least recently used
    link.send([arrays[3]])
    link.send([arrays[3]])
    assert len(link.kept) == 3 and sum(a.nbytes for a in link.kept.values()) <= 3 * 80_000
    for a, again in [(arrays[0], False), (arrays[2], False), (arrays[3], False), (arrays[1], True)]:
        assert_own_copy(link.send([a])[0], a, link)
        assert crossed(link, a) is again


def test_the_number_of_kept_arrays_is_bounded_too():
    link = Link(max_entries=2)
    arrays = [np.full(10_000, float(i)) for i in range(5)]
    for a in arrays:
        link.send([a])
        link.send([a])
        assert len(link.kept) <= 2
    link.send(arrays)  # five arrays seen before, in one message: all arrive, two stay kept
    assert len(link.kept) == 2


def test_an_array_too_large_to_keep_crosses_every_time():
    link, big = Link(max_bytes=100_000), np.zeros(20_000)  # 160 KB
    for _ in range(3):
        assert_own_copy(link.send([big])[0], big, link)
        assert crossed(link, big) and link.kept == {}


def test_an_array_passed_once_is_not_kept_alive():
    link, X = Link(), np.zeros(20_000)
    link.send([X])
    ref = weakref.ref(X)
    del X
    assert ref() is None


@pytest.mark.parametrize(
    "bad",
    [lambda a: [a, Custom()], lambda a: [a, 10**5000], lambda a: [a, [0.5] * 1_000_000]],
    ids=["a-value-that-may-not-cross", "an-int-too-long", "a-header-too-large"],
)
def test_a_message_that_cannot_be_sent_leaves_no_reference_to_an_array_not_received(bad):
    link, X, Y = Link(), np.arange(20_000.0), np.ones(20_000)
    link.send([X, Y])
    link.send([X])  # kept
    with pytest.raises(ProtocolError):
        protocol.encode_parts(bad(Y), sent=link.sent)  # never sent: Y was given a handle
    for a in (Y, X, Y, X):
        assert_own_copy(link.send([a])[0], a, link)
    assert len(link.kept) == 2


def test_random_use_never_sends_a_reference_to_an_array_not_kept():
    rng = np.random.default_rng(7)
    pool = [rng.normal(size=n) for n in (200, 1000, 9000, 12_000, 30_000)]  # 1.6 to 240 KB
    link = Link(min_bytes=1024, max_bytes=300_000, max_entries=3)
    for _ in range(300):
        picked = [pool[i] for i in rng.integers(0, len(pool), size=rng.integers(1, 4))]
        for out, a in zip(link.send(picked), picked, strict=True):
            assert_own_copy(out, a, link)
        assert len(link.kept) <= 3 and sum(a.nbytes for a in link.kept.values()) <= 300_000
        roll = rng.random()
        if roll < 0.2:  # the test changes one in place
            a = pool[rng.integers(0, len(pool))]
            a[rng.integers(0, a.size)] = rng.normal()
        elif roll < 0.3:  # or makes a new one
            pool[rng.integers(0, len(pool))] = rng.normal(size=rng.integers(100, 30_000))
    assert min(link.sizes) < 200, "some arrays were sent by reference"


@pytest.mark.parametrize(
    "header",
    [{"r": 0}, {"k": [0, ["<f8", [1], 8]]}, {"m": [[], 1]}, {"o": {"ok": {"r": 0}}}],
    ids=["reference", "keep", "request", "reference-inside"],
)
def test_a_reply_cannot_use_references(header):
    # The judge reads replies without kept arrays: these tags are unknown there.
    with pytest.raises(ProtocolError):
        read(frame(header, b"\0" * 8 if "k" in header else b""))


@pytest.mark.parametrize(
    "header",
    [
        1,  # not wrapped as a request
        {"m": [[], 1], "x": 1},
        {"m": [[], 1, 2]},
        {"m": [["0"], 1]},
        {"m": [[True], 1]},
        {"m": [{}, 1]},
        {"m": [[], {"r": "0"}]},
        {"m": [[], {"r": 1.0}]},
        {"m": [[], {"r": True}]},
        {"m": [[], {"r": [0]}]},
        {"m": [[], {"k": ["0", ["<f8", [1], 8]]}]},
        {"m": [[], {"k": [0, ["<f8", [2], 8]]}]},
        {"m": [[], {"k": [0]}]},
        {"m": [[], {"r": 5}]},  # a handle not kept
    ],
)
def test_a_malformed_request_is_refused(header):
    kept = {0: np.zeros(1)}
    data = b"\0" * 8 if '"k"' in json.dumps(header) else b""
    with pytest.raises(ProtocolError):
        protocol.Receiver(kept=kept).read(io.BytesIO(frame(header, data)).readinto)
    assert list(kept) == [0]


def test_a_well_formed_request_keeps_forgets_and_refers():
    kept = {0: np.zeros(1), 1: np.ones(1)}
    header = {"m": [[0], [{"k": [2, ["<f8", [1], 8]]}, {"r": 1}, {"r": 2}]]}
    out = protocol.Receiver(kept=kept).read(io.BytesIO(frame(header, struct.pack("<d", 2.5))).readinto)
    assert [a.tolist() for a in out] == [[2.5], [1.0], [2.5]]
    assert sorted(kept) == [1, 2]


def test_a_reference_to_an_array_not_kept_is_refused_in_a_large_frame_too():
    header = {"m": [[], [{"r": 3}, {"a": ["<f8", [20_000], 160_000]}]]}
    with pytest.raises(ProtocolError, match="not kept"):
        protocol.Receiver(kept={}).read(trickle(frame(header, bytes(160_000)), 65536))


# ---- out of turn, and the messages' shapes ------------------------------------------


def test_bytes_past_a_frame_are_refused_not_dropped():
    two = protocol.encode({"ok": 1}) + protocol.encode({"ok": 2})
    with pytest.raises(protocol.ProtocolError, match="out of turn"):
        protocol.read_frame(io.BytesIO(two))


@pytest.mark.parametrize("name", ["(2,)i4,(", "i4,(", "f8,f8", "2f8", "O", "V8", "U5", "\x00", "<f8" + "0" * 9])
def test_only_plain_numeric_dtype_names_are_parsed(name):
    header = json.dumps({"a": [name, [1], 8]}).encode()
    with pytest.raises(protocol.ProtocolError, match="may not cross"):
        protocol.decode(header, bytes(8))


@pytest.mark.parametrize(
    "reply",
    [
        {"ok": 1, "re": 7, "pad": []},
        {"ok": 1},
        {"ok": 1, "re": 6},  # the reply to another request
        {"re": 7},
        [1],
        {"raised": {"type": "E"}, "re": 7},
        {"raised": {"type": "E", "message": "m", "traceback": "", "line": "3"}, "re": 7},
        {"bad_value": 3, "re": 7},
        {"unknown": "x", "re": 7},
    ],
)
def test_a_reply_of_any_other_shape_is_refused(reply):
    with pytest.raises(messages.ReplyError):
        messages.read_reply(reply, 7)


def test_the_replies_a_learner_process_sends_are_read():
    raised = messages.Raised("ValueError", "m", "tb", 3)
    assert messages.read_reply({**raised.reply(), "re": 7}, 7) == (messages.Reply.RAISED, raised)
    assert messages.read_reply({"ok": [np.int64(1)], "re": 7}, 7) == ("ok", [np.int64(1)])
    assert messages.loaded_names(["double", "helper"]) == ["double", "helper"]
    with pytest.raises(messages.ReplyError):
        messages.loaded_names([np.zeros(2)])


def test_a_request_round_trips_by_name():
    call = messages.Call("f", [np.zeros(2)], {"axis": -1}, fresh=True)
    read = messages.read_request(protocol.read_frame(io.BytesIO(protocol.encode(call.wire(id=5)))))
    assert (read.name, read.kwargs, read.fresh, read.args[0].shape, read.id) == ("f", {"axis": -1}, True, (2,), 5)
    assert messages.read_request({"op": "load", "id": 1, "code": "x = 1"}) == messages.Load("x = 1", 1)
    assert messages.read_request({"op": "fresh", "id": 2}) == messages.Fresh(2)
    with pytest.raises(protocol.ProtocolError):
        messages.read_request({"op": "exec", "id": 1})
    with pytest.raises(protocol.ProtocolError):
        messages.read_request({"op": "load", "code": "x = 1"})  # no id


def test_a_namedtuple_crosses_as_a_tuple_and_an_object_as_its_name_only():
    from collections import namedtuple

    Cache = namedtuple("Cache", "x mean")
    cache = Cache(np.arange(3.0), 1.0)

    class Mine:
        pass

    frame = b"".join(protocol.encode_parts({"ok": (np.ones(2), cache, Mine())}, opaque=True))
    out, crossed, opaque = protocol.read_frame(io.BytesIO(frame))["ok"]
    assert type(crossed) is tuple and crossed[1] == 1.0 and np.array_equal(crossed[0], np.arange(3.0))
    assert opaque == protocol.Opaque(f"{Mine.__module__}.{Mine.__qualname__}"[-100:])
    with pytest.raises(ProtocolError, match="may not cross"):
        protocol.encode(Mine())  # a request, or a reply without opaque: refused as before
    with pytest.raises(protocol.OpaqueArgument, match="cannot leave the sandbox"):
        protocol.encode([opaque])  # what came back as an Opaque cannot be sent again
    with pytest.raises(ProtocolError, match="unknown tag"):  # a learner process reads no Opaque in a request
        protocol.decode(json.dumps({"m": [[], {"x": "solution.Cache"}]}).encode(), b"", kept={})
