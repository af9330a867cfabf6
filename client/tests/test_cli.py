"""`numpy-grader submit` follows a grading: each test's line printed once, as
soon as a poll brings it, then the verdict; a refusal says when to try again.
Against scripted answers (no Django here; tests/test_client.py runs it
against a live server)."""

import http.server
import json
import threading

import pytest
from numpy_grader import api, cli

URL = "http://grader.test/submissions/7/"


def state(status: str, tests: list[dict], verdict: str = "", score=None) -> dict:
    final = status == "done"
    return {"id": 7, "challenge": "softmax", "kind": "submit", "status": status, "verdict": verdict, "score": score,
            "duration_ms": 12.0 if final else None, "created": "2026-12-07T13:00:00Z", "url": URL, "final": final,
            "position": 1 if status == "queued" else None, "poll_ms": None if final else 1, "tests": tests,
            "stdout": "", "error": "", "error_line": None}  # fmt: skip


def row(name: str, status: str = "passed", hidden: bool = False, message: str = "") -> dict:
    return {"name": name, "status": status, "hidden": hidden, "duration_ms": 3.0, "message": message}


A, B = row("test_sums_to_one"), row("test_extreme_logits", "failed", hidden=True, message="Hidden test: not shown.")
C = row("test_shape")
POLLS = [
    state("running", []),
    state("running", [A]),
    state("running", [A]),  # nothing new since the last poll
    state("running", [A, B]),
    state("done", [A, B, C], verdict="failed", score=0.5),
]


@pytest.fixture
def logged_in(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("NUMPY_GRADER_URL", "http://grader.test")
    monkeypatch.setenv("NUMPY_GRADER_TOKEN", "ngr_test")
    code = tmp_path / "softmax.py"
    code.write_text("def softmax(Z):\n    return Z\n")
    return code


def test_submit_prints_each_test_once_as_soon_as_a_poll_brings_it(logged_in, monkeypatch, capsys):
    printed_before = []  # what the command had printed when it asked for each next state
    answers = iter([state("queued", []), *POLLS])

    def request(self, method, path, body=None, **query):
        printed_before.append(capsys.readouterr().out)
        return next(answers)

    monkeypatch.setattr(api.Client, "request", request)
    assert cli.main(["submit", "softmax", str(logged_in)]) == 1  # failed: exit 1
    printed_before.append(capsys.readouterr().out)
    assert printed_before[:2] == ["", "submit queued (position 1)\n"]
    assert printed_before[2] == "submit running\n"
    assert printed_before[3] == "  PASS  test_sums_to_one  3 ms\n"  # before the next poll: as soon as it came
    assert printed_before[4] == ""  # the same row again is not printed again
    assert printed_before[5] == "  FAIL  test_extreme_logits (hidden)  3 ms\n        Hidden test: not shown.\n"
    assert printed_before[6] == f"  PASS  test_shape  3 ms\nSubmit: failed, 50%, 12 ms  {URL}\n"


class TooMany(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802  (http.server's name)
        body = json.dumps({"detail": "You have used your 30 gradings for the last 10 minutes.", "in_flight": None})
        self.send_response(429)
        self.send_header("Content-Type", "application/json")
        self.send_header("Retry-After", "42")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def refusing_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TooMany)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_429_says_when_to_try_again(logged_in, monkeypatch, capsys, refusing_server):
    monkeypatch.setenv("NUMPY_GRADER_URL", refusing_server)
    assert cli.main(["submit", "softmax", str(logged_in)]) == 1
    assert capsys.readouterr().err == (
        "Refused (429): You have used your 30 gradings for the last 10 minutes. (try again in 42 s)\n"
    )
    with pytest.raises(api.ApiError) as refused:
        api.Client().grade("softmax", "x = 1\n")
    assert (refused.value.status, refused.value.retry_after) == (429, 42)
