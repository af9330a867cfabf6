"""The shipped library as a curriculum: every pack in a listed track, ordered easy to hard, with
mutants that each name the mistake they stand for."""

import ast
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings

from challenges.services import TRACKS_FILE, pack_folders, parse_tracks
from grader.engine.pack import DIFFICULTIES, load_pack

LIBRARY = Path(settings.CHALLENGE_LIBRARY)
PACKS = [load_pack(folder) for folder in pack_folders(LIBRARY)]
TRACKS = [t["title"] for t in parse_tracks((LIBRARY / TRACKS_FILE).read_text())]


def test_the_library_holds_forty_packs_or_more_in_its_listed_tracks():
    assert len(PACKS) >= 40
    assert {p.track for p in PACKS} == set(TRACKS), "every pack names a track of tracks.toml, and every track has packs"


def test_each_track_goes_from_easy_to_hard_with_one_pack_per_place():
    tracks = defaultdict(list)
    for p in PACKS:
        tracks[p.track].append(p)
    for title, packs in tracks.items():
        packs.sort(key=lambda p: p.position)
        positions = [p.position for p in packs]
        assert len(set(positions)) == len(positions) and min(positions) >= 1, (title, positions)
        difficulties = [DIFFICULTIES.index(p.difficulty) for p in packs]
        assert difficulties == sorted(difficulties), (title, [(p.slug, p.difficulty) for p in packs])


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.slug)
def test_each_pack_has_four_mutants_or_more_each_naming_its_mistake(pack):
    assert len(pack.mutants) >= 4, pack.slug
    for name, code in pack.mutants.items():
        doc = ast.get_docstring(ast.parse(code))
        assert doc and len(doc.splitlines()[0]) > 15, f"{pack.slug}/mutants/{name}.py: its docstring names the mistake"
    assert pack.takeaways.strip() and "## " in pack.statement, pack.slug
