"""Streaming CSV responses that a spreadsheet opens safely."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import UTC, datetime

from django.http import StreamingHttpResponse

# A spreadsheet runs a cell that starts with one of these as a formula; a
# learner picks their own username and name, so theirs could be "=HYPERLINK(...)".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value as the csv module should write it: text that could be read as
    a formula is quoted with a leading apostrophe, times are UTC."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """A file whose write() hands the line back, for csv.writer to stream through."""

    def write(self, value: str) -> str:
        return value


def csv_response(rows: Iterable[Iterable], *, filename: str) -> StreamingHttpResponse:
    """Stream *rows* as they come: the response never holds the whole file."""
    writer = csv.writer(_Echo())
    lines = (writer.writerow([csv_cell(v) for v in row]) for row in rows)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # learners' scores: not for shared caches
    return response
