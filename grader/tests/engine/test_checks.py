import re
import time

import numpy as np
import pytest

from grader.engine.checks import (
    Stopped,
    assert_allclose,
    assert_finite,
    assert_scalar,
    assert_shape,
    assert_speed,
    check_gradient,
    current_metrics,
    probe_line,
)


def message(fn, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as info:
        fn(*args, **kwargs)
    return str(info.value)


# ---- assert_allclose: types -------------------------------------------------


def test_allclose_passes_on_equal_arrays():
    assert_allclose(np.array([1.0, 2.0]), np.array([1.0, 2.0]))


@pytest.mark.parametrize(
    "actual, said",
    [
        ([1.0, 2.0], "got list of length 2"),
        ((np.zeros(2), np.zeros(2)), "got tuple of length 2"),
        (None, "got None (did you forget to return?)"),
        (np.float64(1.0), "got numpy.float64"),
        ("1, 2", "got str"),
    ],
)
def test_allclose_names_a_wrong_type(actual, said):
    msg = message(assert_allclose, actual, np.array([1.0, 2.0]))
    assert msg == f"result should be a numpy array, {said}"


@pytest.mark.parametrize("actual", [2.0, 2, np.float64(2.0), np.float32(2.0), np.int64(2), np.array(2.0)])
def test_allclose_accepts_any_scalar_where_a_scalar_is_expected(actual):
    assert_allclose(actual, 2.0)
    assert_allclose(actual, np.float64(2.0))


def test_allclose_wants_a_single_number_where_a_scalar_is_expected():
    assert message(assert_allclose, np.array([2.0]), 2.0) == "result should be a single number, got array of shape (1,)"
    assert message(assert_allclose, None, 2.0, name="loss").startswith("loss should be a single number, got None")
    assert message(assert_allclose, True, 1.0) == "result should be a single number, got bool"


def test_allclose_names_a_shape_mismatch():
    msg = message(assert_allclose, np.zeros((3, 2)), np.zeros((2, 3)))
    assert msg == "result has shape (3, 2), expected (2, 3)"
    msg = message(assert_allclose, np.array(1.0), np.zeros(3), name="probs")
    assert msg == "probs has shape (), expected (3,)"


def test_allclose_checks_dtype_only_when_asked():
    a32 = np.ones(3, dtype=np.float32)
    assert_allclose(a32, np.ones(3))
    msg = message(assert_allclose, a32, np.ones(3), check_dtype=True)
    assert msg == "result has dtype float32, expected float64"


@pytest.mark.parametrize("actual", [np.array([1, "a"], dtype=object), np.array(["1", "2"])])
def test_allclose_rejects_object_and_string_arrays(actual):
    msg = message(assert_allclose, actual, np.array([1.0, 2.0]))
    assert msg.startswith(f"result has dtype {actual.dtype}; it should hold numbers")


def test_allclose_rejects_complex_where_real_is_expected():
    msg = message(assert_allclose, np.array([1 + 0j]), np.array([1.0]))
    assert msg == "result has complex dtype complex128; expected real numbers"


# ---- assert_allclose: NaN and inf -------------------------------------------


def test_allclose_counts_nan_and_inf_where_expected_is_finite():
    actual = np.array([[0.1, np.nan], [np.inf, np.nan]])
    msg = message(assert_allclose, actual, np.full((2, 2), 0.25))
    assert msg == (
        "result has non-finite values (2 NaN, 1 inf) where all expected values are finite\n"
        "first at result[0, 1]: got nan, expected 0.25"
    )


def test_allclose_accepts_matching_non_finite_values():
    expected = np.array([np.nan, np.inf, -np.inf, 1.0])
    assert_allclose(expected.copy(), expected)


def test_allclose_reports_non_finite_values_in_other_places():
    expected = np.array([np.nan, 1.0, np.inf])
    msg = message(assert_allclose, np.array([np.nan, np.nan, -np.inf]), expected)
    assert msg == (
        "result has non-finite values (2 NaN, 1 inf) where expected has (1 NaN, 1 inf); they differ in 2 places\n"
        "first at result[1]: got nan, expected 1"
    )
    msg = message(assert_allclose, np.array([0.0, 1.0, 2.0]), expected)
    assert msg.startswith("result has non-finite values (none) where expected has (1 NaN, 1 inf)")


def test_allclose_reports_a_non_finite_scalar():
    msg = message(assert_allclose, float("inf"), 2.5, name="loss")
    assert msg == (
        "loss has non-finite values (1 inf) where all expected values are finite\nfirst at loss: got inf, expected 2.5"
    )


# ---- assert_allclose: values ------------------------------------------------


def test_allclose_summarises_a_value_mismatch():
    expected = np.arange(1.0, 7.0).reshape(2, 3)
    actual = expected.copy()
    actual[0, 1] += 0.5  # error 0.5 on 2.0: relative 0.25
    actual[1, 2] += 0.6  # error 0.6 on 6.0: relative 0.1
    msg = message(assert_allclose, actual, expected, rtol=1e-6, name="probs")
    assert msg == (
        "probs does not match the expected values: 2 of 6 elements differ (rtol=1e-06, atol=0)\n"
        "max absolute error 0.6, max relative error 0.25\n"
        "worst at probs[0, 1]: got 2.5, expected 2\n"
        "no matching digits where the tolerance asks for 6"
    )


def test_allclose_formats_numbers_with_six_significant_digits():
    msg = message(assert_allclose, np.array([1.0 / 3.0]), np.array([0.123456789]))
    assert "got 0.333333, expected 0.123457" in msg
    assert re.search(r"max absolute error 0\.209877\b", msg)


def test_allclose_reports_no_relative_error_against_an_expected_zero():
    msg = message(assert_allclose, np.array([0.0, 1e-3]), np.array([0.0, 0.0]))
    assert "inf" not in msg and "max absolute error 0.001, every differing element was expected 0" in msg
    assert "worst at result[1]: got 0.001, expected 0" in msg
    # beside nonzero ones, the relative error is over those alone
    msg = message(assert_allclose, np.array([1e-3, 2.2]), np.array([0.0, 2.0]))
    assert "max relative error 0.1" in msg and "inf" not in msg
    msg = message(assert_allclose, np.float64(1e-3), np.float64(0.0))
    assert msg == "result is 0.001, expected 0 (absolute error 0.001, 0 was expected exactly; rtol=1e-07, atol=0)"


def test_allclose_respects_rtol_and_atol():
    assert_allclose(np.array([1.0 + 1e-8]), np.array([1.0]), rtol=1e-7)
    assert_allclose(np.array([1e-9]), np.array([0.0]), atol=1e-8)
    message(assert_allclose, np.array([1e-9]), np.array([0.0]))
    message(assert_allclose, np.array([1.0 + 1e-6]), np.array([1.0]), rtol=1e-7)


def test_allclose_reports_a_scalar_mismatch_on_one_line_then_the_digits():
    msg = message(assert_allclose, np.float64(2.0), 2.5, rtol=1e-6, name="loss")
    assert msg == (
        "loss is 2, expected 2.5 (absolute error 0.5, relative error 0.2; rtol=1e-06, atol=0)\n"
        "no matching digits where the tolerance asks for 6"
    )


# ---- assert_allclose: matching digits and the probe --------------------------


@pytest.mark.parametrize(
    "error, said",
    [
        (3e-8, "about 7 matching digits where the tolerance asks for 9"),
        (1e-4, "about 4 matching digits where the tolerance asks for 9"),
        (0.05, "about 1 matching digit where the tolerance asks for 9"),
        (0.5, "no matching digits where the tolerance asks for 9"),
        (7.0, "no matching digits where the tolerance asks for 9"),
    ],
)
def test_allclose_says_how_many_digits_the_worst_element_matched(error, said):
    expected = np.array([1.0, -2.0, 4.0])
    actual = expected * (1 + np.array([0.0, error, error / 10]))
    assert message(assert_allclose, actual, expected, rtol=1e-9).splitlines()[-1] == said


def test_allclose_counts_digits_to_float64s_last_without_a_tolerance_to_compare():
    one = np.array([1.0, 2.0])
    assert message(assert_allclose, np.nextafter(one, 3), one, rtol=0).endswith("\nabout 15 matching digits")
    # float64 numbers an ulp apart differ by 1e-16 relative at least: 15 digits; more is said as 16
    msg = message(assert_allclose, np.array([1e17 + 16.0]), np.array([1e17]), rtol=1e-17)
    assert msg.endswith("\nabout 15 matching digits where the tolerance asks for 17")
    msg = message(assert_allclose, np.array([1e-20]), np.array([0.0]), rtol=1e-30, atol=1e-25)
    assert msg.endswith("\nabout 16 matching digits (all that float64 holds) where the tolerance asks for 30")


def test_allclose_counts_digits_at_an_expected_zero_against_atol_over_rtol_never_inf():
    # rtol 1e-6 and atol 1e-9 weigh the same at 1e-3: an error of 1e-8 there is 5 digits.
    msg = message(assert_allclose, np.array([1e-8, 1.0]), np.array([0.0, 1.0]), rtol=1e-6, atol=1e-9)
    assert msg.endswith("\nabout 5 matching digits where the tolerance asks for 6")
    msg = message(assert_allclose, np.float64(1e-8), 0.0, rtol=1e-6, atol=1e-9)
    assert msg.endswith(
        "0 was expected exactly; rtol=1e-06, atol=1e-09)\nabout 5 matching digits where the tolerance asks for 6"
    )
    # With no tolerance scale at 0 the digits are not made up, and nothing is inf or nan.
    for msg in (
        message(assert_allclose, np.float64(1e-3), 0.0),
        message(assert_allclose, np.array([1e-3]), np.array([0.0]), rtol=0, atol=1e-6),
    ):
        assert "digit" not in msg and "inf" not in msg and "nan" not in msg


PROBE = "data offset by 100 and scaled by 0.01: a one-pass variance E[x²] − E[x]² loses about 8 digits here"


def test_allclose_adds_the_probe_to_a_value_mismatch_only():
    expected = np.array([1.0, 2.0])
    assert_allclose(expected * (1 + 1e-9), expected, rtol=1e-7, probe=PROBE)  # a pass says nothing
    msg = message(assert_allclose, expected * (1 + 1e-5), expected, rtol=1e-7, probe=PROBE, name="out")
    assert msg.splitlines()[-2:] == [
        "about 5 matching digits where the tolerance asks for 7",
        f"what this input probes: {PROBE}",
    ]
    msg = message(assert_allclose, np.float64(2.5), 2.0, probe=PROBE)
    assert msg.endswith(f"\nwhat this input probes: {PROBE}")
    # An overflow to inf or NaN is the probe's business too
    msg = message(assert_allclose, np.array([np.nan, 1.0]), expected, probe="logits of ±1000")
    assert msg.startswith("result has non-finite values (1 NaN)") and msg.endswith(
        "\nwhat this input probes: logits of ±1000"
    )
    msg = message(assert_finite, np.array([1.0, np.inf]), name="probs", probe="logits of ±1000")
    assert msg == (
        "probs has non-finite values (1 inf, first at probs[1]); expected finite values\n"
        "what this input probes: logits of ±1000"
    )
    assert_finite(np.ones(2), probe=PROBE)
    # a test's own assertion says it the same way
    assert probe_line(PROBE) == f"\nwhat this input probes: {PROBE}" and probe_line("") == ""
    # a wrong type or shape is not
    assert PROBE not in message(assert_allclose, np.zeros(3), expected, probe=PROBE)
    assert PROBE not in message(assert_allclose, [1.0, 2.0], expected, probe=PROBE)


def test_allclose_compares_integer_and_bool_arrays():
    assert_allclose(np.array([1, 2, 3]), np.array([1.0, 2.0, 3.0]))
    assert_allclose(np.array([True, False]), np.array([True, False]))
    assert "1 of 2 elements differ" in message(assert_allclose, np.array([True, True]), np.array([True, False]))


# ---- assert_shape, assert_finite, assert_scalar -----------------------------


def test_shape_returns_the_array():
    a = np.zeros((2, 3))
    assert assert_shape(a, (2, 3)) is a


def test_shape_names_the_problem():
    assert message(assert_shape, np.zeros((3, 2)), (2, 3)) == "result has shape (3, 2), expected (2, 3)"
    assert (
        message(assert_shape, [[0.0]], (1, 1), name="W")
        == "W should be a numpy array of shape (1, 1), got list of length 1"
    )


def test_finite_counts_nan_and_inf():
    assert_finite(np.ones(3))
    assert_finite(2.0)
    msg = message(assert_finite, np.array([[1.0, np.inf], [np.nan, -np.inf]]), name="out")
    assert msg == "out has non-finite values (1 NaN, 2 inf, first at out[0, 1]); expected finite values"
    assert (
        message(assert_finite, float("nan"), name="loss")
        == "loss has non-finite values (1 NaN); expected finite values"
    )


def test_finite_wants_numbers():
    assert message(assert_finite, None).startswith("result should be a number or a numpy array, got None")
    assert message(assert_finite, np.array(["a"])).startswith("result has dtype <U1; it should hold numbers")


@pytest.mark.parametrize("value", [3, 3.0, np.float32(3.0), np.int64(3), np.array(3.0)])
def test_scalar_returns_a_float(value):
    got = assert_scalar(value)
    assert got == 3.0 and type(got) is float


@pytest.mark.parametrize(
    "value, said",
    [
        (None, "got None (did you forget to return?)"),
        (True, "got bool"),
        (1j, "got complex"),
        ([1.0], "got list of length 1"),
        (np.zeros(3), "got array of shape (3,)"),
        (np.array(True), "got 0-d array of dtype bool"),
    ],
)
def test_scalar_rejects_non_numbers(value, said):
    assert message(assert_scalar, value, name="loss") == f"loss should be a single number, {said}"


def test_scalar_hints_at_a_one_element_array():
    msg = message(assert_scalar, np.array([2.0]))
    assert msg.startswith("result should be a single number, got array of shape (1,) (return a plain number")


# ---- assert_speed -----------------------------------------------------------


class FakeLearner:
    """Stands in for the sandbox proxy: reports the seconds it is told to."""

    def __init__(self, fn, seconds, stops=True):
        self.fn, self.seconds, self.calls, self.stops, self.caps = fn, list(seconds), 0, stops, []

    def timed(self, *args, cpu_cap=None, **kwargs):
        self.calls += 1
        self.caps.append(cpu_cap)
        seconds = self.seconds[self.calls - 1]
        if self.stops and cpu_cap is not None and seconds > cpu_cap:  # the judge stops such a call at its cap
            raise Stopped(cpu_cap * 1.01)
        return self.fn(*args, **kwargs), seconds


def sleeper(seconds, fn=lambda *args, **kwargs: None):
    """A reference that spends *seconds* of CPU time (the clock assert_speed
    reads), then returns what *fn* does."""

    def reference(*args, **kwargs):
        end = time.thread_time() + seconds
        while time.thread_time() < end:
            pass
        return fn(*args, **kwargs)

    return reference


def test_speed_passes_a_fast_learner_and_returns_its_value():
    learner = FakeLearner(lambda x: x * 2, [0.010, 0.005, 0.020])
    assert assert_speed(learner, sleeper(0.002, lambda x: x * 2), 21) == 42
    assert learner.calls == 3


def test_speed_checks_every_value_it_times():
    # right on the first call, then fast and wrong: the fast calls are the ones the check would count
    answers = iter([np.ones(4), np.zeros(0), np.zeros(0)])
    learner = FakeLearner(lambda x: next(answers), [0.010, 0.0001, 0.0001])
    msg = message(assert_speed, learner, sleeper(0.002, np.ones_like), np.zeros(4))
    assert msg == "the speed test's result on a (4,) input is wrong: result has shape (0,), expected (4,)"


def test_speed_checks_tuples_item_by_item_and_takes_the_packs_own_check():
    ref = sleeper(0.001, lambda x: (x + 1, "cache", 2.0))
    good = FakeLearner(lambda x: (x + 1, "cache", 2.0), [0.001] * 3)
    assert_speed(good, ref, np.zeros(3))
    wrong = FakeLearner(lambda x: (x + 1, "cache", 2.5), [0.001] * 3)
    assert "result[2]" in message(assert_speed, wrong, ref, np.zeros(3))
    other_cache = FakeLearner(lambda x: (x + 1, {"mine": 1}, 2.0), [0.001] * 3)
    assert "result[1] is not what the reference returned (got dict)" in message(assert_speed, other_cache, ref,
                                                                                 np.zeros(3))  # fmt: skip

    def first_only(actual, expected):
        assert_allclose(actual[0], expected[0], name="out")

    assert_speed(FakeLearner(lambda x: (x + 1, {"mine": 1}, 2.0), [0.001] * 3), ref, np.zeros(3), check=first_only)


def test_speed_fails_a_slow_learner_with_a_clear_message():
    learner = FakeLearner(lambda Z: None, [0.09, 0.06, 0.065])
    msg = message(assert_speed, learner, sleeper(0.005), np.zeros((20000, 10)), max_ratio=10)
    m = re.fullmatch(
        r"your function took 60 ms of CPU on a \(20000, 10\) input, ([\d.]+)x the reference's [\d.]+ ms; "
        r"the limit is 10x\. Common causes: a Python loop over rows or elements, converting arrays to lists, "
        r"or a temporary array much larger than the input",
        msg,
    )
    assert m, msg
    assert 10 < float(m.group(1)) < 31


def test_speed_describes_several_inputs_and_passes_kwargs():
    seen = {}

    def fn(X, W, lr):
        seen["lr"] = lr

    learner = FakeLearner(fn, [1.0] * 3, stops=False)
    msg = message(assert_speed, learner, sleeper(0.001), np.zeros((64, 5)), np.zeros((5, 3)), lr=np.zeros(3))
    assert "took 1 s of CPU on (64, 5), (5, 3) and (3,) inputs" in msg
    assert seen["lr"].shape == (3,)
    msg = message(assert_speed, FakeLearner(lambda n: None, [1.0] * 3, stops=False), sleeper(0.001), 5)
    assert "on the test input" in msg


def test_speed_gives_up_early_on_a_hopeless_learner():
    learner = FakeLearner(lambda: None, [5.0, 0.001, 0.001])
    message(assert_speed, learner, sleeper(0.001))
    assert learner.calls == 1


def test_speed_warms_up_on_the_input_reversed_which_is_not_counted():
    seen = []
    # the warm-up pays for a cold process (50 ms); the timed runs are warm
    learner = FakeLearner(lambda a: seen.append(a.copy()) or a * 2, [0.050, 0.006, 0.005, 0.005])
    x = np.arange(6.0)
    assert_speed(learner, sleeper(0.005, lambda a: a * 2), x, max_ratio=10)
    assert np.array_equal(seen[0], x[::-1]) and all(np.array_equal(a, x) for a in seen[1:])
    assert learner.calls == 4


def test_speed_still_charges_half_the_first_timed_run_to_a_cache_of_results():
    # slow once on this input, then remembered: the warm-up on other bytes did not fill the cache
    learner = FakeLearner(lambda a: a * 2, [0.001, 0.200, 0.001, 0.001])
    msg = message(assert_speed, learner, sleeper(0.005, lambda a: a * 2), np.arange(6.0), max_ratio=10)
    # half of it is over the limit already: no later run can change the verdict, so none is made
    assert msg.startswith("your function took 200 ms of CPU on a (6,) input") and learner.calls == 2


def test_speed_takes_a_hopeless_warm_up_as_the_verdict():
    # measured past the hopeless bound though not stopped at it (the stop lands a little late)
    learner = FakeLearner(lambda a: a, [5.0, 0.001, 0.001, 0.001], stops=False)
    msg = message(assert_speed, learner, sleeper(0.001, lambda a: a), np.arange(6.0))
    assert learner.calls == 1 and msg.startswith("your function took 5 s of CPU on a (6,) input")


def test_speed_stops_a_hopeless_call_at_its_cap_and_says_so():
    learner = FakeLearner(lambda a: a, [0.001, 30.0, 0.001, 0.001])
    ref = sleeper(0.004, lambda a: a)
    metrics = {}
    token = current_metrics.set(metrics)
    try:
        msg = message(assert_speed, learner, ref, np.arange(6.0), max_ratio=10)
    finally:
        current_metrics.reset(token)
    # every call is capped at 5 x 10 x the reference's time x 2 (the cold allowance): ~0.4 s
    assert learner.calls == 2 and all(0.4 <= cap < 1.0 for cap in learner.caps)
    m = re.fullmatch(
        r"too slow: stopped after ([\d.]+) ms of CPU on a \(6,\) input, more than 100x the reference's ([\d.]+) ms; "
        r"the limit is 10x\. Common causes: a Python loop over rows or elements, converting arrays to lists, "
        r"or a temporary array much larger than the input",
        msg,
    )
    assert m, msg
    assert float(m.group(1)) > 100 * float(m.group(2))
    assert metrics["speed_ratio"] > 100 and metrics["max_ratio"] == 10


def test_speed_gives_the_reference_fresh_copies():
    def in_place(a):
        assert a[0] == 0.0
        a[0] = 1.0

    x = np.zeros(3)
    assert_speed(FakeLearner(lambda a: None, [0.0] * 3), in_place, x)
    assert x[0] == 0.0


def test_speed_records_its_ratio_in_the_current_metrics():
    metrics = {}
    token = current_metrics.set(metrics)
    try:
        assert_speed(FakeLearner(lambda: None, [0.004] * 3), sleeper(0.002), max_ratio=10)
        assert metrics["max_ratio"] == 10
        assert 0.5 < metrics["speed_ratio"] < 2.5
        # A failing check still records, and the tightest of several wins.
        message(assert_speed, FakeLearner(lambda: None, [0.2] * 3), sleeper(0.002), max_ratio=20)
        assert metrics["max_ratio"] == 20 and metrics["speed_ratio"] > 20
    finally:
        current_metrics.reset(token)


def test_speed_without_metrics_records_nothing():
    assert current_metrics.get() is None
    assert_speed(FakeLearner(lambda: None, [0.0] * 3), sleeper(0.001))
    assert current_metrics.get() is None


# check_gradient: a learner's backward pass against centred finite differences of a trusted forward.


def _tanh_layer(W):
    x = np.linspace(-1.0, 1.0, 3)
    return lambda w: np.tanh(w @ x), x


def test_check_gradient_accepts_the_true_gradient():
    rng = np.random.default_rng(0)
    W, dout = rng.normal(size=(4, 3)), rng.normal(size=4)
    forward, x = _tanh_layer(W)
    true = ((1 - np.tanh(W @ x) ** 2) * dout)[:, None] * x[None, :]
    check_gradient(true, forward, W, dout)


def test_check_gradient_of_a_scalar_forward_defaults_upstream_to_one():
    z = np.array([0.5, -1.0, 2.0])
    check_gradient(2 * z, lambda v: np.sum(v**2), z)


def test_check_gradient_names_the_worst_element_and_both_values():
    rng = np.random.default_rng(1)
    W, dout = rng.normal(size=(4, 3)), rng.normal(size=4)
    forward, x = _tanh_layer(W)
    wrong = dout[:, None] * x[None, :]  # the tanh derivative forgotten
    with pytest.raises(AssertionError) as exc:
        check_gradient(wrong, forward, W, dout, name="dW")
    message = str(exc.value)
    assert message.startswith("dW does not match the finite-difference gradient: ")
    assert "worst at dW[" in message and "finite differences give" in message and "relative error" in message


def test_check_gradient_refuses_a_wrong_shape_or_type_in_the_learners_words():
    z = np.ones((2, 3))
    with pytest.raises(AssertionError, match=r"dx has shape \(3, 2\), expected \(2, 3\)"):
        check_gradient(np.ones((3, 2)), np.sum, z, name="dx")
    with pytest.raises(AssertionError, match="dx should be a numpy array, got list"):
        check_gradient([[1.0] * 3] * 2, np.sum, z, name="dx")
    with pytest.raises(AssertionError, match=r"dx has non-finite values \(1 NaN\)"):
        check_gradient(np.array([[1.0, np.nan, 1.0], [1.0, 1.0, 1.0]]), np.sum, z, name="dx")


def test_check_gradient_leaves_the_input_unchanged():
    z = np.array([1.0, 2.0])
    check_gradient(np.ones(2), np.sum, z)
    assert z.tolist() == [1.0, 2.0]
