"""Challenge packs as zip files: a download of one pack, and an upload of one
or more packs saved as drafts, all or nothing.

An upload comes from a browser, so the zip is distrusted until extracted: no
path may leave the folder, no link or special file, no encryption, and sizes
are checked on the bytes actually read, not the sizes the headers claim. Its
tests module then runs on the trusted side when the pack loads, which is
acceptable only because only instructors may upload.
"""

from __future__ import annotations

import io
import re
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path

from django.db import transaction

from challenges.models import ChallengeVersion
from challenges.services import SavedDraft, challenge_save_draft, pack_folders, placed_pack
from grader.engine.pack import Pack, PackError, load_pack, write_pack
from studio.forms import RESERVED_SLUGS

MAX_UPLOAD_BYTES = 4 * 1024 * 1024  # the zip itself
MAX_ENTRIES = 200
MAX_FILE_BYTES = 512 * 1024  # one file, uncompressed
MAX_TOTAL_BYTES = 2 * 1024 * 1024  # all files, uncompressed

# A fixed timestamp, so the same content always downloads as the same bytes.
_EPOCH = (1980, 1, 1, 0, 0, 0)
_DRIVE = re.compile(r"^[A-Za-z]:")
_JUNK = {"__MACOSX", ".DS_Store"}  # what macOS's Compress adds


def version_zip(version: ChallengeVersion) -> bytes:
    """A zip of *version* as the pack folder ``<slug>/``, as export_challenges writes it."""
    slug = version.challenge.slug
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        folder = write_pack(placed_pack(version.challenge, version), Path(tmp) / slug)
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(tmp).as_posix(), date_time=_EPOCH)
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def _size(n: int) -> str:
    return f"{n // 1024} KB" if n < 1024 * 1024 else f"{n / (1024 * 1024):g} MB"


def _entry_parts(info: zipfile.ZipInfo) -> list[str]:
    """The path of an entry as safe parts, or PackError naming it."""
    name = info.filename
    if info.flag_bits & 0x1:
        raise PackError(name, "is encrypted; upload a zip without a password")
    if name.startswith("/") or _DRIVE.match(name) or "\\" in name:
        raise PackError(name, "has an absolute or Windows-style path; paths must be relative, with '/'")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise PackError(name, "has a path with '..', which would leave the pack's folder")
    kind = stat.S_IFMT(info.external_attr >> 16)  # Unix file type; 0 when the zip does not say
    if kind == stat.S_IFLNK:
        raise PackError(name, "is a symbolic link; packs hold only plain files")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise PackError(name, "is not a plain file or folder")
    return parts


def extract_zip(upload, folder: Path, upload_name: str) -> None:
    """Extract the zip *upload* into the empty *folder*; PackError names the
    entry at fault as it is named inside the zip."""
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise PackError(upload_name, "is not a zip file") from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise PackError(upload_name, f"holds {len(entries)} entries, more than {MAX_ENTRIES}")
        seen, total = set(), 0
        for info in entries:
            parts = _entry_parts(info)
            if not parts or _JUNK & set(parts):
                continue
            key = "/".join(parts)
            if key in seen:
                raise PackError(info.filename, "appears twice in the zip")
            seen.add(key)
            target = folder.joinpath(*parts)
            if info.is_dir():
                _write(info, target, None)
                continue
            if info.file_size > MAX_FILE_BYTES:
                raise PackError(info.filename, f"is larger than {_size(MAX_FILE_BYTES)} uncompressed")
            try:
                with archive.open(info) as source:
                    data = source.read(MAX_FILE_BYTES + 1)  # the header's size may lie
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError) as exc:
                raise PackError(info.filename, f"cannot be read from the zip ({exc})") from exc
            if len(data) > MAX_FILE_BYTES:
                raise PackError(info.filename, f"is larger than {_size(MAX_FILE_BYTES)} uncompressed")
            total += len(data)
            if total > MAX_TOTAL_BYTES:
                raise PackError(info.filename, f"takes the files past {_size(MAX_TOTAL_BYTES)} uncompressed in all")
            _write(info, target, data)


def _write(info: zipfile.ZipInfo, target: Path, data: bytes | None) -> None:
    """A folder when *data* is None, else a new file: never through an existing one."""
    try:
        if data is None:
            target.mkdir(parents=True, exist_ok=True)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as out:
            out.write(data)
    except OSError as exc:
        raise PackError(info.filename, f"cannot be extracted ({exc.strerror})") from exc


def _named_as_in_zip(exc: PackError, folder: Path, upload_name: str) -> PackError:
    """The same error with the temporary folder's path replaced by names inside the zip."""
    root = str(folder)

    def inside(text: str) -> str:
        return text.replace(root + "/", "").replace(root, upload_name)

    return PackError(inside(exc.file), inside(exc.problem))


def packs_from_zip(upload, upload_name: str) -> list[Pack]:
    """Every pack in the zip: one at its root, or pack folders one level down."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        extract_zip(upload, folder, upload_name)
        try:
            packs = [(sub, load_pack(sub)) for sub in pack_folders(folder)]
        except PackError as exc:
            raise _named_as_in_zip(exc, folder, upload_name) from exc
        seen: dict[str, str] = {}
        for sub, pack in packs:
            rel = sub.relative_to(folder).as_posix()
            where = "challenge.toml" if rel == "." else f"{rel}/challenge.toml"
            if pack.slug in RESERVED_SLUGS:
                raise PackError(where, f"slug {pack.slug!r} is reserved for a studio page; choose another")
            if pack.slug in seen:
                raise PackError(where, f"slug {pack.slug!r} is also the slug of {seen[pack.slug]}")
            seen[pack.slug] = where
    return [pack for _, pack in packs]


def packs_upload(*, upload, upload_name: str, author) -> list[SavedDraft]:
    """Save every pack in the zip as its challenge's draft, all or nothing.
    Returns what each save did; learners keep what they get."""
    packs = packs_from_zip(upload, upload_name)
    note = f"uploaded as {upload_name}"[:200]
    with transaction.atomic():
        return [challenge_save_draft(pack=p, author=author, change_note=note) for p in packs]
