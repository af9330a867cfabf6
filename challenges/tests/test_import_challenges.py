import shutil

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from challenges.models import Challenge, ChallengeVersion
from challenges.services import challenge_import_folders, pack_folders, placed_pack

pytestmark = pytest.mark.django_db

SEED_SLUGS = {"softmax", "cross-entropy", "softmax-gradient-step", "batch-norm", "cosine-similarity"}


@pytest.fixture
def library(tmp_path):
    """A private copy of the shipped library, safe to edit."""
    return shutil.copytree(settings.CHALLENGE_LIBRARY, tmp_path / "library")


def test_it_imports_the_shipped_library_by_default(capsys):
    call_command("import_challenges")
    shipped = {folder.name for folder in pack_folders(settings.CHALLENGE_LIBRARY)}
    assert set(Challenge.objects.values_list("slug", flat=True)) == shipped and shipped >= SEED_SLUGS
    for challenge in Challenge.objects.select_related("current_version"):
        assert challenge.published
        assert challenge.current_version.number == 1
        assert challenge.current_version.pack().slug == challenge.slug
    assert "softmax: new version v1" in capsys.readouterr().out


def test_same_content_makes_no_new_version(library, capsys):
    call_command("import_challenges", str(library))
    call_command("import_challenges", str(library))
    assert ChallengeVersion.objects.count() == Challenge.objects.count() == len(pack_folders(library))
    assert "softmax: unchanged" in capsys.readouterr().out


def test_changed_content_makes_a_new_current_version(library):
    call_command("import_challenges", str(library))
    first = Challenge.objects.get(slug="softmax").current_version
    statement = library / "softmax" / "statement.md"
    statement.write_text(statement.read_text() + "\nOne more hint.\n")
    call_command("import_challenges", str(library / "softmax"))
    softmax = Challenge.objects.get(slug="softmax")
    assert softmax.current_version.number == 2
    assert softmax.current_version.statement.endswith("One more hint.\n")
    first.refresh_from_db()
    assert "One more hint." not in first.statement
    assert ChallengeVersion.objects.filter(challenge__slug="cross-entropy").count() == 1


def test_a_malformed_pack_imports_nothing_and_names_the_file(library):
    (library / "softmax" / "challenge.toml").write_text('slug = "softmax"\ncolour = "red"\n')
    with pytest.raises(CommandError) as exc:
        call_command("import_challenges", str(library))
    assert "softmax/challenge.toml" in str(exc.value)
    assert "unknown key 'colour'" in str(exc.value)
    assert not Challenge.objects.exists()


def test_a_folder_without_packs_is_refused(tmp_path):
    with pytest.raises(CommandError, match="holds no challenge pack"):
        call_command("import_challenges", str(tmp_path))


def test_versions_are_immutable(library):
    challenge_import_folders(paths=[library / "softmax"])
    version = ChallengeVersion.objects.get()
    version.statement = "rewritten"
    with pytest.raises(ValidationError):
        version.save()
    version.refresh_from_db()
    assert version.statement != "rewritten"


def test_a_version_rebuilds_the_pack_it_came_from(library):
    from grader.engine.pack import load_pack

    challenge_import_folders(paths=[library / "batch-norm"])
    pack = load_pack(library / "batch-norm")
    version = ChallengeVersion.objects.get()
    assert placed_pack(version.challenge, version) == pack and pack.position == 5
    assert version.content_hash == pack.content_hash()
