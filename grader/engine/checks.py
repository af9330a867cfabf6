"""Array-aware assertions for challenge tests, with learner-readable messages.

Each check raises ``AssertionError`` whose message says what is wrong in array
terms (type, shape, dtype, NaN/inf counts, how many elements differ and by how
much), in a few short lines. The checks accept whatever the learner returned,
so a test can pass a learner's value straight in without guarding its type.
"""

from __future__ import annotations

import contextvars
import copy
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from grader.engine.sandbox.protocol import Opaque

__all__ = [
    "assert_allclose",
    "assert_finite",
    "assert_scalar",
    "assert_shape",
    "assert_speed",
    "check_gradient",
    "current_metrics",
    "probe_line",
    "same_result",
    "Stopped",
]

# The judge sets a dict here around each test; assert_speed records its ratio
# in it so that validating a pack can demand margin on the reference.
current_metrics: contextvars.ContextVar[dict | None] = contextvars.ContextVar("current_metrics", default=None)

_NUMERIC_KINDS = "biufc"

# Bail out of the learner's repeats once a single run is this many times over
# the limit: it cannot be noise, and a slow loop would eat the time budget.
_HOPELESS = 5.0
# The first call may take this many times the limit (see assert_speed).
_COLD_ALLOWANCE = 2.0


class Stopped(AssertionError):
    """A timed call stopped by the judge past its CPU cap (``timed(..., cpu_cap=)``),
    after *seconds* of the learner's CPU: it is too slow, not out of time."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"your function was stopped after {seconds:.3g} s of CPU")
        self.seconds = seconds


def _fmt(x: Any) -> str:
    """A number with about 6 significant digits."""
    if isinstance(x, (complex, np.complexfloating)):
        return f"{complex(x):.6g}"
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    return f"{float(x):.6g}"


def _type_name(x: Any) -> str:
    if isinstance(x, Opaque):
        return str(x)
    if x is None:
        return "None (did you forget to return?)"
    if isinstance(x, (tuple, list)):
        return f"{type(x).__name__} of length {len(x)}"
    if isinstance(x, np.ndarray):
        return f"array of shape {x.shape}" if x.ndim else f"0-d array of dtype {x.dtype}"
    if isinstance(x, np.generic):
        return f"numpy.{type(x).__name__}"
    return type(x).__name__


def _where(name: str, index: tuple) -> str:
    return f"{name}[{', '.join(str(int(i)) for i in index)}]" if index else name


def _is_number(x: Any) -> bool:
    """A python or numpy number (bool excluded: True is no loss value)."""
    if isinstance(x, (bool, np.bool_)):
        return False
    return isinstance(x, (int, float, np.number))


def _check_dtype_kind(arr: np.ndarray, name: str) -> None:
    if arr.dtype.kind not in _NUMERIC_KINDS:
        raise AssertionError(f"{name} has dtype {arr.dtype}; it should hold numbers (a float array)")


def _as_array(actual: Any, expected: np.ndarray, name: str) -> np.ndarray:
    """The learner's value as an ndarray, or a message about its type."""
    if expected.ndim == 0:
        if isinstance(actual, np.ndarray) and actual.ndim == 0:
            arr = actual
        elif _is_number(actual) or (expected.dtype.kind == "b" and isinstance(actual, (bool, np.bool_))):
            arr = np.asarray(actual)
        else:
            raise AssertionError(f"{name} should be a single number, got {_type_name(actual)}")
    else:
        if not isinstance(actual, np.ndarray):
            raise AssertionError(f"{name} should be a numpy array, got {_type_name(actual)}")
        arr = actual
    _check_dtype_kind(arr, name)
    return arr


def _nonfinite_counts(a: np.ndarray) -> str:
    """E.g. "2 NaN, 1 inf" or "none"."""
    nan = int(np.isnan(a).sum())
    inf = int(np.isinf(a).sum())
    parts = [f"{nan} NaN"] if nan else []
    if inf:
        parts.append(f"{inf} inf")
    return ", ".join(parts) or "none"


def assert_allclose(
    actual: Any,
    expected: Any,
    *,
    rtol: float = 1e-7,
    atol: float = 0.0,
    name: str = "result",
    check_dtype: bool = False,
    probe: str = "",
) -> None:
    """Check ``|actual - expected| <= atol + rtol * |expected|`` element-wise.

    ``expected`` comes from the trusted side; ``actual`` may be anything. NaN
    and inf must sit exactly where ``expected`` has them. A mismatch in values
    says how many digits matched (``_matching_digits``).

    *probe* names the numerical property the input was chosen to expose, e.g.
    ``"data offset by 100 and scaled by 0.01: a one-pass variance loses about
    8 digits here"``; it is added to the message only when the values differ
    (not for a wrong type or shape), and is shown to the learner even for a
    hidden test, so it must not give away more of the input than the
    statement does.
    """
    expected = np.asarray(expected)
    arr = _as_array(actual, expected, name)
    if arr.shape != expected.shape:
        raise AssertionError(f"{name} has shape {arr.shape}, expected {expected.shape}")
    if check_dtype and arr.dtype != expected.dtype:
        raise AssertionError(f"{name} has dtype {arr.dtype}, expected {expected.dtype}")
    if arr.dtype.kind == "c" and expected.dtype.kind != "c":
        raise AssertionError(f"{name} has complex dtype {arr.dtype}; expected real numbers")

    work = np.complex128 if expected.dtype.kind == "c" else np.float64
    a = arr.astype(work)
    e = expected.astype(work)

    # Non-finite values first: they make every error statistic meaningless.
    a_nan, e_nan = np.isnan(a), np.isnan(e)
    a_fin, e_fin = np.isfinite(a), np.isfinite(e)
    with np.errstate(invalid="ignore"):
        # inf must equal inf of the same sign; NaN must match NaN.
        bad_nonfinite = (a_nan != e_nan) | ((~a_fin | ~e_fin) & ~a_nan & ~e_nan & (a != e))
    if bad_nonfinite.any():
        idx = tuple(np.argwhere(bad_nonfinite)[0])
        first = f"first at {_where(name, idx)}: got {_fmt(a[idx])}, expected {_fmt(e[idx])}"
        if e_fin.all():
            raise AssertionError(
                f"{name} has non-finite values ({_nonfinite_counts(a)}) where all expected values are finite\n{first}"
                + probe_line(probe)
            )
        raise AssertionError(
            f"{name} has non-finite values ({_nonfinite_counts(a)}) where expected has ({_nonfinite_counts(e)}); "
            f"they differ in {int(bad_nonfinite.sum())} places\n{first}" + probe_line(probe)
        )

    both = a_fin & e_fin
    with np.errstate(all="ignore"):
        err = np.where(both, np.abs(a - e), 0.0)
    tol = atol + rtol * np.abs(np.where(both, e, 0.0))
    bad = err > tol
    if not bad.any():
        return

    nonzero = np.abs(e) > 0  # a relative error against an expected 0 means nothing: not inf, left out
    with np.errstate(all="ignore"):
        rel = np.where(nonzero, err / np.abs(np.where(nonzero, e, 1.0)), 0.0)
        # Worst element: the one furthest outside its own tolerance.
        excess = np.where(bad, err / np.where(tol > 0, tol, np.finfo(float).tiny), -1.0)
    idx = np.unravel_index(int(np.argmax(excess)), a.shape)
    tols = f"rtol={rtol:g}, atol={atol:g}"
    notes = _matching_digits(float(err[idx]), float(np.abs(e[idx])), rtol, atol) + probe_line(probe)
    if a.ndim == 0:
        relative = f"relative error {_fmt(rel[()])}" if nonzero[()] else "0 was expected exactly"
        raise AssertionError(
            f"{name} is {_fmt(a[()])}, expected {_fmt(e[()])} (absolute error {_fmt(err[()])}, {relative}; {tols})"
            + notes
        )
    relative = (
        f"max relative error {_fmt(rel.max())}" if (bad & nonzero).any() else "every differing element was expected 0"
    )
    raise AssertionError(
        f"{name} does not match the expected values: {int(bad.sum())} of {a.size} elements differ ({tols})\n"
        f"max absolute error {_fmt(err.max())}, {relative}\n"
        f"worst at {_where(name, idx)}: got {_fmt(a[idx])}, expected {_fmt(e[idx])}" + notes
    )


# The lines a mismatch ends with. The site shows them for a hidden test too (grader.selectors):
# they say nothing of the input that the statement does not. It reads them from the test's
# metrics ("numerics"), where only these checks write, not from the message, which may quote
# what the learner returned.
PROBE_PREFIX = "what this input probes: "
DIGITS_SUFFIX = "matching digits"
NOTES = "numerics"


def _note(key: str, line: str) -> str:
    """*line* as a message's next line, kept in the current test's metrics too."""
    metrics = current_metrics.get()
    if metrics is not None and line:
        metrics.setdefault(NOTES, {})[key] = line
    return f"\n{line}" if line else ""


def _matching_digits(err: float, expected: float, rtol: float, atol: float) -> str:
    """A line saying how many significant digits the worst element got right, or "".

    Digits are counted against the scale the tolerance measures at:
    ``|expected| + atol / rtol``. Far from 0 that is the relative error's
    ``-log10``; at an expected 0 it is the error against ``atol / rtol`` (where
    atol and rtol weigh the same), never a division by 0. At the limit of the
    tolerance the count is the digits rtol asks for, so the two read side by
    side. With ``rtol=0`` digits are counted only against a nonzero expected.
    """
    scale = expected + (atol / rtol if rtol > 0 else 0.0)
    if not (scale > 0 and err > 0 and np.isfinite(scale) and np.isfinite(err)):
        return ""
    digits = _whole_digits(-np.log10(err / scale))
    if digits <= 0:
        said = "no matching digits"
    elif digits >= 16:
        said = f"about 16 {DIGITS_SUFFIX} (all that float64 holds)"
    else:
        said = f"about {digits} {DIGITS_SUFFIX}" if digits > 1 else "about 1 matching digit"
    asked = _whole_digits(-np.log10(rtol)) if 0 < rtol < 1 else 0
    return _note("digits", said + (f" where the tolerance asks for {asked}" if asked else ""))


def _whole_digits(log_digits: float) -> int:
    # Floored, but an error of 1e-5 computed as 1.00000000003e-05 is still 5 digits.
    return int(np.floor(log_digits + 1e-6))


def probe_line(probe: str) -> str:
    """The line a check adds for *probe* ("" for none), for a test's own assertion
    message too, so that it says it as the checks do (and the site shows it for a
    hidden test): call it only as that message is made, on a failure."""
    return _note("probe", f"{PROBE_PREFIX}{probe}" if probe else "")


def numerical_gradient(forward: Callable[[np.ndarray], Any], x: Any, upstream: Any = None, *, eps: float = 1e-6):
    """Centred finite differences of ``sum(forward(x) * upstream)`` with respect to *x*.

    *forward* is trusted (a reference's forward pass); *upstream* defaults to
    ones, so a scalar forward gives its plain gradient. Each element costs two
    forward calls: keep the inputs small (tens to hundreds of elements).
    """
    x = np.array(x, dtype=np.float64)  # a copy: the probes write into it
    out = np.asarray(forward(x.copy()), dtype=np.float64)
    upstream = np.ones_like(out) if upstream is None else np.asarray(upstream, dtype=np.float64)
    if upstream.shape != out.shape:
        raise ValueError(f"upstream has shape {upstream.shape}, the forward's output {out.shape}")
    grad = np.empty_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = float(np.sum(np.asarray(forward(x.copy()), dtype=np.float64) * upstream))
        x[i] = old - eps
        minus = float(np.sum(np.asarray(forward(x.copy()), dtype=np.float64) * upstream))
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def check_gradient(
    actual: Any,
    forward: Callable[[np.ndarray], Any],
    x: Any,
    upstream: Any = None,
    *,
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-8,
    name: str = "gradient",
) -> None:
    """Check a learner's gradient against centred finite differences, as a practitioner would.

    *actual* is the learner's gradient of ``sum(forward(x) * upstream)`` with
    respect to *x*; *forward* runs on the trusted side (the reference's forward,
    with every other input fixed in a closure). In float64, centred differences
    with ``eps=1e-6`` are off by about ``eps**2`` times the third derivative plus
    ``1e-16 / eps`` of rounding: a relative error of ``1e-5`` leaves a correct
    gradient a wide margin and catches a wrong term (off by a factor, a missing
    sum, a transposed matrix) by orders of magnitude.

    The message gives the worst element's index, both values and its relative
    error ``|a - n| / max(|a|, |n|)``.
    """
    numeric = numerical_gradient(forward, x, upstream, eps=eps)
    arr = _as_array(actual, numeric, name)
    if arr.shape != numeric.shape:
        raise AssertionError(f"{name} has shape {arr.shape}, expected {numeric.shape} (the shape of the input)")
    a = arr.astype(np.float64)
    if not np.isfinite(a).all():
        idx = tuple(np.argwhere(~np.isfinite(a))[0])
        raise AssertionError(
            f"{name} has non-finite values ({_nonfinite_counts(a)}); first at {_where(name, idx)}: got {_fmt(a[idx])}, "
            f"the finite-difference estimate is {_fmt(numeric[idx])}"
        )
    err = np.abs(a - numeric)
    scale = np.maximum(np.abs(a), np.abs(numeric))
    bad = err > atol + rtol * scale
    if not bad.any():
        return
    with np.errstate(all="ignore"):
        rel = np.where(scale > 0, err / np.where(scale > 0, scale, 1.0), 0.0)
    idx = np.unravel_index(int(np.argmax(np.where(bad, rel, -1.0))), a.shape)
    raise AssertionError(
        f"{name} does not match the finite-difference gradient: {int(bad.sum())} of {a.size} elements differ "
        f"(rtol={rtol:g}, atol={atol:g})\n"
        f"worst at {_where(name, idx)}: got {_fmt(a[idx])}, finite differences give {_fmt(numeric[idx])} "
        f"(relative error {_fmt(rel[idx])})"
    )


def assert_shape(actual: Any, shape: tuple[int, ...], *, name: str = "result") -> np.ndarray:
    """Check that ``actual`` is an ndarray of the given shape; return it."""
    shape = tuple(int(n) for n in shape)
    if not isinstance(actual, np.ndarray):
        raise AssertionError(f"{name} should be a numpy array of shape {shape}, got {_type_name(actual)}")
    if actual.shape != shape:
        raise AssertionError(f"{name} has shape {actual.shape}, expected {shape}")
    return actual


def assert_finite(actual: Any, *, name: str = "result", probe: str = "") -> Any:
    """Check that a number or numeric array holds no NaN or inf; return it.

    *probe* is as for ``assert_allclose``: said only when a value is not finite."""
    if not (isinstance(actual, np.ndarray) or _is_number(actual)):
        raise AssertionError(f"{name} should be a number or a numpy array, got {_type_name(actual)}")
    arr = np.asarray(actual)
    _check_dtype_kind(arr, name)
    finite = np.isfinite(arr)
    if not finite.all():
        idx = tuple(np.argwhere(~finite)[0])
        where = f", first at {_where(name, idx)}" if idx else ""
        raise AssertionError(
            f"{name} has non-finite values ({_nonfinite_counts(arr)}{where}); expected finite values"
            + probe_line(probe)
        )
    return actual


def assert_scalar(actual: Any, *, name: str = "result") -> float:
    """Check that ``actual`` is a single real number; return it as a float.

    Accepts python int/float, numpy scalars and 0-d arrays.
    """
    if isinstance(actual, np.ndarray) and actual.ndim == 0 and actual.dtype.kind in "iuf":
        return float(actual)
    if _is_number(actual) and not isinstance(actual, (complex, np.complexfloating)):
        return float(actual)
    hint = ""
    if isinstance(actual, np.ndarray) and actual.ndim and actual.size == 1:
        hint = " (return a plain number, e.g. with .item() or by reducing with .mean())"
    raise AssertionError(f"{name} should be a single number, got {_type_name(actual)}{hint}")


def _describe_inputs(args: tuple, kwargs: dict) -> str:
    shapes = [str(v.shape) for v in (*args, *kwargs.values()) if isinstance(v, np.ndarray)]
    if not shapes:
        return "the test input"
    if len(shapes) == 1:
        return f"a {shapes[0]} input"
    return f"{', '.join(shapes[:-1])} and {shapes[-1]} inputs"


def _fmt_seconds(s: float) -> str:
    return f"{s:.3g} s" if s >= 1 else f"{s * 1e3:.3g} ms"


def same_result(actual: Any, expected: Any, name: str = "result") -> None:
    """assert_speed's default check of what it timed: numbers and arrays close
    (as ``np.allclose`` by default), tuples and lists item by item, nothing
    asked of a function that returns None (it works in place)."""
    if expected is None:
        return
    if isinstance(expected, tuple | list):
        if not isinstance(actual, tuple | list) or len(actual) != len(expected):
            raise AssertionError(f"{name} should be a {type(expected).__name__} of {len(expected)}, "
                                 f"got {_type_name(actual)}")  # fmt: skip
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            same_result(a, e, f"{name}[{i}]")
        return
    if isinstance(expected, np.ndarray) or _is_number(expected):
        assert_allclose(actual, expected, rtol=1e-5, atol=1e-8, name=name)
        return
    try:
        same = type(actual) is type(expected) and bool(actual == expected)
    except Exception:  # noqa: BLE001  (the learner's value may compare in any way)
        same = False
    if not same:
        raise AssertionError(f"{name} is not what the reference returned (got {_type_name(actual)})")


def assert_speed(
    learner_fn: Any,
    reference_fn: Callable[..., Any],
    *args: Any,
    max_ratio: float = 10.0,
    repeat: int = 3,
    check: Callable[[Any, Any], None] = same_result,
    **kwargs: Any,
) -> Any:
    """Check the learner's function is at most ``max_ratio`` times slower.

    Both sides are timed in CPU seconds, which another process's load does not
    inflate: ``learner_fn.timed(*args, **kwargs)`` returns ``(value, seconds)``
    read by the judge from the learner process's CPU clock, and ``reference_fn``
    is timed on this thread's. The reference's best run is compared with the
    learner's best run, or half its first run if that is more: a learner
    caching results between calls still pays for the first. Before the timed
    runs the learner's function is called once on the input reversed along
    its first axis (same shapes, dtypes and values, other bytes): its process
    grows its heap and faults its pages in for this size, as the reference's
    has, so the first timed run is not charged for that, and a cache of
    results still misses. A warm-up already hopelessly slow is the verdict.
    Each call is stopped once it has used more CPU than that hopeless bound
    (``_HOPELESS`` × *max_ratio* × the reference's time × ``_COLD_ALLOWANCE``):
    a loop hundreds of times slower fails this check in about the same time
    on any machine, rather than running into the test's own CPU limit (a
    timeout) or just under it (a failure), as the load decides.

    Every value timed is checked against the reference's with *check*
    (``check(actual, expected)``, raising AssertionError; ``same_result`` by
    default): a fast wrong answer on the large input must not pass. A pack
    whose function returns more than the test checks (a free-form cache)
    passes a check of its own. Returns the learner's last value.
    """
    ref_times = []
    for _ in range(repeat):
        # Fresh copies, as the learner gets, so an in-place reference cannot
        # change the next run's input; copying is outside the timing.
        a, kw = copy.deepcopy(args), copy.deepcopy(kwargs)
        start = time.thread_time()
        expected = reference_fn(*a, **kw)
        ref_times.append(time.thread_time() - start)
    ref_min = max(min(ref_times), 1e-9)

    hopeless = _HOPELESS * max_ratio * ref_min * _COLD_ALLOWANCE

    def timed(a: tuple, kw: dict) -> tuple[Any, float]:
        try:
            return learner_fn.timed(*a, cpu_cap=hopeless, **kw)
        except Stopped as exc:
            _record(max(exc.seconds, hopeless) / ref_min, max_ratio)
            raise AssertionError(
                f"too slow: stopped after {_fmt_seconds(exc.seconds)} of CPU on {_describe_inputs(args, kwargs)}, "
                f"more than {hopeless / ref_min:.3g}x the reference's {_fmt_seconds(ref_min)}; the limit is "
                f"{max_ratio:g}x. {_CAUSES}"
            ) from None

    warm = _reversed(args), {k: _reversed(v) for k, v in kwargs.items()}
    if _differs(warm, (args, kwargs)):
        _, seconds = timed(*warm)
        if seconds > hopeless:
            _record(seconds / ref_min, max_ratio)
            _too_slow(seconds, ref_min, max_ratio, args, kwargs)

    times: list[float] = []
    for _ in range(repeat):
        value, seconds = timed(args, kwargs)
        try:
            check(value, expected)
        except AssertionError as exc:
            raise AssertionError(
                f"the speed test's result on {_describe_inputs(args, kwargs)} is wrong: {exc}"
            ) from None
        times.append(float(seconds))
        if times[0] / _COLD_ALLOWANCE > max_ratio * ref_min:  # a fail whatever follows: it counts half of it
            break
    learner_time = max(min(times), times[0] / _COLD_ALLOWANCE)

    if _record(learner_time / ref_min, max_ratio) > max_ratio:
        _too_slow(learner_time, ref_min, max_ratio, args, kwargs)
    return value


def _record(ratio: float, max_ratio: float) -> float:
    """Keep *ratio* in the current test's metrics (the tightest of several speed checks); return it."""
    metrics = current_metrics.get()
    if metrics is not None:
        old = metrics.get("speed_ratio")
        if old is None or ratio / max_ratio > old / metrics["max_ratio"]:
            metrics["speed_ratio"] = ratio
            metrics["max_ratio"] = max_ratio
    return ratio


def _too_slow(learner_time: float, ref_min: float, max_ratio: float, args: tuple, kwargs: dict) -> None:
    # What was measured, then causes as possibilities: the check times, it does not see the code.
    raise AssertionError(
        f"your function took {_fmt_seconds(learner_time)} of CPU on {_describe_inputs(args, kwargs)}, "
        f"{learner_time / ref_min:.3g}x the reference's {_fmt_seconds(ref_min)}; the limit is {max_ratio:g}x. "
        f"{_CAUSES}"
    )


_CAUSES = (
    "Common causes: a Python loop over rows or elements, converting arrays to lists, "
    "or a temporary array much larger than the input"
)


def _reversed(value: Any) -> Any:
    """*value* with each array's first axis reversed (a copy); anything else as it is."""
    if isinstance(value, tuple | list):
        return [_reversed(v) for v in value] if isinstance(value, list) else tuple(_reversed(v) for v in value)
    if isinstance(value, np.ndarray) and value.ndim:
        return value[::-1].copy()
    return value


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, tuple | list):
        return any(_differs(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return any(_differs(a[k], b[k]) for k in a)
    return isinstance(a, np.ndarray) and not np.array_equal(a, b)
