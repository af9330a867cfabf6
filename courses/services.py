"""Writes for courses: creating and editing them, who is in them (joining,
leaving, removal, roles, roster imports), assignments and extensions; and the
one check the grader asks before storing a Submit (``submit_refusal``).

Permissions are the views' (``courses.selectors.course_access``); these
functions refuse only what is wrong whoever asks: the last instructor leaving,
a join code that does not match, a roster with an error in it.
"""

from __future__ import annotations

import csv
import io
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from itertools import combinations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from challenges.models import Challenge, ChallengeVersion
from courses import similarity
from courses.models import (
    Assignment,
    AssignmentChallenge,
    Course,
    Extension,
    Membership,
    SimilarityPair,
    SimilarityRun,
)
from courses.rules import effective_dates
from courses.selectors import course_for_code, final_submits
from courses.templatetags.courses_tags import local_text
from grader.services import requeue_lost

Role = Membership.Role
log = logging.getLogger(__name__)


class CourseRefused(Exception):
    """A change the instructor or learner can fix; the message says how."""


# --- courses and join codes -----------------------------------------------------

# No 0/O, 1/I/L: codes are read aloud and typed from a slide.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # 31**10, about 2**50: not guessed by trying


def join_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def course_create(*, user, title: str, term: str = "", description: str = "", now: datetime) -> Course:
    """A new course with *user* as its first instructor."""
    with transaction.atomic():
        course = Course.objects.create(
            title=title, term=term, description=description, join_code=join_code_new(), created_by=user
        )
        Membership.objects.create(course=course, user=user, role=Role.INSTRUCTOR, joined=now)
    return course


def course_rotate_code(*, course: Course) -> str:
    """A new join code: invite links and codes given out before stop working."""
    course.join_code = join_code_new()
    course.save(update_fields=["join_code"])
    return course.join_code


def course_set_joining(*, course: Course, open: bool) -> None:
    course.joining_open = open
    course.save(update_fields=["joining_open"])


# --- membership -------------------------------------------------------------------


def _enrol(*, course: Course, user, role: str, now: datetime) -> Membership:
    return Membership.objects.create(course=course, user=user, role=role, joined=now)


def course_join(*, user, code: str, now: datetime) -> tuple[Membership, bool]:
    """Join the course whose code is *code* as a learner: (the membership, whether
    it is new). Joining twice is harmless; a closed course, a code rotated away and
    a learner an instructor removed are refused (an instructor may add them back)."""
    course = course_for_code(code)
    if course is None:
        raise CourseRefused("No course has this join code. It may have been changed: ask your instructor.")
    current = Membership.objects.filter(course=course, user=user, left=None).first()
    if current is not None:
        return current, False
    if not course.joining_open:
        raise CourseRefused(f"{course} is not taking new members now. Ask your instructor.")
    last = Membership.objects.filter(course=course, user=user).order_by("-joined", "-pk").first()
    if last is not None and last.removed_by_id is not None:
        raise CourseRefused(f"You were removed from {course}; only its instructors can add you again.")
    try:
        with transaction.atomic():
            return _enrol(course=course, user=user, role=Role.LEARNER, now=now), True
    except IntegrityError:  # a second quick join made it first (one_active_membership)
        return Membership.objects.get(course=course, user=user, left=None), False


def _last_instructor(membership: Membership) -> bool:
    if membership.role != Role.INSTRUCTOR:
        return False
    others = Membership.objects.filter(course_id=membership.course_id, role=Role.INSTRUCTOR, left=None)
    return not others.exclude(pk=membership.pk).exists()


def membership_end(*, membership: Membership, by=None, now: datetime) -> None:
    """End a stint: the member leaves (*by* None) or is removed by *by*. The row
    stays, with its dates, and so do their Submits; the course stops showing."""
    if membership.left is not None:
        return
    if _last_instructor(membership):
        raise CourseRefused("A course keeps at least one instructor: make someone else an instructor first.")
    membership.left, membership.removed_by = now, by
    membership.save(update_fields=["left", "removed_by"])


def membership_set_role(*, membership: Membership, role: str) -> None:
    if role not in Role.values:
        raise CourseRefused(f"No such role: {role!r}.")
    if membership.left is not None:
        raise CourseRefused(f"{membership.user} has left the course.")
    if role != Role.INSTRUCTOR and _last_instructor(membership):
        raise CourseRefused("A course keeps at least one instructor: make someone else an instructor first.")
    membership.role = role
    membership.save(update_fields=["role"])


# --- roster import ----------------------------------------------------------------

ROSTER_MAX_ROWS = 2000
ROLE_WORDS = {"": Role.LEARNER, "learner": Role.LEARNER, "student": Role.LEARNER, "ta": Role.TA,
              "teaching assistant": Role.TA, "instructor": Role.INSTRUCTOR}  # fmt: skip
HEADER_WORDS = {"username", "user", "email", "e-mail", "login", "name"}


@dataclass
class RosterRow:
    line: int
    who: str  # as written: a username or an email address
    role: str = Role.LEARNER
    user: object = None
    error: str = ""
    member_as: str = ""  # already a current member, in this role: nothing to do

    @property
    def adds(self) -> bool:
        return not self.error and not self.member_as


@dataclass
class Roster:
    rows: list[RosterRow] = field(default_factory=list)
    error: str = ""  # the file as a whole

    @property
    def errors(self) -> int:
        return sum(bool(r.error) for r in self.rows) + bool(self.error)

    @property
    def additions(self) -> list[RosterRow]:
        return [r for r in self.rows if r.adds]


def _find_user(who: str, users) -> tuple[object, str]:
    """(the user, "") or (None, why not)."""
    field_name = "email" if "@" in who else "username"
    found = list(users.filter(**{field_name: who})[:2]) or list(users.filter(**{f"{field_name}__iexact": who})[:2])
    if not found:
        return None, f"No account has the {field_name} {who!r}."
    if len(found) > 1:
        return None, f"More than one account has the {field_name} {who!r}: use the username."
    if not found[0].is_active:
        return None, f"The account {found[0].username!r} is deactivated."
    return found[0], ""


def roster_read(*, course: Course, text: str) -> Roster:
    """Check a roster: one person a line, by username or email, and optionally a
    role (learner, ta, instructor) after a comma. A first line of column names
    is skipped. Every problem is found, each on its row; nothing is written."""
    roster = Roster()
    rows = [(n, cells) for n, cells in enumerate(csv.reader(io.StringIO(text)), 1) if any(c.strip() for c in cells)]
    if rows and rows[0][1][0].strip().lower() in HEADER_WORDS:
        rows = rows[1:]
    if not rows:
        roster.error = "The file names nobody: put one username or email address on each line."
        return roster
    if len(rows) > ROSTER_MAX_ROWS:
        roster.error = f"The file has {len(rows)} rows; at most {ROSTER_MAX_ROWS} are read at once."
        return roster
    users = get_user_model().objects.all()
    members = dict(Membership.objects.filter(course=course, left=None).values_list("user_id", "role"))
    seen: dict[int, int] = {}
    for line, cells in rows:
        row = RosterRow(line=line, who=cells[0].strip())
        roster.rows.append(row)
        role = cells[1].strip().lower() if len(cells) > 1 else ""
        if role not in ROLE_WORDS or len([c for c in cells[2:] if c.strip()]):
            row.error = f"Expected a username or email, then optionally learner, ta or instructor; got {cells!r}."
            continue
        row.role = ROLE_WORDS[role]
        row.user, row.error = _find_user(row.who, users)
        if row.user is None:
            continue
        if row.user.pk in seen:
            row.error = f"{row.user.username} is on line {seen[row.user.pk]} already."
        seen.setdefault(row.user.pk, line)
        row.member_as = members.get(row.user.pk, "")
    return roster


def roster_apply(*, course: Course, text: str, now: datetime) -> Roster:
    """Add everyone *text* names, all at once or not at all: the roster is read
    again (accounts may have changed since the preview), and any error refuses
    the whole of it, as does anyone joining meanwhile."""
    with transaction.atomic():
        roster = roster_read(course=course, text=text)
        if roster.errors:
            raise CourseRefused("Nobody was added: the roster has errors. Fix them and upload it again.")
        try:
            with transaction.atomic():
                for row in roster.additions:
                    _enrol(course=course, user=row.user, role=row.role, now=now)
        except IntegrityError as exc:  # one of them joined between our read and this write
            raise CourseRefused("Nobody was added: someone on the roster joined meanwhile. Upload it again.") from exc
    return roster


# --- assignments ------------------------------------------------------------------


def _assignment_fields(assignment: Assignment, fields: dict) -> None:
    for name in ("title", "opens", "due", "closes", "late_penalty_per_day", "late_floor"):
        setattr(assignment, name, fields[name])


def assignment_save(*, course: Course, fields: dict, challenges: list[Challenge], assignment=None) -> Assignment:
    """Create (*assignment* None, placed last) or update an assignment, with its
    challenges in the order given; challenges taken out lose no Submit."""
    with transaction.atomic():
        if assignment is None:
            last = Assignment.objects.filter(course=course).aggregate(last=Max("position"))["last"]
            assignment = Assignment(course=course, position=0 if last is None else last + 1)
        _assignment_fields(assignment, fields)
        assignment.save()
        assignment.items.exclude(challenge__in=challenges).delete()
        kept = {i.challenge_id: i for i in assignment.items.all()}
        for position, challenge in enumerate(challenges):
            item = kept.get(challenge.pk) or AssignmentChallenge(assignment=assignment, challenge=challenge)
            if item.pk is None or item.position != position:
                item.position = position
                item.save()
    return assignment


def assignment_move(*, assignment: Assignment, step: int) -> None:
    """Move *assignment* *step* places (-1: up, 1: down) in its course's order."""
    with transaction.atomic():
        order = list(Assignment.objects.select_for_update().filter(course_id=assignment.course_id))
        ids = [a.pk for a in order]
        at = ids.index(assignment.pk)
        to = max(0, min(len(ids) - 1, at + step))
        ids.insert(to, ids.pop(at))
        for a in order:
            a.position = ids.index(a.pk)
        Assignment.objects.bulk_update(order, ["position"])


def extension_grant(*, assignment: Assignment, user, due: datetime, closes: datetime | None) -> Extension:
    """Give *user* their own due (and hard close) on *assignment*; a second grant replaces the first."""
    if due < assignment.opens:
        raise CourseRefused("An extension's due time is after the assignment opens.")
    if closes is not None and closes < due:
        raise CourseRefused("An extension's hard close is no earlier than its due time.")
    extension, _ = Extension.objects.update_or_create(
        assignment=assignment, user=user, defaults={"due": due, "closes": closes}
    )
    return extension


def extension_revoke(*, extension: Extension) -> None:
    """Withdraw an extension: the assignment's dates apply to the learner again."""
    extension.delete()


# --- similarity checks ------------------------------------------------------------------

SIMILARITY_THRESHOLD = 0.5  # the default: half of a learner's own code found in another's
Run = SimilarityRun.Status


def similarity_request(*, assignment: Assignment, challenge: Challenge, user, threshold: float) -> SimilarityRun:
    """Queue a similarity check of *challenge* in *assignment*; one still queued
    or running is returned instead (whatever its threshold), not doubled."""
    from courses.tasks import similarity_check

    with transaction.atomic():
        Assignment.objects.select_for_update().filter(pk=assignment.pk).exists()  # one request at a time
        pending = SimilarityRun.objects.filter(
            assignment=assignment, challenge=challenge, status__in=[Run.QUEUED, Run.RUNNING]
        ).first()
        if pending is not None:
            return pending
        run = SimilarityRun.objects.create(
            assignment=assignment, challenge=challenge, requested_by=user, threshold=threshold
        )
        transaction.on_commit(partial(similarity_check.delay, run.pk))
    return run


class _TakenOver(Exception):
    """The sweeper handed the run to another worker meanwhile: this one stops."""


PROGRESS_STEPS = 50  # progress is written this many times in a run, not once a pair


def _similarity_pairs(run: SimilarityRun, mine: QuerySet) -> list[SimilarityPair]:
    submits = final_submits(assignment=run.assignment, challenge=run.challenge)
    versions = {s.version_id for s in submits} | {run.challenge.current_version_id}
    # the starter and reference of every version graded against: what all were given, or shown after
    excluded = similarity.boilerplate(
        code for pair in ChallengeVersion.objects.filter(pk__in=versions).values_list("starter", "solution")
        for code in pair
    )  # fmt: skip
    prints = [similarity.fingerprint(s.code, excluded) for s in submits]
    total = len(submits) * (len(submits) - 1) // 2
    if not mine.update(learners=len(submits), total=total, compared=0):
        raise _TakenOver
    step, pairs = max(1, total // PROGRESS_STEPS), []
    for n, (i, j) in enumerate(combinations(range(len(submits)), 2), 1):
        match = similarity.compare(prints[i], prints[j], regions_from=run.threshold)
        if match.similarity >= run.threshold and match.similarity > 0:
            pairs.append(SimilarityPair(
                run=run, submission_a=submits[i], submission_b=submits[j], similarity=match.similarity,
                similarity_a=match.similarity_a, similarity_b=match.similarity_b,
                regions_a=[list(r) for r in match.regions_a], regions_b=[list(r) for r in match.regions_b],
            ))  # fmt: skip
        if n % step == 0 and not mine.update(compared=n):
            raise _TakenOver
    return pairs


def similarity_execute(*, run_id: int) -> SimilarityRun | None:
    """Compare the final Submits in pairs and store those alike. Safe to call
    twice; a failure is stored on the run (``failed``, its error), not raised."""
    claimed = SimilarityRun.objects.filter(pk=run_id, status=Run.QUEUED).update(
        status=Run.RUNNING, started=timezone.now(), attempts=F("attempts") + 1
    )
    if claimed != 1:
        return None
    run = SimilarityRun.objects.select_related("assignment__course", "challenge").get(pk=run_id)
    mine = SimilarityRun.objects.filter(pk=run_id, status=Run.RUNNING, attempts=run.attempts)
    try:
        pairs = _similarity_pairs(run, mine)
        with transaction.atomic():
            # locked until the commit: the sweeper cannot hand it on between the check and the store
            if not mine.select_for_update().exists():
                raise _TakenOver
            SimilarityPair.objects.bulk_create(pairs)
            mine.update(status=Run.DONE, compared=F("total"), finished=timezone.now())
    except _TakenOver:
        log.warning("similarity run %s: taken over while running; its pairs dropped", run_id)
        return None
    except (OperationalError, InterfaceError):
        raise  # the database is away: the task retries, the sweeper hands it on
    except Exception as exc:  # noqa: BLE001 - any fault ends the run with its reason, never a run left running
        log.exception("similarity run %s failed", run_id)
        mine.update(status=Run.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished=timezone.now())
    run.refresh_from_db()
    log.info("similarity run %s: %s, %d pairs listed of %d", run_id, run.status, run.pairs.count(), run.total)
    return run


def _similarity_give_up(rows: QuerySet[SimilarityRun]) -> int:
    error = f"gave up after {settings.GRADER_MAX_ATTEMPTS} attempts: each one stopped before the end"
    return rows.update(status=Run.FAILED, error=error, finished=timezone.now())


def similarity_sweep() -> dict[str, int]:
    """Re-enqueue similarity runs whose worker died or whose message was lost, or
    give up on them, like ``grader.services.submission_sweep``."""
    from courses.tasks import similarity_check

    now = timezone.now()
    lost = Q(status=Run.RUNNING, started__lt=now - timedelta(seconds=settings.GRADER_STUCK_RUNNING_SECONDS)) | Q(
        status=Run.QUEUED, enqueued__lt=now - timedelta(seconds=settings.GRADER_STUCK_QUEUED_SECONDS)
    )
    requeued, gave_up = requeue_lost(SimilarityRun, lost, similarity_check, now, give_up=_similarity_give_up)
    if requeued:
        log.warning("sweeper re-enqueued %d similarity runs", requeued)
    return {"similarity runs": requeued, "gave up": gave_up}


# --- the grader's question ------------------------------------------------------------


def submit_refusal(*, user, challenge: Challenge | int, now: datetime) -> str | None:
    """Why a Submit of *challenge* by *user* now is refused, or None to store it.

    The rule: look at the assignments holding the challenge in the courses
    *user* is a current learner of, those open already (an assignment not yet
    open is invisible, and blocks nothing). Refuse when there is at least one
    and every one of them is past its hard close for *user* (extensions
    counted): the Submit would count nowhere. Otherwise store it; it counts,
    late or not, for each assignment that accepts it (courses.selectors), and
    never changes the practice score. A challenge in no assignment of theirs,
    a former learner, staff and admins: never refused (plain practice).
    Run is never refused here: practice goes on after the close.
    """
    learning = Membership.objects.filter(user=user, role=Role.LEARNER, left=None).values("course_id")
    assignments = list(
        Assignment.objects.filter(course_id__in=learning, items__challenge=challenge, opens__lte=now).select_related(
            "course"
        )
    )
    if not assignments:  # the usual case: one query
        return None
    extensions = {e.assignment_id: e for e in Extension.objects.filter(user=user, assignment__in=assignments)}
    closed = []
    for assignment in assignments:
        dates = effective_dates(assignment, extensions.get(assignment.pk))
        if dates.accepts(now):
            return None
        closed.append((dates.closes, assignment))
    closes, last = max(closed, key=lambda pair: pair[0])
    return (
        f"“{last.title}” ({last.course}) closed at {local_text(closes)}: Submits of this challenge "
        "are no longer accepted. Run still works, for practice."
    )


def refuse_closed_submit(sender, *, user, challenge, now, **kwargs) -> str | None:
    """grader.services.submit_requested's receiver: submit_refusal's answer."""
    return submit_refusal(user=user, challenge=challenge, now=now)
