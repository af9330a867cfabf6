"""Challenge packs out and in: export_challenges and import_challenges on the
command line, zip download and upload in the studio (``teacher`` and
``teacher_client`` come from studio/tests/conftest.py)."""

import io
import stat
import struct
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from challenges.models import Challenge, ChallengeVersion
from challenges.services import TRACKS_FILE, challenge_import_pack, challenge_save_draft, parse_tracks, placed_pack
from grader.engine.pack import load_pack
from studio.packs import MAX_ENTRIES

pytestmark = pytest.mark.django_db

SHIPPED = sorted(p.name for p in Path(settings.CHALLENGE_LIBRARY).iterdir() if (p / "challenge.toml").is_file())
UPLOAD_URL = "/studio/upload/"


def edited(pack, **changes):
    return type(pack)(**{**pack.__dict__, **changes})


def db_state() -> tuple:
    """Everything an upload may change, to check that a refused one changed nothing."""
    challenges = Challenge.objects.order_by("slug").values_list(
        "slug", "published", "current_version_id", "draft_version_id", "title"
    )
    return list(challenges), ChallengeVersion.objects.count()


def pack_files(slug: str = "softmax", folder: str | None = None) -> dict[str, bytes]:
    """The shipped pack's files, named as in a zip under *folder* (default: the slug)."""
    root = Path(settings.CHALLENGE_LIBRARY) / slug
    prefix = "" if folder == "" else f"{folder or slug}/"
    return {prefix + p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def make_zip(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(client, data: bytes, name: str = "packs.zip"):
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, data, content_type="application/zip")})


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# -- export_challenges / import_challenges -------------------------------------------------


def test_export_then_import_of_every_shipped_challenge_makes_no_new_version_and_loses_nothing(whole_library, tmp_path):
    call_command("export_challenges", "--out", str(tmp_path), stdout=io.StringIO())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*SHIPPED, TRACKS_FILE])
    library = Path(settings.CHALLENGE_LIBRARY)
    assert parse_tracks((tmp_path / TRACKS_FILE).read_text()) == parse_tracks((library / TRACKS_FILE).read_text())
    for slug in SHIPPED:
        original = load_pack(library / slug)
        exported = load_pack(tmp_path / slug)
        challenge = Challenge.objects.get(slug=slug)
        stored = placed_pack(challenge, challenge.current_version)
        for name, value in original.__dict__.items():
            assert getattr(exported, name) == value, (slug, name)
            assert getattr(stored, name) == value, (slug, name)
        assert exported.content_hash() == original.content_hash()
    before = db_state()
    out = io.StringIO()
    call_command("import_challenges", str(tmp_path), stdout=out)
    assert db_state() == before
    assert out.getvalue().count(": unchanged") == len(SHIPPED)


def test_export_writes_only_the_challenges_named(library, tmp_path):
    out = io.StringIO()
    call_command("export_challenges", "softmax", "batch-norm", "--out", str(tmp_path), stdout=out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batch-norm", "softmax", TRACKS_FILE]
    assert f"softmax: version 1 -> {tmp_path / 'softmax'}" in out.getvalue()


def test_export_of_an_unknown_slug_is_refused_naming_it_and_writes_nothing(library, tmp_path):
    with pytest.raises(CommandError, match="no challenge no-such-thing"):
        call_command("export_challenges", "softmax", "no-such-thing", "--out", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_export_takes_the_current_version_and_latest_takes_the_draft(softmax, tmp_path):
    pack = placed_pack(softmax, softmax.current_version)
    challenge_save_draft(pack=edited(pack, statement=pack.statement + "\nA draft hint.\n"))
    call_command("export_challenges", "softmax", "--out", str(tmp_path / "current"), stdout=io.StringIO())
    call_command("export_challenges", "softmax", "--latest", "--out", str(tmp_path / "latest"), stdout=io.StringIO())
    assert load_pack(tmp_path / "current" / "softmax") == pack
    assert load_pack(tmp_path / "latest" / "softmax").statement.endswith("A draft hint.\n")


def test_importing_an_exported_draft_makes_that_draft_current_without_a_new_version(softmax, tmp_path):
    pack = softmax.current_version.pack()
    challenge_save_draft(pack=edited(pack, statement=pack.statement + "\nA draft hint.\n"))
    draft = Challenge.objects.get(slug="softmax").draft_version
    call_command("export_challenges", "softmax", "--latest", "--out", str(tmp_path), stdout=io.StringIO())
    call_command("import_challenges", str(tmp_path), stdout=io.StringIO())
    softmax.refresh_from_db()
    assert softmax.current_version == draft
    assert softmax.draft_version is None
    assert softmax.versions.count() == 2


def test_importing_the_draft_content_through_the_service_reuses_the_draft(softmax):
    pack = edited(softmax.current_version.pack(), title="Softmax, stably")
    challenge_save_draft(pack=pack)
    challenge, changed = challenge_import_pack(pack=pack)
    assert changed
    assert (challenge.current_version.number, challenge.draft_version, challenge.title) == (2, None, "Softmax, stably")
    assert challenge.versions.count() == 2


def test_a_challenge_with_only_a_draft_is_skipped_unless_latest(library, tmp_path):
    pack = edited(load_pack(Path(settings.CHALLENGE_LIBRARY) / "softmax"), slug="softmax-two")
    challenge_save_draft(pack=pack)
    err = io.StringIO()
    call_command("export_challenges", "--out", str(tmp_path / "a"), stdout=io.StringIO(), stderr=err)
    assert "softmax-two: skipped, only a draft" in err.getvalue()
    assert not (tmp_path / "a" / "softmax-two").exists()
    with pytest.raises(CommandError, match="softmax-two has only a draft"):
        call_command("export_challenges", "softmax-two", "--out", str(tmp_path / "b"))
    call_command("export_challenges", "softmax-two", "--latest", "--out", str(tmp_path / "c"), stdout=io.StringIO())
    assert load_pack(tmp_path / "c" / "softmax-two") == pack


def test_exporting_over_an_earlier_export_drops_a_mutant_since_deleted(softmax, tmp_path):
    call_command("export_challenges", "softmax", "--out", str(tmp_path), stdout=io.StringIO())
    pack = softmax.current_version.pack()
    fewer = {k: v for k, v in pack.mutants.items() if k != "naive"}
    challenge_import_pack(pack=edited(pack, mutants=fewer))
    call_command("export_challenges", "softmax", "--out", str(tmp_path), stdout=io.StringIO())
    assert load_pack(tmp_path / "softmax").mutants == fewer


# -- zip download --------------------------------------------------------------------------


def test_download_is_a_zip_of_the_latest_version_as_a_pack_folder(softmax, teacher_client, tmp_path):
    pack = placed_pack(softmax, softmax.current_version)
    challenge_save_draft(pack=edited(pack, takeaways="Subtract the max.\n"))
    response = teacher_client.get("/studio/softmax/export.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="softmax.zip"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path)
    expected = {"challenge.toml", "statement.md", "starter.py", "solution.py", "tests.py", "takeaways.md", "hints.md"}
    assert set(names) == {f"softmax/{n}" for n in expected} | {f"softmax/mutants/{m}.py" for m in pack.mutants}
    assert load_pack(tmp_path / "softmax") == edited(pack, takeaways="Subtract the max.\n")


def test_the_same_content_downloads_as_the_same_bytes(softmax, teacher_client):
    first = teacher_client.get("/studio/softmax/export.zip").content
    assert teacher_client.get("/studio/softmax/export.zip").content == first


def test_download_of_an_unknown_slug_is_404(library, teacher_client):
    assert teacher_client.get("/studio/no-such-thing/export.zip").status_code == 404


# -- zip upload ----------------------------------------------------------------------------


def test_the_upload_page_shows_a_file_form(teacher_client):
    response = teacher_client.get(UPLOAD_URL)
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert b'type="file"' in response.content
    assert b"csrfmiddlewaretoken" in response.content


def test_uploading_a_downloaded_zip_changes_nothing(softmax, teacher_client):
    data = teacher_client.get("/studio/softmax/export.zip").content
    before = db_state()
    response = upload(teacher_client, data, "softmax.zip")
    assert response.status_code == 302
    assert response["Location"] == "/studio/"
    assert messages_of(response) == ["softmax: unchanged"]
    assert db_state() == before


def test_uploading_the_published_content_over_a_draft_says_the_draft_was_set_aside(softmax, teacher_client):
    pack = softmax.current_version.pack()
    challenge_save_draft(pack=edited(pack, statement=pack.statement + "\nA draft hint.\n"))
    response = upload(teacher_client, make_zip(pack_files("softmax")), "softmax.zip")
    assert messages_of(response) == [
        "softmax: the published version again: draft version 2 set aside (still in the history)"
    ]
    softmax.refresh_from_db()
    assert softmax.draft_version is None and softmax.versions.count() == 2


def test_uploading_an_edited_pack_saves_a_draft_that_learners_do_not_get(softmax, teacher_client, teacher, bob):
    files = pack_files("softmax")
    files["softmax/statement.md"] += b"\nAn uploaded hint.\n"
    response = upload(teacher_client, make_zip(files))
    assert response["Location"] == "/studio/"
    assert messages_of(response) == ["softmax: new draft version 2"]
    softmax.refresh_from_db()
    assert softmax.current_version.number == 1
    assert softmax.draft_version.number == 2
    assert softmax.draft_version.statement.endswith("An uploaded hint.\n")
    assert softmax.draft_version.author == teacher
    learner = Client()
    learner.force_login(bob)
    page = learner.get("/challenges/softmax/")
    assert page.status_code == 200
    assert b"An uploaded hint." not in page.content


def test_a_pack_at_the_zip_root_is_accepted(softmax, teacher_client):
    files = pack_files("softmax", folder="")
    files["takeaways.md"] = b"Rooted.\n"
    response = upload(teacher_client, make_zip(files), "softmax.zip")
    assert messages_of(response) == ["softmax: new draft version 2"]


def test_an_upload_of_several_packs_saves_each(library, teacher_client):
    files = pack_files("softmax") | pack_files("batch-norm")
    files["batch-norm/statement.md"] += b"\nEdited.\n"
    response = upload(teacher_client, make_zip(files))
    assert sorted(messages_of(response)) == ["batch-norm: new draft version 2", "softmax: unchanged"]


def test_a_new_slug_makes_an_unpublished_challenge(library, teacher_client):
    response = upload(teacher_client, make_zip(_renamed("softmax", "softmax-again")))
    assert messages_of(response) == ["softmax-again: new draft version 1"]
    challenge = Challenge.objects.get(slug="softmax-again")
    assert not challenge.published
    assert challenge.current_version is None
    assert challenge.draft_version.number == 1


def _patched(data: bytes, signature: bytes, offset: int, fmt: str, value) -> bytes:
    """*data* with a field of every zip header starting with *signature* set to *value*."""
    out, start = bytearray(data), 0
    while (start := data.find(signature, start)) != -1:
        struct.pack_into(fmt, out, start + offset, value(struct.unpack_from(fmt, data, start + offset)[0]))
        start += 4
    return bytes(out)


def _encrypted() -> bytes:
    data = make_zip(pack_files("softmax"))
    data = _patched(data, b"PK\x03\x04", 6, "<H", lambda f: f | 1)  # local headers' flag bits
    return _patched(data, b"PK\x01\x02", 8, "<H", lambda f: f | 1)  # central directory's


def _lying_size() -> bytes:
    files = pack_files("softmax")
    files["softmax/statement.md"] = b"x" * 600_000
    data = make_zip(files)
    small = lambda size: 10 if size == 600_000 else size  # noqa: E731
    return _patched(_patched(data, b"PK\x03\x04", 22, "<I", small), b"PK\x01\x02", 24, "<I", small)


def _symlink() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in pack_files("softmax").items():
            archive.writestr(name, data)
        link = zipfile.ZipInfo("softmax/mutants/link.py")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def _with(raw: bool = False, **changes) -> bytes | dict:
    """The softmax pack zipped (or its files, *raw*) with files replaced, or removed (None)."""
    files = pack_files("softmax")
    for name, data in changes.items():
        if data is None:
            del files[f"softmax/{name}"]
        else:
            files[f"softmax/{name}"] = data
    return files if raw else make_zip(files)


def _renamed(slug: str, new_slug: str) -> dict[str, bytes]:
    """The shipped pack *slug* as a new challenge *new_slug*, in folder *new_slug*/."""
    files = pack_files(slug, folder=new_slug)
    toml = f"{new_slug}/challenge.toml"
    files[toml] = files[toml].replace(f'slug = "{slug}"'.encode(), f'slug = "{new_slug}"'.encode())
    return files


MALFORMED = {
    "not a zip": (lambda: b"just some text\n", "notes.txt", "notes.txt: is not a zip file"),
    "zip slip": (lambda: make_zip({**pack_files(), "softmax/../../evil.py": "x = 1\n"}), "p.zip",
                 "softmax/../../evil.py: has a path with '..'"),
    "absolute path": (lambda: make_zip({**pack_files(), "/tmp/evil.py": "x = 1\n"}), "p.zip",
                      "/tmp/evil.py: has an absolute or Windows-style path"),
    "symlink": (_symlink, "p.zip", "softmax/mutants/link.py: is a symbolic link"),
    "encrypted": (_encrypted, "p.zip", "softmax/challenge.toml: is encrypted"),
    "file too large": (lambda: _with(**{"statement.md": b"x" * 600_000}), "p.zip",
                       "softmax/statement.md: is larger than 512 KB uncompressed"),
    "size header lies": (_lying_size, "p.zip", "softmax/statement.md: "),
    "total too large": (lambda: make_zip({**pack_files(), **{f"softmax/big{i}.md": b"x" * 500_000 for i in range(5)}}),
                        "p.zip", "softmax/big4.md: takes the files past 2 MB uncompressed in all"),
    "too many files": (lambda: make_zip({**pack_files(), **{f"softmax/n{i}.txt": "" for i in range(MAX_ENTRIES)}}),
                       "big.zip", f"big.zip: holds {MAX_ENTRIES + len(pack_files())} entries, more than {MAX_ENTRIES}"),
    "no pack": (lambda: make_zip({"notes/readme.md": "hello"}), "stuff.zip", "stuff.zip: holds no challenge pack"),
    "missing statement.md": (lambda: _with(**{"statement.md": None}), "p.zip", "softmax/statement.md: missing file"),
    "bad TOML": (lambda: _with(**{"challenge.toml": b'slug = "softmax\n'}), "p.zip",
                 "softmax/challenge.toml: not valid TOML"),
    "tests syntax error": (lambda: _with(**{"tests.py": b"def test_x(learner)\n    pass\n"}), "p.zip",
                           "softmax/tests.py: syntax error on line 1"),
    "unknown fixture": (lambda: _with(**{"tests.py": b"from grader.engine.testing import sample\n\n@sample\n"
                                                      b"def test_x(learner, tmp_path):\n    pass\n"}), "p.zip",
                        "softmax/tests.py: test_x() asks for unknown fixture 'tmp_path'"),
    "reserved slug": (lambda: make_zip({k.replace("softmax/", "up/"): v.replace(b'slug = "softmax"', b'slug = "upload"')
                                        for k, v in pack_files().items()}), "p.zip",
                      "up/challenge.toml: slug 'upload' is reserved"),
    "one slug twice": (lambda: make_zip(pack_files() | pack_files(folder="copy")), "p.zip",
                       "softmax/challenge.toml: slug 'softmax' is also the slug of copy/challenge.toml"),
    "one bad pack among good": (
        lambda: make_zip({**_renamed("batch-norm", "new-one"), **_with(**{"starter.py": b"def softmax(:\n"}, raw=True)}),
        "p.zip", "softmax/starter.py: syntax error on line 1"),
}  # fmt: skip


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_upload_is_refused_naming_the_file_and_changes_nothing(softmax, teacher_client, case):
    make, name, expected = MALFORMED[case]
    before = db_state()
    response = upload(teacher_client, make(), name)
    assert response.status_code == 400
    assert response.templates[0].name == "studio/upload.html"
    [error] = response.context["form"].errors["file"]
    assert error.startswith(expected), error
    assert "/tmp" not in error.replace("/tmp/evil.py", "")  # named as in the zip, not where it was extracted
    assert db_state() == before


def test_a_file_over_the_upload_limit_is_refused_before_it_is_opened(softmax, teacher_client, settings):
    before = db_state()
    response = upload(teacher_client, b"\0" * (4 * 1024 * 1024 + 1), "huge.zip")
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["huge.zip: larger than 4 MB"]
    assert db_state() == before


def test_a_failure_while_saving_saves_no_pack(library, teacher, monkeypatch):
    from studio import packs

    saved = []

    def save_then_fail(**kwargs):
        if saved:
            raise RuntimeError("the database went away")
        saved.append(kwargs["pack"].slug)
        return challenge_save_draft(**kwargs)

    monkeypatch.setattr(packs, "challenge_save_draft", save_then_fail)
    files = {**_renamed("softmax", "aa-new"), **_renamed("batch-norm", "bb-new")}
    with pytest.raises(RuntimeError):
        packs.packs_upload(upload=io.BytesIO(make_zip(files)), upload_name="p.zip", author=teacher)
    assert saved == ["aa-new"]
    assert not Challenge.objects.filter(slug__in=["aa-new", "bb-new"]).exists()


def test_nothing_is_left_behind_outside_the_upload(softmax, teacher_client, tmp_path):
    target = Path(settings.BASE_DIR) / "evil.py"
    assert not target.exists()
    upload(teacher_client, make_zip({**pack_files(), "softmax/../../evil.py": "x = 1\n"}))
    assert not target.exists()


# -- access --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [UPLOAD_URL, "/studio/softmax/export.zip"])
def test_learners_get_403_and_visitors_the_login_page(softmax, client, alice, path):
    assert "/login/" in client.get(path)["Location"]
    client.force_login(alice)
    assert client.get(path).status_code == 403
    before = db_state()
    assert upload(client, make_zip(pack_files())).status_code == 403
    assert db_state() == before


def test_an_upload_without_a_csrf_token_is_refused(softmax, teacher):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    files = pack_files()
    files["softmax/takeaways.md"] = b"Changed.\n"
    before = db_state()
    assert upload(client, make_zip(files)).status_code == 403
    assert db_state() == before
