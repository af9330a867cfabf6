import pytest

TESTS = """import numpy as np

from grader.engine.testing import assert_allclose, hidden, sample


@sample
def test_doubles_a_vector(learner):
    assert_allclose(learner.double(np.array([1.0, 2.0])), np.array([2.0, 4.0]), name="double([1, 2])")


@hidden
def test_doubles_random_values(learner, reference, rng):
    x = rng.uniform(0.1, 1.0, size=5){TIGHTEN}
    assert_allclose(learner.double(x), reference.double(x), name="double(x)")
"""


def pack_fields(**changes) -> dict:
    """The editor's POST data for a small challenge: double(x) = 2x."""
    tighten = changes.pop("tighten", False)
    fields = {
        "slug": "double", "title": "Double it", "difficulty": "easy", "tags": "basics, arrays",
        "functions": "double", "points": "10", "time_per_test": "2", "time_total": "10", "memory_mb": "256",
        "statement": "Return $2x$.", "starter": "def double(x):\n    pass\n",
        "solution": "def double(x):\n    return 2 * x\n",
        "tests": TESTS.replace("{TIGHTEN}", "\n    x[0] = -3.0" if tighten else ""),
        "takeaways": "Vectorise.", "change_note": "",
        "mutants-TOTAL_FORMS": "2", "mutants-INITIAL_FORMS": "0", "mutants-MIN_NUM_FORMS": "0",
        "mutants-MAX_NUM_FORMS": "1000",
        "mutants-0-name": "triple", "mutants-0-code": '"""Multiplies by 3."""\ndef double(x):\n    return 3 * x\n',
        "mutants-1-name": "", "mutants-1-code": "",
    }  # fmt: skip
    fields.update(changes)
    return fields


# Right for positive inputs only: passes the loose tests, fails once a test uses a negative number.
ABS_DOUBLE = "import numpy as np\ndef double(x):\n    return 2 * np.abs(x)\n"


@pytest.fixture
def alice_client(alice):
    """A client of alice's own, beside the teacher's (the root one shares ``client``)."""
    from django.test import Client

    client = Client()
    client.force_login(alice)
    return client
