"""Writes to challenges: importing packs makes versions, idempotently."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from django.db import transaction
from django.db.models import Max

from challenges.models import Challenge, ChallengeVersion
from grader.engine.pack import Pack, PackError, load_pack, write_pack


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
    slugs = [p.slug for p in packs]
    duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicates:
        raise PackError(", ".join(map(str, paths)), f"slug {duplicates[0]!r} appears in more than one pack")
    with transaction.atomic():
        return [challenge_import_pack(pack=p, author=author, publish=publish) for p in packs]


def challenge_export(*, challenge: Challenge, folder: str | Path, latest: bool = False) -> Path:
    """Write *challenge* as the pack folder *folder*/<slug>/: its current version,
    or with *latest* its unpublished draft when it has one. ``import_challenges``
    reads the folder back to the same content, so it makes no new version."""
    version = challenge.latest_version if latest else challenge.current_version
    if version is None:
        raise PackError(challenge.slug, "has no current version yet, only a draft")
    pack = version.pack()
    target = Path(folder) / challenge.slug
    # A mutant deleted since an earlier export into the same folder would come back on import.
    for stale in sorted(target.glob("mutants/*.py")):
        if stale.stem not in pack.mutants:
            stale.unlink()
    return write_pack(pack, target)
