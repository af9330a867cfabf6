"""Loading a challenge pack: every problem is a PackError naming the file at fault."""

import shutil
from pathlib import Path

import pytest

from grader.engine.pack import Limits, PackError, load_pack, write_pack

from .conftest import PACKS


@pytest.fixture
def folder(tmp_path) -> Path:
    """A copy of the double pack, for a test to break one thing in."""
    return Path(shutil.copytree(PACKS / "double", tmp_path / "double"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def load_error(folder: Path) -> PackError:
    with pytest.raises(PackError) as info:
        load_pack(folder)
    return info.value


def test_the_double_pack_loads(folder):
    pack = load_pack(folder)
    assert pack.slug == "double" and pack.functions == ("double",)
    assert pack.limits == Limits(time_per_test=1.0, time_total=3.0, memory_mb=256)
    assert sorted(pack.mutants) == ["flattens", "returns_input"]
    assert pack.mutant_description("flattens") == "Right values, but flattened to one dimension."


@pytest.mark.parametrize(
    "name", ["challenge.toml", "statement.md", "starter.py", "solution.py", "tests.py", "takeaways.md"]
)
def test_missing_file(folder, name):
    (folder / name).unlink()
    err = load_error(folder)
    assert err.file == str(folder / name)
    assert str(err) == f"{folder / name}: missing file"


def test_a_pack_names_its_track_and_place_which_are_not_its_content(folder, tmp_path):
    plain = load_pack(folder)
    assert (plain.track, plain.position) == ("", 0)
    edit(folder / "challenge.toml", "points = 10", 'points = 10\ntrack = " Basics "\nposition = 2')
    placed = load_pack(folder)
    assert (placed.track, placed.position) == ("Basics", 2)
    # moving a challenge in the catalogue makes no new version
    assert placed.content_hash() == plain.content_hash()
    again = load_pack(write_pack(placed, tmp_path / "out"))
    assert (again.track, again.position) == ("Basics", 2)


@pytest.mark.parametrize(
    "lines", ["position = 2", 'track = "Basics"\nposition = 0', 'track = "Basics"\nposition = "2"']
)
def test_a_position_needs_a_track_and_a_whole_number(folder, lines):
    edit(folder / "challenge.toml", "points = 10", f"points = 10\n{lines}")
    assert "'position' must be a whole number from 1, with a 'track'" in load_error(folder).problem


def test_not_a_folder(tmp_path):
    err = load_error(tmp_path / "nowhere")
    assert err.file == str(tmp_path / "nowhere")


def test_bad_toml(folder):
    edit(folder / "challenge.toml", 'title = "Double an array"', "title = Double an array")
    err = load_error(folder)
    assert err.file == str(folder / "challenge.toml")
    assert "not valid TOML" in err.problem and "line 3" in err.problem


def test_unknown_key(folder):
    edit(folder / "challenge.toml", "points = 10", "points = 10\nauthor = 'me'")
    err = load_error(folder)
    assert err.file == str(folder / "challenge.toml")
    assert "unknown key 'author'" in err.problem


def test_unknown_limit(folder):
    edit(folder / "challenge.toml", "memory_mb = 256", "memory_mb = 256\ncpu = 1")
    err = load_error(folder)
    assert err.file == str(folder / "challenge.toml")
    assert "unknown key 'limits.cpu'" in err.problem


def test_limit_out_of_bounds(folder):
    edit(folder / "challenge.toml", "memory_mb = 256", "memory_mb = 100000")
    err = load_error(folder)
    assert err.file == str(folder / "challenge.toml")
    assert "'limits.memory_mb' must be a number from 16 to 4096" in err.problem


def test_tests_that_do_not_import(folder):
    edit(folder / "tests.py", "import numpy as np", "import numpy as np\nimport no_such_module")
    err = load_error(folder)
    assert err.file == str(folder / "tests.py")
    assert "cannot be imported" in err.problem and "no_such_module" in err.problem


def test_tests_with_a_syntax_error(folder):
    edit(folder / "tests.py", "def check(actual, expected):", "def check(actual, expected)")
    err = load_error(folder)
    assert err.file == str(folder / "tests.py")
    assert err.problem.startswith("syntax error on line 9")


def test_a_test_naming_an_unknown_fixture(folder):
    edit(folder / "tests.py", "def test_matrix(learner):", "def test_matrix(learner, tmp_path):")
    err = load_error(folder)
    assert err.file == str(folder / "tests.py")
    assert "test_matrix() asks for unknown fixture 'tmp_path'" in err.problem


def test_solution_missing_a_function(folder):
    edit(folder / "solution.py", "def double(x):", "def twice(x):")
    err = load_error(folder)
    assert err.file == str(folder / "solution.py")
    assert "does not define double()" in err.problem


def test_solution_that_does_not_import(folder):
    edit(folder / "solution.py", "import numpy as np", "import numpy as np\n1 / 0")
    err = load_error(folder)
    assert err.file == str(folder / "solution.py")
    assert "ZeroDivisionError" in err.problem


def test_no_sample_test(folder):
    edit(folder / "tests.py", "@sample\n", "@hidden\n")
    err = load_error(folder)
    assert err.file == str(folder / "tests.py")
    assert "no test is marked @sample" in err.problem


def test_no_test_at_all(folder):
    (folder / "tests.py").write_text("import numpy as np\n")
    err = load_error(folder)
    assert err.file == str(folder / "tests.py")
    assert "defines no test" in err.problem


def test_mutant_with_a_syntax_error(folder):
    (folder / "mutants" / "broken.py").write_text("def double(x)\n    return x\n")
    err = load_error(folder)
    assert err.file == str(folder / "mutants" / "broken.py")
    assert err.problem.startswith("syntax error on line 1")


def test_mutant_with_a_bad_name(folder):
    (folder / "mutants" / "Bad-Name.py").write_text("def double(x):\n    return x\n")
    err = load_error(folder)
    assert err.file == str(folder / "mutants" / "Bad-Name.py")


def test_starter_with_a_syntax_error(folder):
    edit(folder / "starter.py", "def double(x):", "def double(x)")
    err = load_error(folder)
    assert err.file == str(folder / "starter.py")


def test_file_that_is_not_utf8(folder):
    (folder / "statement.md").write_bytes(b"# Double\n\xff\xfe\n")
    err = load_error(folder)
    assert err.file == str(folder / "statement.md")
    assert "not valid UTF-8" in err.problem


def test_hints_are_an_optional_file_of_sections_and_part_of_the_content(folder, tmp_path):
    without = load_pack(folder)
    assert without.hints == "" and without.hint_list() == []
    (folder / "hints.md").write_text(
        "Intro text is not a hint.\n\n## First\n\nUse `2 * x`.\n\n## Second\n\nNo loops.\n"
    )
    pack = load_pack(folder)
    assert pack.hint_list() == ["Use `2 * x`.", "No loops."]
    assert pack.content_hash() != without.content_hash()
    assert load_pack(write_pack(pack, tmp_path / "copy")) == pack


@pytest.mark.parametrize(
    "text, problem",
    [("Just prose, no section.\n", "no hint found"), ("".join(f"## {i}\n\nhint\n" for i in range(11)), "at most 10")],
)
def test_malformed_hints_are_refused_naming_the_file(folder, text, problem):
    (folder / "hints.md").write_text(text)
    with pytest.raises(PackError, match=problem) as exc:
        load_pack(folder)
    assert exc.value.file.endswith("hints.md")
