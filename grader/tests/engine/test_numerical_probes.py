"""A method exact in arithmetic but unstable fails where the pack's input exposes it, and the
message says which numerical property failed and how many digits matched."""

import re
from pathlib import Path

import pytest

from grader.engine.checks import NOTES
from grader.engine.pack import load_pack
from grader.engine.results import Status, Verdict
from grader.engine.sandbox.client import ROOT

LIBRARY = Path(ROOT) / "challenges" / "library"


@pytest.mark.parametrize(
    "slug, mutant, test, probe",
    [
        (
            "batch-norm",
            "one_pass_variance",
            "test_data_far_from_zero_with_a_small_spread",
            "data offset by 1000 and scaled by 0.01: a one-pass variance E[x²] − E[x]²",
        ),
        (
            "cosine-similarity",
            "eps_on_product_of_norms",
            "test_short_vectors",
            "vectors of length about 0.008: an epsilon guarding the zero norms",
        ),
    ],
)
def test_an_unstable_method_fails_where_the_input_probes_it_saying_so_and_how_many_digits_matched(
    judge, slug, mutant, test, probe
):
    pack = load_pack(LIBRARY / slug)
    result = judge.grade(pack, pack.mutants[mutant], seed=1)
    assert result.verdict == Verdict.FAILED
    failed = {t.name: t for t in result.tests if t.status == Status.FAILED}
    assert test in failed, failed
    lines = failed[test].message.splitlines()
    assert lines[-1].startswith(f"what this input probes: {probe}")
    digits = re.fullmatch(r"about (\d+) matching digits? where the tolerance asks for (\d+)", lines[-2])
    assert digits and int(digits[1]) < int(digits[2]), lines[-2]
    # and the same two lines kept apart from the message, for the site to show for a hidden test
    assert failed[test].metrics[NOTES] == {"digits": lines[-2], "probe": lines[-1]}
    # The reference passes the same test on the same inputs.
    reference = {t.name: t.status for t in judge.grade(pack, pack.solution, seed=1).tests}
    assert reference[test] == Status.PASSED


def test_the_overflow_probe_reaches_past_exp_s_range_on_the_seed_it_once_missed(judge):
    # On seed 104 lstm-cell's large pre-activations (then std ~300) stayed under 709, so a
    # sigmoid computed as exp(a) / (1 + exp(a)) passed every test and the pack validated invalid.
    pack = load_pack(LIBRARY / "lstm-cell")
    mutant = {t.name: t.status for t in judge.grade(pack, pack.mutants["sigmoid_exp_ratio"], seed=104).tests}
    assert mutant["test_large_pre_activations"] == Status.FAILED
    reference = {t.name: t.status for t in judge.grade(pack, pack.solution, seed=104).tests}
    assert reference["test_large_pre_activations"] == Status.PASSED
