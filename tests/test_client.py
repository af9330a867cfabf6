"""The command-line client and the notebook helper (client/), end to end: the
installed ``numpy-grader`` command and a real Jupyter kernel against a live
server, with a real worker grading."""

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from api.services import token_create, token_revoke
from grader.models import Submission
from grader.selectors import HIDDEN_MESSAGE

WRONG = "import numpy as np\n\ndef softmax(Z):\n    return np.exp(Z) / np.exp(Z).sum()\n"


@pytest.fixture
def learner_token(alice):
    token, secret = token_create(user=alice, name="cli", scopes=["read", "submit"])
    return token, secret


@pytest.fixture
def cli(tmp_path, live_server):
    command = shutil.which("numpy-grader", path=str(Path(sys.executable).parent))
    assert command, "numpy-grader is not installed in the venv: make install (requirements-dev.txt has -e ./client)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMPY_GRADER_")}
    env |= {"XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path)}

    def run(*args, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([command, *args], input=stdin, capture_output=True, text=True, env=env,
                              cwd=tmp_path, timeout=180)  # fmt: skip

    return run


def test_the_cli_logs_in_lists_pulls_runs_submits_and_shows_history(cli, live_server, worker, softmax, alice,
                                                                    learner_token, tmp_path):  # fmt: skip
    token, secret = learner_token
    login = cli("login", "--url", live_server.url, stdin=secret + "\n")
    assert login.returncode == 0, login.stderr
    assert "as alice" in login.stdout and secret not in login.stdout + login.stderr
    config = tmp_path / "config" / "numpy-grader" / "config.json"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert json.loads(config.read_text()) == {"url": live_server.url, "token": secret}

    listed = cli("list")
    assert listed.returncode == 0 and any(line.split()[:3] == ["softmax", "easy", "new"]
                                          for line in listed.stdout.splitlines())  # fmt: skip

    pulled = cli("pull", "softmax", "--dir", "work")
    version = softmax.current_version
    assert pulled.returncode == 0, pulled.stderr
    assert (tmp_path / "work" / "softmax.py").read_text() == version.starter
    statement = (tmp_path / "work" / "softmax.md").read_text()
    assert statement.startswith(f"# {version.title}\n") and version.statement.strip() in statement
    (tmp_path / "work" / "softmax.py").write_text(version.solution)
    again = cli("pull", "softmax", "--dir", "work")  # the learner's work is not overwritten
    assert again.returncode == 0 and "keeping it" in again.stderr
    assert (tmp_path / "work" / "softmax.py").read_text() == version.solution

    passed = cli("submit", "softmax", "work/softmax.py")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    graded = Submission.objects.get(kind="submit")
    assert (graded.user, graded.verdict, graded.code) == (alice, "passed", version.solution)
    lines = passed.stdout.splitlines()
    for test in graded.tests:  # one line per test, as the grader stored them
        assert any(line.split()[:2] == ["PASS", test["name"]] for line in lines), (test["name"], passed.stdout)
    assert lines[-1].startswith("Submit: passed, 100%") and lines[-1].endswith(f"/submissions/{graded.pk}/")

    (tmp_path / "wrong.py").write_text(WRONG)
    failed = cli("submit", "softmax", "wrong.py")
    assert failed.returncode == 1
    wrong = Submission.objects.filter(kind="submit").latest("created")
    assert wrong.verdict == "failed" and "FAIL" in failed.stdout and HIDDEN_MESSAGE in failed.stdout
    hidden = next(t["message"] for t in wrong.tests if t["hidden"] and t["status"] == "failed")
    assert hidden not in failed.stdout  # redacted as on the page

    sample = cli("run", "softmax", "wrong.py")
    run = Submission.objects.get(kind="run")
    assert sample.returncode == (0 if run.verdict == "passed" else 1)
    assert sample.stdout.splitlines()[-1].startswith(f"Run: {run.verdict}")

    history = cli("history", "softmax")
    assert history.returncode == 0
    ids = [line.split()[0] for line in history.stdout.splitlines()[1:]]
    assert ids == [str(run.pk), str(wrong.pk), str(graded.pk)]

    missing = cli("submit", "softmax", "nowhere.py")
    assert missing.returncode == 2 and "Cannot read nowhere.py" in missing.stderr

    token_revoke(user=alice, pk=token.pk)
    refused = cli("list")
    assert refused.returncode == 2 and "token was refused" in refused.stderr


def test_a_refusal_is_said_and_exits_1_and_nothing_is_stored(cli, live_server, softmax, alice, learner_token,
                                                              settings, tmp_path):  # fmt: skip
    _, secret = learner_token
    assert cli("login", "--url", live_server.url, stdin=secret).returncode == 0
    (tmp_path / "big.py").write_text("#" * (settings.GRADER_MAX_CODE_BYTES + 1))
    too_big = cli("submit", "softmax", "big.py")
    assert too_big.returncode == 1 and "Refused (413): Your code is 64.0 KiB; the limit is 64 KiB." in too_big.stderr
    in_flight = Submission.objects.create(user=alice, challenge=softmax, version=softmax.current_version, code="",
                                          kind="run", seed=1)  # fmt: skip
    (tmp_path / "ok.py").write_text("x = 1\n")
    busy = cli("run", "softmax", "ok.py")
    assert busy.returncode == 1 and "Refused (409): A grading of yours is still in progress" in busy.stderr
    assert list(Submission.objects.all()) == [in_flight]
    unknown = cli("pull", "no-such-challenge")
    assert unknown.returncode == 2 and "No published challenge 'no-such-challenge'." in unknown.stderr


NOTEBOOK_CELLS = [
    "import numpy as np\nfrom numpy_grader import submit",
    "EPS = 0.0\n\ndef _shifted(Z):\n    return Z - Z.max(axis=-1, keepdims=True) + EPS",
    "def softmax(Z):\n    e = np.exp(_shifted(Z))\n    return e / e.sum(axis=-1, keepdims=True)",
    'result = submit("softmax", softmax)\nresult.verdict, result.score',
    WRONG.replace("import numpy as np\n\n", ""),
    'bad = submit("softmax", softmax)\nbad.verdict, bad.passed',
]


def test_the_notebook_helper_submits_from_a_real_kernel_and_shows_a_table(live_server, worker, softmax, alice,
                                                                          learner_token, tmp_path, monkeypatch):  # fmt: skip
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("NUMPY_GRADER_URL", live_server.url)
    monkeypatch.setenv("NUMPY_GRADER_TOKEN", learner_token[1])
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no saved login of the machine's user
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in NOTEBOOK_CELLS])
    NotebookClient(
        notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    cells = notebook.cells

    good, bad = Submission.objects.order_by("created")
    # what was sent: the function, the helper and constant it uses, the import; not the helper itself
    assert (good.user, good.kind, good.verdict) == (alice, "submit", "passed")
    for part in ("import numpy as np", "EPS = 0.0", "def _shifted(Z):", "def softmax(Z):"):
        assert part in good.code, good.code
    assert "numpy_grader" not in good.code and "submit(" not in good.code
    table = _html(cells[3])
    assert "<table" in table and "Submit: passed" in table
    assert all(f"<code>{t['name']}</code>" in table for t in good.tests)
    assert cells[3].outputs[-1]["data"]["text/plain"] == "('passed', 1.0)"

    assert bad.verdict == "failed" and cells[5].outputs[-1]["data"]["text/plain"] == "('failed', False)"
    table = _html(cells[5])
    assert HIDDEN_MESSAGE in table
    hidden = next(t["message"] for t in bad.tests if t["hidden"] and t["status"] == "failed")
    assert hidden not in table  # redacted as on the page


def _html(cell) -> str:
    """The cell's final display (the helper updates one display as the grading goes)."""
    [shown] = [o for o in cell.outputs if o["output_type"] == "display_data"]
    return shown["data"]["text/html"]
