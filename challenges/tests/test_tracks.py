"""Tracks: packs name their track and place, the library orders the tracks, learners find their way."""

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from challenges.models import Challenge, ChallengeVersion, Track
from challenges.services import TRACKS_FILE, challenge_import_folders, parse_tracks
from grader.engine.pack import PackError, load_pack
from grader.models import Submission

SEEDS = Path(settings.CHALLENGE_LIBRARY)
TRACKS = """[[track]]
title = "Basics"
description = "Where to start."

[[track]]
title = "Layers"
"""


def place(folder: Path, track: str | None, position: int | None = None) -> None:
    """Set (or, with None, drop) the track lines of a pack's challenge.toml."""
    toml = folder / "challenge.toml"
    lines = [line for line in toml.read_text().splitlines() if not line.startswith(("track =", "position ="))]
    if track is not None:  # top-level keys: before the [limits] table
        at = lines.index("[limits]")
        lines[at:at] = [f'track = "{track}"'] + ([f"position = {position}"] if position else [])
    toml.write_text("\n".join(lines) + "\n")


@pytest.fixture
def shelf(tmp_path, db):
    """Three seed packs in two tracks, imported: Basics = softmax, cross-entropy; Layers = batch-norm."""
    root = tmp_path / "shelf"
    for slug, track, position in [
        ("softmax", "Basics", 1),
        ("cross-entropy", "Basics", 2),
        ("batch-norm", "Layers", 1),
    ]:
        place(Path(shutil.copytree(SEEDS / slug, root / slug)), track, position)
    (root / TRACKS_FILE).write_text(TRACKS)
    challenge_import_folders(paths=[root])
    return root


def order() -> dict[str, list[str]]:
    return {
        t.title: list(t.challenges.order_by("track_position").values_list("slug", flat=True))
        for t in Track.objects.all()
    }


def test_a_library_orders_its_tracks_and_each_pack_takes_its_place(shelf):
    assert order() == {"Basics": ["softmax", "cross-entropy"], "Layers": ["batch-norm"]}
    assert Track.objects.get(title="Basics").description == "Where to start."


def test_moving_a_pack_in_its_track_or_to_another_makes_no_new_version(shelf):
    place(shelf / "softmax", "Basics", 3)
    place(shelf / "cross-entropy", "A new track")  # no position: after the others in it
    out = io.StringIO()
    call_command("import_challenges", str(shelf), stdout=out)
    assert out.getvalue().count(": unchanged") == 3 and ChallengeVersion.objects.count() == 3
    assert order() == {"Basics": ["softmax"], "Layers": ["batch-norm"], "A new track": ["cross-entropy"]}
    assert list(Track.objects.values_list("title", flat=True)) == ["Basics", "Layers", "A new track"]


@pytest.mark.parametrize(
    "text, problem",
    [
        ("[[track]]\ndescription = 'x'\n", "track 1 needs a title"),
        ("[[track]]\ntitle = 'A'\ncolour = 'red'\n", "track 1 needs a title (up to 80 characters) and at most"),
        ("title = 'A'\n", "must hold only [[track]] tables"),
        ("[[track]\n", "not valid TOML"),
    ],
)
def test_a_malformed_tracks_file_is_refused_naming_the_file_and_imports_nothing(shelf, text, problem):
    (shelf / TRACKS_FILE).write_text(text)
    place(shelf / "softmax", "Elsewhere", 1)
    with pytest.raises(PackError) as info:
        challenge_import_folders(paths=[shelf])
    assert info.value.file == str(shelf / TRACKS_FILE) and problem in info.value.problem
    assert not Track.objects.filter(title="Elsewhere").exists()


def test_export_writes_each_packs_place_and_the_tracks_which_import_reads_back(shelf, tmp_path):
    call_command("export_challenges", "--out", str(tmp_path / "out"), stdout=io.StringIO())
    assert (
        load_pack(tmp_path / "out" / "cross-entropy").track,
        load_pack(tmp_path / "out" / "cross-entropy").position,
    ) == (
        "Basics",
        2,
    )
    assert parse_tracks((tmp_path / "out" / TRACKS_FILE).read_text()) == parse_tracks(TRACKS)


def test_a_studio_zip_carries_the_place_too(shelf, teacher_client):
    archive = zipfile.ZipFile(io.BytesIO(teacher_client.get(reverse("studio:download", args=["batch-norm"])).content))
    toml = archive.read("batch-norm/challenge.toml").decode()
    assert 'track = "Layers"' in toml and "position = 1" in toml


# -- the learners' list and page ------------------------------------------------------------


def test_the_list_groups_by_track_with_progress_on_every_challenge_of_it(shelf, alice, alice_client):
    softmax = Challenge.objects.get(slug="softmax")
    for verdict, score in [("passed", 1.0), ("failed", 0.5)]:
        Submission.objects.create(
            user=alice, challenge=softmax, version=softmax.current_version, kind="submit", code="#",
            status="done", verdict=verdict, score=score, seed=1,
        )  # fmt: skip
    page = alice_client.get(reverse("challenges:list"), {"difficulty": "easy"})
    groups = page.context["groups"]
    # the filter shows easy ones only; the track's progress still counts both of its challenges
    assert [(g.track.title, [c.slug for c in g.challenges]) for g in groups] == [("Basics", ["softmax"])]
    assert (groups[0].solved, groups[0].attempted, groups[0].total) == (1, 0, 2)
    assert "1 solved · 0 attempted · 2 in all" in page.content.decode()


@pytest.mark.parametrize(
    "query, slugs",
    [("soft", ["softmax"]), ("NORMALIZATION", ["batch-norm"]), ("cross entropy", ["cross-entropy"]), ("zzz", [])],
)
def test_search_finds_titles_and_tags_ignoring_case(shelf, client, query, slugs):
    page = client.get(reverse("challenges:list"), {"q": query})
    assert [c.slug for g in page.context["groups"] for c in g.challenges] == slugs
    if not slugs:
        assert "No challenge matches." in page.content.decode()


def test_a_challenge_page_names_its_track_and_links_the_previous_and_next(shelf, client):
    first = client.get(reverse("challenges:detail", args=["softmax"]))
    n = first.context["neighbours"]
    assert (n.previous, n.next.slug, n.position, n.count) == (None, "cross-entropy", 1, 2)
    html = first.content.decode()
    assert "Basics</a>, 1 of 2" in html and 'rel="next" href="/challenges/cross-entropy/"' in html
    second = client.get(reverse("challenges:detail", args=["cross-entropy"])).context["neighbours"]
    assert (second.previous.slug, second.next, second.position) == ("softmax", None, 2)


def test_related_challenges_share_tags_and_leave_out_the_neighbours(shelf, client):
    Challenge.objects.filter(slug="batch-norm").update(tags=["normalization", "activations"])
    related = client.get(reverse("challenges:detail", args=["softmax"])).context["neighbours"].related
    assert [c.slug for c in related] == ["batch-norm"]  # cross-entropy, next in the track, is linked already


def test_an_unpublished_challenge_is_neither_listed_nor_a_neighbour(shelf, client):
    Challenge.objects.filter(slug="cross-entropy").update(published=False)
    n = client.get(reverse("challenges:detail", args=["softmax"])).context["neighbours"]
    assert (n.next, n.count) == (None, 1)


# -- the studio's reordering ----------------------------------------------------------------


def test_an_instructor_reorders_tracks_and_challenges_in_them(shelf, teacher_client):
    layers, basics = Track.objects.get(title="Layers"), Track.objects.get(title="Basics")
    page = teacher_client.get(reverse("studio:tracks")).content.decode()
    assert page.index("Basics") < page.index("Layers")
    teacher_client.post(reverse("studio:move"), {"track": layers.pk, "direction": "up"})
    assert list(Track.objects.values_list("title", flat=True)) == ["Layers", "Basics"]
    teacher_client.post(reverse("studio:move"), {"track": basics.pk, "direction": "down"})  # already last: stays
    assert list(Track.objects.values_list("title", flat=True)) == ["Layers", "Basics"]
    cross = Challenge.objects.get(slug="cross-entropy")
    response = teacher_client.post(reverse("studio:move"), {"challenge": cross.pk, "direction": "up"})
    assert response.status_code == 302 and order()["Basics"] == ["cross-entropy", "softmax"]
    assert ChallengeVersion.objects.count() == 3  # the catalogue changed, no content did


@pytest.mark.parametrize("data", [{"track": "1", "direction": "sideways"}, {"track": "x", "direction": "up"}])
def test_a_bad_move_is_refused(shelf, teacher_client, data):
    assert teacher_client.post(reverse("studio:move"), data).status_code in (400, 404)


def test_a_move_needs_the_csrf_token(shelf, teacher):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    track = Track.objects.get(title="Layers")
    assert client.post(reverse("studio:move"), {"track": track.pk, "direction": "up"}).status_code == 403
    assert Track.objects.first().title == "Basics"


def test_the_editor_puts_a_challenge_in_a_track_last_keeps_its_place_or_takes_it_out(shelf, teacher_client):
    from django.contrib.messages import get_messages

    from studio.tests.conftest import pack_fields

    basics = Track.objects.get(title="Basics")
    response = teacher_client.post("/studio/new/", pack_fields(track=basics.pk))
    assert response.status_code == 302 and order()["Basics"] == ["softmax", "cross-entropy", "double"]
    assert b"selected>Basics</option>" in teacher_client.get("/studio/double/").content

    teacher_client.post("/studio/cross-entropy/", _editor_fields("cross-entropy", track=basics.pk))
    assert order()["Basics"] == ["softmax", "cross-entropy", "double"]  # its own track: its place kept

    layers = Track.objects.get(title="Layers")
    response = teacher_client.post("/studio/double/", pack_fields(track=layers.pk))
    assert order() == {"Basics": ["softmax", "cross-entropy"], "Layers": ["batch-norm", "double"]}
    assert "Moved to the track Layers." in [str(m) for m in get_messages(response.wsgi_request)]
    assert ChallengeVersion.objects.filter(challenge__slug="double").count() == 1

    teacher_client.post("/studio/double/", pack_fields(track=""))
    assert Challenge.objects.get(slug="double").track is None and order()["Layers"] == ["batch-norm"]


def _editor_fields(slug: str, **changes) -> dict:
    """The editor's POST data for an existing challenge, as its page fills the form in."""
    from studio.forms import ChallengeForm

    challenge = Challenge.objects.get(slug=slug)
    fields = {k: v for k, v in ChallengeForm.initial_from(challenge.latest_version).items()}
    fields.update({"change_note": "", "mutants-TOTAL_FORMS": "0", "mutants-INITIAL_FORMS": "0"}, **changes)
    for i, (name, code) in enumerate(challenge.latest_version.mutants.items()):
        fields.update({f"mutants-{i}-name": name, f"mutants-{i}-code": code, "mutants-TOTAL_FORMS": str(i + 1)})
    return fields
