"""manage.py grade and validate_challenges, as instructors run them."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from challenges.services import challenge_import_folders, pack_folders

ROOT = Path(settings.BASE_DIR)
LIBRARY = Path(settings.CHALLENGE_LIBRARY)
SEED_SOLUTIONS = Path(__file__).parent / "seed_solutions"
SLUGS = ["softmax", "cross-entropy", "softmax-gradient-step", "batch-norm", "cosine-similarity"]


def manage(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize("slug", SLUGS)
def test_the_seeds_own_solution_passes(slug):
    result = manage("grade", "--pack", str(LIBRARY / slug), str(SEED_SOLUTIONS / f"{slug}.py"), "--json")
    report = json.loads(result.stdout)
    assert report["verdict"] == "passed", report
    assert result.returncode == 0
    assert report["score"] == 1.0
    assert {t["status"] for t in report["tests"]} == {"passed"}


def test_json_output_has_the_documented_shape():
    mutant = LIBRARY / "softmax" / "mutants" / "naive.py"
    result = manage("grade", "--pack", str(LIBRARY / "softmax"), str(mutant), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert set(report) == {"challenge", "verdict", "score", "tests", "stdout", "error", "duration_ms"}
    assert report["challenge"] == "softmax"
    assert report["verdict"] == "failed"
    assert 0 < report["score"] < 1
    for test in report["tests"]:
        assert set(test) == {"name", "status", "message", "hidden", "duration_ms"}
        assert test["status"] in {"passed", "failed", "error", "timeout", "skipped"}
    failing = [t for t in report["tests"] if t["status"] == "failed"]
    assert any("NaN" in t["message"] for t in failing), failing


@pytest.mark.django_db
def test_grade_uses_the_current_version_in_the_database(tmp_path, capsys):
    challenge_import_folders(paths=[LIBRARY / "softmax"])
    with pytest.raises(SystemExit) as exit_:
        call_command("grade", "softmax", str(SEED_SOLUTIONS / "softmax.py"), "--run", "--json")
    assert exit_.value.code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == "passed"
    # --run: the sample tests only
    assert report["tests"] and not any(t["hidden"] for t in report["tests"])


@pytest.mark.django_db
def test_an_unknown_challenge_is_a_usage_error():
    with pytest.raises(CommandError, match="unknown challenge 'no-such-challenge'") as exc:
        call_command("grade", "no-such-challenge", str(SEED_SOLUTIONS / "softmax.py"))
    assert exc.value.returncode == 2


def test_usage_errors_exit_2_with_one_line():
    unreadable = manage("grade", "--pack", str(LIBRARY / "softmax"), "/nonexistent/solution.py")
    assert unreadable.returncode == 2
    assert "cannot read /nonexistent/solution.py" in unreadable.stderr
    assert len(unreadable.stderr.strip().splitlines()) == 1

    wrong_arguments = manage("grade", "--pack", str(LIBRARY / "softmax"))
    assert wrong_arguments.returncode == 2


@pytest.mark.slow  # minutes: every pack's reference and mutants, graded in the sandbox
def test_every_shipped_challenge_is_valid():
    folders = pack_folders(LIBRARY)
    result = manage("validate_challenges", *(f"--pack={folder}" for folder in folders), timeout=1200)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(folders)} valid, 0 invalid" in result.stdout
    # the table shows each mutant failing something
    assert "naive" in result.stdout and "FAIL" in result.stdout


def test_a_mutant_that_passes_makes_the_challenge_invalid(tmp_path):
    pack = shutil.copytree(LIBRARY / "softmax", tmp_path / "softmax")
    shutil.copy(pack / "solution.py", pack / "mutants" / "same_as_reference.py")
    result = manage("validate_challenges", f"--pack={pack}")
    assert result.returncode == 1
    assert "mutant 'same_as_reference'" in result.stdout
    assert "passes every test" in result.stdout


def test_a_failing_reference_makes_the_challenge_invalid(tmp_path):
    pack = shutil.copytree(LIBRARY / "softmax", tmp_path / "softmax")
    shutil.copy(pack / "mutants" / "naive.py", pack / "solution.py")
    result = manage("validate_challenges", f"--pack={pack}")
    assert result.returncode == 1
    assert "the reference does not pass" in result.stdout
    assert "test_large_logits_do_not_overflow" in result.stdout
