"""Challenge packs: a folder (challenge.toml, statement.md, starter.py,
solution.py, tests.py, mutants/*.py, takeaways.md, and optionally hints.md)
read into a ``Pack``.

Every problem found is a ``PackError`` naming the file and what is wrong, so an
author can fix a pack without reading the engine.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import json
import re
import tomllib
import types
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from grader.engine import testing

TEXT_FILES = {
    "statement": "statement.md",
    "starter": "starter.py",
    "solution": "solution.py",
    "tests": "tests.py",
    "takeaways": "takeaways.md",
}
DIFFICULTIES = ("easy", "medium", "hard")
_KEYS = {"slug", "title", "difficulty", "tags", "functions", "points", "limits", "track", "position"}
MAX_HINTS = 10
HINTS_FILE = "hints.md"  # optional: one hint per "## " section, shown one at a time after failed Submits
# Where the challenge sits in the catalogue, not what it grades: not part of a version's content.
PLACEMENT_KEYS = ("track", "position")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MUTANT_NAME_PATTERN = re.compile(r"^[a-z0-9_]+$")


class PackError(Exception):
    def __init__(self, file: str, problem: str) -> None:
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem


@dataclass(frozen=True)
class Limits:
    time_per_test: float = 2.0  # seconds of the learner's CPU for one test
    time_total: float = 10.0  # seconds of its CPU for a whole grading (and WAIT_FACTOR times that idle)
    memory_mb: int = 256  # address space the learner may add to the zygote's

    # (minimum, maximum) accepted from challenge.toml
    # A grading may take time_total of CPU and GRADER_WAIT_FACTOR (3) times that idle: within
    # the worker's task time limit (CELERY_TASK_SOFT_TIME_LIMIT, 330 s) at the bounds.
    BOUNDS = {"time_per_test": (0.1, 30), "time_total": (0.5, 60), "memory_mb": (16, 4096)}


@dataclass(frozen=True)
class Pack:
    slug: str
    title: str
    difficulty: str
    tags: tuple[str, ...]
    functions: tuple[str, ...]
    points: int
    limits: Limits
    statement: str
    starter: str
    solution: str
    tests: str
    takeaways: str
    mutants: dict[str, str] = field(default_factory=dict)  # name -> code
    hints: str = ""  # hints.md ("" for none)
    track: str = ""  # the title of the track it belongs to ("" for none)
    position: int = 0  # its place in the track, from 1

    def to_dict(self) -> dict:
        d = asdict(self)
        d["tags"], d["functions"] = list(self.tags), list(self.functions)
        d["mutants"] = dict(sorted(self.mutants.items()))
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Pack:
        return cls(
            **{**d, "tags": tuple(d["tags"]), "functions": tuple(d["functions"]), "limits": Limits(**d["limits"])}
        )

    def hint_list(self) -> list[str]:
        return split_hints(self.hints)

    def content_hash(self) -> str:
        content = {k: v for k, v in self.to_dict().items() if k not in PLACEMENT_KEYS}
        if not content["hints"]:
            del content["hints"]  # a pack without hints hashes as it did before hints existed
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def mutant_description(self, name: str) -> str:
        """The first line of a mutant's docstring: what misconception it stands for."""
        try:
            doc = ast.get_docstring(ast.parse(self.mutants[name]))
        except SyntaxError:
            doc = None
        return (doc or name.replace("_", " ")).strip().splitlines()[0]


def parse_config(text: str, file: str = "challenge.toml") -> dict:
    """Read and check challenge.toml; returns the Pack fields it sets."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PackError(file, f"not valid TOML: {exc}") from exc
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise PackError(file, f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    missing = sorted(_KEYS - {"limits", "tags", *PLACEMENT_KEYS} - set(raw))
    if missing:
        raise PackError(file, f"missing key {missing[0]!r}")

    def want(key, ok, what):
        if not ok(raw[key]):
            raise PackError(file, f"{key!r} must be {what}, got {raw[key]!r}")
        return raw[key]

    slug = want(
        "slug", lambda v: isinstance(v, str) and SLUG_PATTERN.match(v) and len(v) <= 64, "lowercase words joined by '-'"
    )
    title = want("title", lambda v: isinstance(v, str) and 0 < len(v.strip()) <= 120, "a non-empty string")
    difficulty = want("difficulty", lambda v: v in DIFFICULTIES, f"one of {', '.join(DIFFICULTIES)}")
    functions = want(
        "functions",
        lambda v: isinstance(v, list) and v and all(isinstance(f, str) and f.isidentifier() for f in v),
        "a non-empty list of function names",
    )
    points = want("points", lambda v: type(v) is int and 0 < v <= 10_000, "a positive integer")
    tags = raw.get("tags", [])
    if not (isinstance(tags, list) and all(isinstance(t, str) and 0 < len(t) <= 40 for t in tags)):
        raise PackError(file, f"'tags' must be a list of short strings, got {tags!r}")
    limits = raw.get("limits", {})
    if not isinstance(limits, dict):
        raise PackError(file, "'limits' must be a table")
    for key, value in limits.items():
        if key not in Limits.BOUNDS:
            raise PackError(file, f"unknown key 'limits.{key}' (known: {', '.join(Limits.BOUNDS)})")
        low, high = Limits.BOUNDS[key]
        if type(value) not in (int, float) or not low <= value <= high:
            raise PackError(file, f"'limits.{key}' must be a number from {low} to {high}, got {value!r}")
    limits = {k: (int(v) if k == "memory_mb" else float(v)) for k, v in limits.items()}
    track = raw.get("track", "")
    if not (isinstance(track, str) and len(track.strip()) <= 80):
        raise PackError(file, f"'track' must be a track's title (up to 80 characters), got {track!r}")
    position = raw.get("position", 0)
    if "position" in raw and not (track.strip() and type(position) is int and 1 <= position <= 10_000):
        raise PackError(file, f"'position' must be a whole number from 1, with a 'track', got {position!r}")
    return dict(
        slug=slug, title=title.strip(), difficulty=difficulty, tags=tuple(tags),
        functions=tuple(functions), points=points, limits=Limits(**limits),
        track=track.strip(), position=position if track.strip() else 0,
    )  # fmt: skip


def config_toml(pack: Pack) -> str:
    """challenge.toml for *pack*, read back by ``parse_config`` to the same values."""

    def value(v) -> str:
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(json.dumps(x) for x in v) + "]"
        return json.dumps(v)

    keys = ["slug", "title", "difficulty", "tags", "functions", "points"] + (list(PLACEMENT_KEYS) if pack.track else [])
    lines = [f"{k} = {value(getattr(pack, k))}" for k in keys]
    lines += ["", "[limits]"] + [f"{k} = {value(v)}" for k, v in asdict(pack.limits).items()]
    return "\n".join(lines) + "\n"


def load_pack(folder: str | Path) -> Pack:
    """Read a pack folder; PackError names the file at fault."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PackError(str(folder), "not a folder")

    def read(name: str) -> str:
        path = folder / name
        if not path.is_file():
            raise PackError(str(path), "missing file")
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise PackError(str(path), f"not valid UTF-8 ({exc.reason} at byte {exc.start})") from exc

    config = parse_config(read("challenge.toml"), str(folder / "challenge.toml"))
    texts = {key: read(name) for key, name in TEXT_FILES.items()}
    mutants = {}
    mutant_dir = folder / "mutants"
    if mutant_dir.is_dir():
        for path in sorted(mutant_dir.glob("*.py")):
            if not MUTANT_NAME_PATTERN.match(path.stem):
                raise PackError(str(path), "mutant file names use lowercase letters, digits and '_'")
            mutants[path.stem] = read(f"mutants/{path.name}")
    hints = read(HINTS_FILE) if (folder / HINTS_FILE).is_file() else ""
    pack = Pack(**config, **texts, mutants=mutants, hints=hints)
    check_pack(pack, prefix=f"{folder}/")
    return pack


def write_pack(pack: Pack, folder: str | Path) -> Path:
    """Write *pack* as a folder that ``load_pack`` reads back unchanged."""
    folder = Path(folder)
    (folder / "mutants").mkdir(parents=True, exist_ok=True)
    (folder / "challenge.toml").write_text(config_toml(pack), encoding="utf-8")
    for key, name in TEXT_FILES.items():
        (folder / name).write_text(getattr(pack, key), encoding="utf-8")
    for name, code in pack.mutants.items():
        (folder / "mutants" / f"{name}.py").write_text(code, encoding="utf-8")
    if pack.hints:
        (folder / HINTS_FILE).write_text(pack.hints, encoding="utf-8")
    return folder


def split_hints(text: str) -> list[str]:
    """hints.md's hints, in order: the Markdown of each "## " section (its heading left out)."""
    hints, current = [], None
    for line in text.splitlines():
        if line.startswith("## "):
            current = []
            hints.append(current)
        elif current is not None:
            current.append(line)
    return [h for h in ("\n".join(lines).strip() for lines in hints) if h]


@dataclass(frozen=True)
class TestCase:
    name: str
    fn: object
    spec: testing.TestSpec
    fixtures: tuple[str, ...]

    def run(self, *, learner, reference: types.ModuleType, seed: int) -> None:
        """Call the test with the fixtures it names. The judge and the
        baselines both call tests through this, so they grade alike: the same
        fixtures, and the same random inputs for a given seed."""
        import numpy as np

        fixtures = {
            "learner": learner,
            "reference": reference,
            "rng": np.random.default_rng([seed, zlib.crc32(self.name.encode())]),
        }
        self.fn(**{name: fixtures[name] for name in self.fixtures})


@dataclass(frozen=True)
class Suite:
    """A pack's tests and reference, loaded on the trusted side."""

    tests: tuple[TestCase, ...]
    reference: types.ModuleType


def _module(name: str, code: str, file: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__file__ = file
    try:
        exec(compile(code, file, "exec"), module.__dict__)  # noqa: S102  (trusted: the author's code)
    except SyntaxError as exc:
        raise PackError(file, f"syntax error on line {exc.lineno}: {exc.msg}") from exc
    except Exception as exc:  # noqa: BLE001
        raise PackError(file, f"cannot be imported: {type(exc).__name__}: {exc}") from exc
    return module


def load_suite(pack: Pack, prefix: str = "") -> Suite:
    reference = _module(f"reference_{pack.slug}", pack.solution, f"{prefix}solution.py")
    for name in pack.functions:
        if not callable(getattr(reference, name, None)):
            raise PackError(f"{prefix}solution.py", f"does not define {name}() (named in challenge.toml)")
    module = _module(f"tests_{pack.slug}", pack.tests, f"{prefix}tests.py")
    tests = []
    for name, fn in vars(module).items():
        if not (name.startswith("test_") and inspect.isfunction(fn)):
            continue
        params = tuple(inspect.signature(fn).parameters)
        for p in params:
            if p not in testing.FIXTURES:
                known = ", ".join(sorted(testing.FIXTURES))
                raise PackError(f"{prefix}tests.py", f"{name}() asks for unknown fixture {p!r} (known: {known})")
        tests.append(TestCase(name=name, fn=fn, spec=testing.spec_of(fn), fixtures=params))
    if not tests:
        raise PackError(f"{prefix}tests.py", "defines no test (functions named test_*)")
    if not any(t.spec.sample for t in tests):
        raise PackError(f"{prefix}tests.py", "no test is marked @sample, so Run would have nothing to run")
    return Suite(tests=tuple(tests), reference=reference)


def check_pack(pack: Pack, prefix: str = "") -> None:
    """Everything that can be checked without running learner code."""
    sources = {"starter.py": pack.starter, **{f"mutants/{m}.py": code for m, code in pack.mutants.items()}}
    for file, code in sources.items():
        try:
            compile(code, file, "exec")
        except SyntaxError as exc:
            raise PackError(f"{prefix}{file}", f"syntax error on line {exc.lineno}: {exc.msg}") from exc
    if pack.hints.strip() and not pack.hint_list():
        raise PackError(f"{prefix}{HINTS_FILE}", "no hint found: each hint is a section starting with '## '")
    if len(pack.hint_list()) > MAX_HINTS:
        raise PackError(f"{prefix}{HINTS_FILE}", f"{len(pack.hint_list())} hints; at most {MAX_HINTS}")
    load_suite(pack, prefix)
