"""What the API answers with: these shapes are the OpenAPI schema's."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema


class Error(Schema):
    detail: str


class Refused(Error):
    in_flight: int | None = None  # the grading of yours still going, which a client can follow instead


class Me(Schema):
    username: str
    token: str
    scopes: list[str]


class ChallengeItem(Schema):
    slug: str
    title: str
    difficulty: str
    tags: list[str]
    points: int
    track: str | None
    status: str  # solved, attempted, new
    best_score: float | None
    attempts: int
    url: str


class TrackItem(Schema):
    slug: str
    title: str
    description: str
    challenges: list[str]  # slugs, in the track's order


class SampleTest(Schema):
    name: str
    source: str


class ChallengeDetail(Schema):
    slug: str
    title: str
    difficulty: str
    tags: list[str]
    functions: list[str]
    points: int
    limits: dict
    version: int
    track: str | None
    statement: str  # Markdown with $math$
    starter: str
    sample_tests: list[SampleTest]
    url: str


class CodeIn(Schema):
    code: str


class TestRow(Schema):
    name: str
    status: str
    hidden: bool
    message: str
    duration_ms: float | None


class SubmissionItem(Schema):
    id: int
    challenge: str
    kind: str
    status: str
    verdict: str
    score: float | None
    duration_ms: float | None
    created: datetime
    url: str


class Result(SubmissionItem):
    final: bool
    position: int | None  # in the queue, while queued
    poll_ms: int | None  # when to ask again, while not final
    tests: list[TestRow]
    stdout: str
    error: str
    error_line: int | None


class CourseItem(Schema):
    id: int
    title: str
    term: str
    role: str


class GradebookChallenge(Schema):
    slug: str
    points: int


class GradebookAssignment(Schema):
    id: int
    title: str
    opens: datetime
    due: datetime
    closes: datetime | None
    opened: bool
    points: int
    challenges: list[GradebookChallenge]


class GradebookCell(Schema):
    challenge: str
    status: str
    score: float | None  # the course score, 0..1: the best counted Submit's score x its late factor
    days_late: int | None
    submission: int | None  # the Submit that counts


class GradebookScore(Schema):
    assignment: int
    percent: float | None  # None: not open yet
    cells: list[GradebookCell]


class GradebookRow(Schema):
    username: str
    email: str
    full_name: str
    total_percent: float | None
    assignments: list[GradebookScore]


class Gradebook(Schema):
    course: CourseItem
    assignments: list[GradebookAssignment]
    learners: list[GradebookRow]
