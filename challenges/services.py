"""Writes to challenges: importing packs makes versions, idempotently."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.db.models import Max

from challenges.models import Challenge, ChallengeVersion
from grader.engine.pack import Pack, PackError, load_pack


def challenge_import_pack(
    *, pack: Pack, author=None, change_note: str = "", publish: bool = True
) -> tuple[Challenge, bool]:
    """Create or update the challenge of *pack*. Returns (challenge, made a new version).

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
        last = challenge.versions.aggregate(n=Max("number"))["n"] or 0
        version = ChallengeVersion.objects.create(
            challenge=challenge, number=last + 1, author=author, change_note=change_note,
            **ChallengeVersion.fields_from_pack(pack),
        )  # fmt: skip
        challenge.current_version = version
        challenge.title, challenge.difficulty, challenge.tags = pack.title, pack.difficulty, list(pack.tags)
        challenge.save(update_fields=["current_version", "title", "difficulty", "tags", "updated"])
    return challenge, True


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
