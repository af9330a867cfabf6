"""numpy-grader: log in, list, pull, run, submit and look back, from a terminal.

Exit codes: 0 done (for run and submit: every test passed), 1 a verdict other
than passed or a refusal (limits, a closed assignment), 2 usage, login or
connection problems.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from numpy_grader import config
from numpy_grader.api import ApiError, Client
from numpy_grader.report import Progress, percent, summary_line

DEFAULT_URL = "http://127.0.0.1:8000"


def _login(args) -> int:
    url = (args.url or config.load()["url"] or DEFAULT_URL).rstrip("/")
    print(f"Make a token on {url}/accounts/profile/#tokens and paste it here.", file=sys.stderr)
    # never an argument: it would sit in the shell's history and in `ps`
    token = getpass.getpass("Token: ") if sys.stdin.isatty() else sys.stdin.readline()
    token = token.strip()
    if not token:
        print("No token given.", file=sys.stderr)
        return 2
    me = Client(url, token).me()
    path = config.save(url=url, token=token)
    print(f"Logged in to {url} as {me['username']} (token {me['token']!r}: {', '.join(me['scopes'])}).")
    print(f"Saved in {path} (readable by you only).")
    return 0


def _table(rows: list[list[str]], header: list[str]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def _list(args) -> int:
    rows = [
        [c["slug"], c["difficulty"], c["status"], percent(c["best_score"]) or "-", c["title"]]
        for c in Client().challenges()
    ]
    _table(rows, ["SLUG", "DIFFICULTY", "STATUS", "BEST", "TITLE"])
    return 0


def statement_markdown(challenge: dict) -> str:
    parts = [f"# {challenge['title']}\n", challenge["statement"].strip() + "\n"]
    parts.append(
        f"Define: {', '.join(f'`{f}`' for f in challenge['functions'])}. Open it on the site: {challenge['url']}\n"
    )
    if challenge["sample_tests"]:
        parts.append("## Sample tests\n")
        parts += [f"```python\n{t['source'].rstrip()}\n```\n" for t in challenge["sample_tests"]]
    return "\n".join(parts)


def _pull(args) -> int:
    challenge = Client().challenge(args.slug)
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    code, statement = folder / f"{challenge['slug']}.py", folder / f"{challenge['slug']}.md"
    if code.exists() and not args.force:  # it may be the learner's own work by now
        print(f"{code} exists; keeping it (--force to overwrite it with the starter).", file=sys.stderr)
    else:
        code.write_text(challenge["starter"], encoding="utf-8")
        print(f"wrote {code}")
    statement.write_text(statement_markdown(challenge), encoding="utf-8")
    print(f"wrote {statement}")
    return 0


def _grade(args, kind: str) -> int:
    try:
        code = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"Cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    client = Client()
    try:
        first = client.grade(args.slug, code, kind=kind)
    except ApiError as exc:
        if exc.status in (400, 403, 404, 409, 413, 422, 429):
            print(f"Refused ({exc.status}): {exc.said()}", file=sys.stderr)
            return 1
        raise
    progress, result = Progress(), first
    for result in client.follow(first):
        for line in progress.lines(result):  # each test once, as soon as the server has it
            print(line, flush=True)
    if result["error"]:
        print(result["error"].rstrip())
    if result["stdout"]:
        print("--- your output ---")
        print(result["stdout"].rstrip())
    print(summary_line(result))
    return 0 if result["verdict"] == "passed" else 1


def _history(args) -> int:
    rows = [
        [
            str(s["id"]),
            s["created"][:19].replace("T", " "),
            s["kind"],
            s["verdict"] or s["status"],
            percent(s["score"]) or "-",
            s["url"],
        ]  # fmt: skip
        for s in Client().history(args.slug, limit=args.limit)
    ]
    if not rows:
        print(f"No submissions of yours for {args.slug} yet.")
        return 0
    _table(rows, ["ID", "WHEN (UTC)", "KIND", "VERDICT", "SCORE", "URL"])
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="numpy-grader", description=__doc__.split("\n\n")[0])
    commands = p.add_subparsers(dest="command", required=True)
    login = commands.add_parser("login", help="store a token (read from the terminal or stdin) for a server")
    login.add_argument("--url", help=f"the grader's address (default: the saved one, else {DEFAULT_URL})")
    login.set_defaults(handler=_login)
    commands.add_parser("list", help="the published challenges and your progress").set_defaults(handler=_list)
    pull = commands.add_parser("pull", help="write SLUG.py (the starter) and SLUG.md (the statement)")
    pull.add_argument("slug")
    pull.add_argument("--dir", default=".", help="where to write them (default: here)")
    pull.add_argument("--force", action="store_true", help="overwrite an existing SLUG.py")
    pull.set_defaults(handler=_pull)
    for kind, text in (("run", "grade FILE on the sample tests (counts for nothing)"),
                       ("submit", "grade FILE on every test (counts); exit 0 only when it passes")):  # fmt: skip
        command = commands.add_parser(kind, help=text)
        command.add_argument("slug")
        command.add_argument("file")
        command.set_defaults(handler=lambda args, kind=kind: _grade(args, kind))
    history = commands.add_parser("history", help="your Runs and Submits of SLUG, newest first")
    history.add_argument("slug")
    history.add_argument("--limit", type=int, default=20)
    history.set_defaults(handler=_history)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except ApiError as exc:
        print(f"Error: {exc.said()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Stopped; a grading already started goes on on the server (see `numpy-grader history`).", file=sys.stderr)
        return 130
