"""/gradebook/export.csv and /gradebook/submissions.csv: streamed, spreadsheet-safe."""

import csv
import io

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gradebook.exports import csv_cell
from gradebook.tests.conftest import T0, make_submission
from grader.models import Submission

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_gradebook_export_has_a_row_per_learner_and_a_column_per_challenge(teacher_client, classroom):
    response = teacher_client.get(reverse("gradebook:export"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="gradebook-')
    header, *rows = read_csv(response)
    assert header[:7] == ["username", "first_name", "last_name", "email", "total_points", "out_of_700", "solved"]
    assert sorted(header[7:]) == [
        "batch-norm",
        "cosine-similarity",
        "cross-entropy",
        "softmax",
        "softmax-gradient-step",
    ]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert list(by_name) == ["alice", "bob", "carol"]
    assert by_name["alice"]["total_points"] == "137.5" and by_name["alice"]["solved"] == "1"
    assert (by_name["alice"]["softmax"], by_name["alice"]["cross-entropy"], by_name["alice"]["batch-norm"]) == (
        "1.0", "0.25", "",
    )  # fmt: skip
    assert by_name["bob"]["softmax"] == "0.75" and by_name["carol"]["total_points"] == "0.0"
    assert (by_name["carol"]["first_name"], by_name["carol"]["last_name"]) == ("Carol", "Smith")


def test_the_gradebook_export_is_filtered_like_the_page(teacher_client, classroom):
    header, *rows = read_csv(teacher_client.get(reverse("gradebook:export"), {"q": "ali", "tag": "losses"}))
    assert header[5:] == ["out_of_150", "solved", "cross-entropy"]
    assert rows == [["alice", "", "", "alice@example.com", "37.5", "150", "0", "0.25"]]


def test_the_gradebook_export_streams_in_chunks_of_learners(teacher_client, classroom, monkeypatch):
    monkeypatch.setattr("gradebook.selectors.CHUNK_SIZE", 2)
    rows = read_csv(teacher_client.get(reverse("gradebook:export")))
    assert [r[0] for r in rows[1:]] == ["alice", "bob", "carol"]
    assert rows[1][4] == "137.5" and rows[3][4] == "0.0"  # carol's chunk has its own scores query


def test_learner_supplied_text_cannot_become_a_formula(teacher_client, classroom, django_user_model):
    django_user_model.objects.create_user(
        "@evil", first_name='=HYPERLINK("http://x")', last_name="+1", email="-2@example.com"
    )
    _, *rows = read_csv(teacher_client.get(reverse("gradebook:export")))
    evil = next(r for r in rows if r[0].endswith("evil"))
    assert evil[:4] == ["'@evil", '\'=HYPERLINK("http://x")', "'+1", "'-2@example.com"]


def test_csv_cells_quote_formulas_and_write_utc_times():
    assert [csv_cell(v) for v in ("=1+1", "+1", "-1", "@A1", "\t=1", "safe", None, 0.5)] == [
        "'=1+1", "'+1", "'-1", "'@A1", "'\t=1", "safe", "", 0.5,
    ]  # fmt: skip
    assert csv_cell(T0) == "2025-03-01 09:00:00"


def test_the_submissions_export_has_a_row_per_submission_without_previews(teacher_client, classroom):
    header, *rows = read_csv(teacher_client.get(reverse("gradebook:submissions_export")))
    assert header == [
        "id", "user", "challenge", "version", "kind", "status", "verdict", "score", "created_utc", "duration_ms",
    ]  # fmt: skip
    expected = Submission.objects.filter(preview=False).count()
    assert len(rows) == expected == Submission.objects.count() - 1
    first = Submission.objects.filter(preview=False).order_by("pk").first()
    assert rows[0] == [
        str(first.pk), "alice", "softmax", "1", "submit", "done", "failed", "0.5", "2025-03-01 09:00:00", "12.5",
    ]  # fmt: skip
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), key=int)


def test_the_submissions_export_can_hold_one_challenge(teacher_client, classroom):
    _, *rows = read_csv(teacher_client.get(reverse("gradebook:submissions_export"), {"challenge": "cross-entropy"}))
    assert [(r[1], r[2], r[6]) for r in rows] == [("alice", "cross-entropy", "failed")]
    assert teacher_client.get(reverse("gradebook:submissions_export"), {"challenge": "nope"}).status_code == 404


def test_the_submissions_export_reads_nothing_until_it_is_streamed(teacher_client, classroom):
    expected = Submission.objects.filter(preview=False).count()
    response = teacher_client.get(reverse("gradebook:submissions_export"))
    with CaptureQueriesContext(connection) as queries:
        lines = iter(response.streaming_content)
        assert next(lines).startswith(b"id,user,")
    assert len(queries) == 0  # the header goes out before any row is read
    with CaptureQueriesContext(connection) as queries:
        assert len(list(lines)) == expected
    assert len(queries) == 1  # one cursor, read chunk by chunk


def test_the_submissions_export_quotes_formulas_in_usernames(teacher_client, classroom, django_user_model):
    make_submission(django_user_model.objects.create_user("+cmd"), classroom.softmax)
    _, *rows = read_csv(teacher_client.get(reverse("gradebook:submissions_export")))
    assert rows[-1][1] == "'+cmd"
