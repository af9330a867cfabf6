"""A result as text lines and as an HTML table, shared by the command and the notebook helper."""

from __future__ import annotations

import html

MARKS = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "timeout": "TIME", "skipped": "SKIP"}


def percent(score: float | None) -> str:
    return "" if score is None else f"{score * 100:.0f}%"


def status_line(result: dict) -> str | None:
    if result["status"] == "queued":
        return f"{result['kind']} queued" + (f" (position {result['position']})" if result.get("position") else "")
    if result["status"] == "running":
        return f"{result['kind']} running"
    return None


def test_lines(result: dict, shown: set[str]) -> list[str]:
    """Lines for the tests of *result* not in *shown* yet (which it then holds)."""
    lines = []
    for t in result["tests"]:
        if t["name"] in shown:
            continue
        shown.add(t["name"])
        mark = MARKS.get(t["status"], t["status"].upper())
        took = f"  {t['duration_ms']:.0f} ms" if t.get("duration_ms") is not None else ""
        lines.append(f"  {mark:<5} {t['name']}{' (hidden)' if t['hidden'] else ''}{took}")
        if t["status"] != "passed" and t["message"]:
            lines += [f"        {line}" for line in t["message"].rstrip().splitlines()]
    return lines


class Progress:
    """What to print of each state of a grading as it is followed: a state
    line when the state changes, then a line for each test not shown yet.
    The server stores each test's row as it ends, so the lines come while
    the grading runs; each test's once, however many polls carry it."""

    def __init__(self) -> None:
        self.state: str | None = None
        self.shown: set[str] = set()

    def lines(self, result: dict) -> list[str]:
        lines, state = [], status_line(result)
        if state and state != self.state:
            lines.append(state)
            self.state = state
        return lines + test_lines(result, self.shown)


def summary_line(result: dict) -> str:
    score = percent(result["score"])
    took = f", {result['duration_ms']:.0f} ms" if result.get("duration_ms") is not None else ""
    return f"{result['kind'].capitalize()}: {result['verdict'] or result['status']}{', ' + score if score else ''}{took}  {result['url']}"


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.0f} ms"


def html_table(result: dict) -> str:
    """The result as the page shows it: a verdict line, then a row per test. Everything escaped."""
    e = html.escape
    rows = "".join(
        f"<tr class='{e(t['status'])}'><td><code>{e(t['name'])}</code>{' <em>hidden</em>' if t['hidden'] else ''}</td>"
        f"<td>{e(MARKS.get(t['status'], t['status']))}</td><td><pre>{e(t['message'])}</pre></td>"
        f"<td>{_ms(t.get('duration_ms'))}</td></tr>"
        for t in result["tests"]
    )
    parts = [f"<p><strong>{e(result['kind'].capitalize())}: {e(result['verdict'] or result['status'])}</strong>"
             f" {e(percent(result['score']))} · <a href='{e(result['url'])}' target='_blank'>details</a></p>"]  # fmt: skip
    if result["error"]:
        parts.append(f"<pre>{e(result['error'])}</pre>")
    if rows:
        parts.append(f"<table class='numpy-grader'><thead><tr><th>Test</th><th>Result</th><th>Message</th>"
                     f"<th>Time</th></tr></thead><tbody>{rows}</tbody></table>")  # fmt: skip
    if result["stdout"]:
        parts.append(f"<details><summary>Your output</summary><pre>{e(result['stdout'])}</pre></details>")
    return "".join(parts)
