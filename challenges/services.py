"""Writes to challenges: importing packs makes versions, idempotently."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from pathlib import Path
from typing import NamedTuple

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from challenges.models import Challenge, ChallengeVersion, Track
from grader.engine.pack import Pack, PackError, load_pack, write_pack

TRACKS_FILE = "tracks.toml"  # beside the packs of a library: the tracks' order and descriptions


def _new_version(challenge: Challenge, pack: Pack, author, change_note: str) -> ChallengeVersion:
    last = challenge.versions.aggregate(n=Max("number"))["n"] or 0
    return ChallengeVersion.objects.create(
        challenge=challenge, number=last + 1, author=author, change_note=change_note,
        **ChallengeVersion.fields_from_pack(pack),
    )  # fmt: skip


def challenge_make_current(challenge: Challenge, version: ChallengeVersion) -> None:
    """Learners get *version* from now on; the listing shows its title and tags."""
    challenge.current_version = version
    if challenge.draft_version_id == version.pk:
        challenge.draft_version = None
    challenge.title, challenge.difficulty, challenge.tags = version.title, version.difficulty, list(version.tags)
    challenge.save(update_fields=["current_version", "draft_version", "title", "difficulty", "tags", "updated"])


def track_for(title: str) -> Track:
    """The track titled *title*; a new one goes after every other."""
    track = Track.objects.filter(slug=slugify(title)).first()
    if track is None:
        last = Track.objects.aggregate(n=Max("position"))["n"] or 0
        track = Track.objects.create(slug=slugify(title) or "track", title=title, position=last + 1)
    return track


def challenge_place(challenge: Challenge, pack: Pack) -> None:
    """Put *challenge* where *pack* says in its track; a pack naming no track leaves it where it is."""
    if not pack.track:
        return
    track = track_for(pack.track)
    position = (
        pack.position or (track.challenges.exclude(pk=challenge.pk).aggregate(n=Max("track_position"))["n"] or 0) + 1
    )
    if (challenge.track_id, challenge.track_position) != (track.pk, position):
        challenge.track, challenge.track_position = track, position
        challenge.save(update_fields=["track", "track_position", "updated"])


def placed_pack(challenge: Challenge, version: ChallengeVersion) -> Pack:
    """*version*'s pack carrying *challenge*'s place in its track, as an export writes it."""
    pack = version.pack()
    if challenge.track is None:
        return pack
    return dataclasses.replace(pack, track=challenge.track.title, position=challenge.track_position)


def parse_tracks(text: str, file: str = TRACKS_FILE) -> list[dict]:
    """``[[track]]`` tables (title, optional description) in the order the tracks are listed."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PackError(file, f"not valid TOML: {exc}") from exc
    tracks = raw.get("track")
    if set(raw) != {"track"} or not isinstance(tracks, list):
        raise PackError(file, "must hold only [[track]] tables")
    for i, t in enumerate(tracks, 1):
        title, description = t.get("title"), t.get("description", "")
        if set(t) - {"title", "description"} or not (isinstance(title, str) and 0 < len(title.strip()) <= 80):
            raise PackError(file, f"track {i} needs a title (up to 80 characters) and at most a description")
        if not isinstance(description, str):
            raise PackError(file, f"track {i}: 'description' must be a string")
    return [{"title": t["title"].strip(), "description": t.get("description", "").strip()} for t in tracks]


def tracks_import(tracks: list[dict]) -> None:
    """Create or update *tracks*, listed first and in this order; other tracks keep theirs after them."""
    for position, t in enumerate(tracks, 1):
        track = track_for(t["title"])
        track.title, track.description, track.position = t["title"], t["description"], position
        track.save()
    listed = {slugify(t["title"]) for t in tracks}
    for offset, track in enumerate(Track.objects.exclude(slug__in=listed), len(tracks) + 1):
        if track.position < offset:
            track.position = offset
            track.save(update_fields=["position"])


def tracks_export(folder: str | Path) -> Path:
    """tracks.toml for every track, as ``parse_tracks`` reads it back."""
    lines = []
    for track in Track.objects.all():
        lines += ["[[track]]", f"title = {json.dumps(track.title)}"]
        if track.description:
            lines.append(f"description = {json.dumps(track.description)}")
        lines.append("")
    Path(folder).mkdir(parents=True, exist_ok=True)
    path = Path(folder) / TRACKS_FILE
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def challenge_import_pack(
    *, pack: Pack, author=None, change_note: str = "", publish: bool = True
) -> tuple[Challenge, bool]:
    """Create or update the challenge of *pack*, making it current at once (the
    trusted command-line path). Returns (challenge, made a new version).

    The same content as the current version makes nothing; changed content
    makes a new immutable version and makes it current.
    """
    with transaction.atomic():
        challenge, created = Challenge.objects.select_for_update().get_or_create(
            slug=pack.slug,
            defaults={
                "title": pack.title,
                "difficulty": pack.difficulty,
                "tags": list(pack.tags),
                "published": publish,
            },
        )
        challenge_place(challenge, pack)
        current = challenge.current_version
        if current is not None and current.content_hash == pack.content_hash():
            return challenge, False
        draft = challenge.draft_version
        if draft is not None and draft.content_hash == pack.content_hash():
            # the draft, exported and imported back: publish it rather than duplicate it
            challenge_make_current(challenge, draft)
            return challenge, True
        challenge_make_current(challenge, _new_version(challenge, pack, author, change_note))
    return challenge, True


class SavedDraft(NamedTuple):
    challenge: Challenge
    made: bool  # a new draft version
    set_aside: int | None  # the number of a draft dropped because the content is the live version's again


def challenge_save_draft(*, pack: Pack, author=None, change_note: str = "") -> SavedDraft:
    """Save *pack* as its challenge's unpublished draft (the instructors' path:
    it goes live only once validated and published). A new slug makes a new,
    unpublished challenge. Content equal to the draft or the current version
    makes no new version; equal to the current version, it also sets aside a
    draft that differed (the version stays in the history)."""
    with transaction.atomic():
        challenge, _ = Challenge.objects.select_for_update().get_or_create(
            slug=pack.slug,
            defaults={"title": pack.title, "difficulty": pack.difficulty, "tags": list(pack.tags), "published": False},
        )
        challenge_place(challenge, pack)
        digest = pack.content_hash()
        if challenge.current_version is not None and challenge.current_version.content_hash == digest:
            set_aside = None
            if challenge.draft_version_id is not None:  # edited back to what is live
                set_aside = challenge.draft_version.number
                challenge.draft_version = None
                challenge.save(update_fields=["draft_version", "updated"])
            return SavedDraft(challenge, False, set_aside)
        if challenge.draft_version is not None and challenge.draft_version.content_hash == digest:
            return SavedDraft(challenge, False, None)
        challenge.draft_version = _new_version(challenge, pack, author, change_note)
        challenge.save(update_fields=["draft_version", "updated"])
    return SavedDraft(challenge, True, None)


def draft_outcome(saved: SavedDraft) -> str:
    """What a save did, in words an instructor reads."""
    if saved.made:
        return f"new draft version {saved.challenge.draft_version.number}"
    if saved.set_aside is not None:
        return f"the published version again: draft version {saved.set_aside} set aside (still in the history)"
    return "unchanged"


def pack_folders(path: str | Path) -> list[Path]:
    """A pack folder itself, or every pack folder directly inside *path*."""
    path = Path(path)
    if (path / "challenge.toml").is_file():
        return [path]
    if not path.is_dir():
        raise PackError(str(path), "not a folder")
    folders = sorted(p for p in path.iterdir() if (p / "challenge.toml").is_file())
    if not folders:
        raise PackError(str(path), "holds no challenge pack (no */challenge.toml)")
    return folders


def challenge_import_folders(
    *, paths: list[str | Path], author=None, publish: bool = True
) -> list[tuple[Challenge, bool]]:
    """Import every pack under *paths*, all or nothing: one bad pack changes nothing."""
    packs = [load_pack(folder) for path in paths for folder in pack_folders(path)]
    track_files = [Path(path) / TRACKS_FILE for path in paths if (Path(path) / TRACKS_FILE).is_file()]
    tracks = [t for file in track_files for t in parse_tracks(file.read_text(encoding="utf-8"), str(file))]
    slugs = [p.slug for p in packs]
    duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicates:
        raise PackError(", ".join(map(str, paths)), f"slug {duplicates[0]!r} appears in more than one pack")
    with transaction.atomic():
        tracks_import(tracks)
        return [challenge_import_pack(pack=p, author=author, publish=publish) for p in packs]


def challenge_export(*, challenge: Challenge, folder: str | Path, latest: bool = False) -> Path:
    """Write *challenge* as the pack folder *folder*/<slug>/: its current version,
    or with *latest* its unpublished draft when it has one. ``import_challenges``
    reads the folder back to the same content, so it makes no new version."""
    version = challenge.latest_version if latest else challenge.current_version
    if version is None:
        raise PackError(challenge.slug, "has no current version yet, only a draft")
    pack = placed_pack(challenge, version)
    target = Path(folder) / challenge.slug
    # A mutant deleted since an earlier export into the same folder would come back on import.
    for stale in sorted(target.glob("mutants/*.py")):
        if stale.stem not in pack.mutants:
            stale.unlink()
    return write_pack(pack, target)


def _move(items: list, item, offset: int, field: str) -> None:
    """Move *item* by *offset* places in *items* (kept within the ends), numbering them all from 1."""
    index = items.index(item)
    items.insert(max(0, min(len(items) - 1, index + offset)), items.pop(index))
    for position, each in enumerate(items, 1):
        if getattr(each, field) != position:
            setattr(each, field, position)
            each.save(update_fields=[field])


def track_move(*, track: Track, offset: int) -> None:
    """Move *track* up (negative) or down the list of tracks."""
    with transaction.atomic():
        _move(list(Track.objects.select_for_update()), track, offset, "position")


def challenge_set_track(*, challenge: Challenge, track: Track | None) -> bool:
    """The studio editor's choice: *challenge* joins *track* last, or leaves its track; whether it moved."""
    if challenge.track_id == (track.pk if track else None):
        return False
    position = (track.challenges.aggregate(n=Max("track_position"))["n"] or 0) + 1 if track else 0
    challenge.track, challenge.track_position = track, position
    challenge.save(update_fields=["track", "track_position", "updated"])
    return True


def challenge_move(*, challenge: Challenge, offset: int) -> None:
    """Move *challenge* up (negative) or down its track."""
    if challenge.track_id is None:
        return
    with transaction.atomic():
        members = list(
            Challenge.objects.select_for_update()
            .filter(track_id=challenge.track_id)
            .order_by("track_position", "title")
        )
        _move(members, challenge, offset, "track_position")
