"""Writes for LTI: what a validated launch does here (the user, the course, the
membership, the link), deep-linking responses, scores sent to the LMS
(Assignment and Grade Services) and roster syncs (Names and Role Provisioning).

The launch's token is checked before any of this runs (``lti.tool``); these
functions trust its claims and refuse only what we cannot do with them.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from challenges.models import Challenge
from courses.models import Assignment, Course, Membership
from courses.selectors import course_access
from courses.services import CourseRefused, join_code_new, membership_end, membership_set_role
from grader.models import Submission
from lti.models import LtiContext, LtiUser, Platform, ResourceLink, ScoreSync
from lti.selectors import link_score, may_review, review_learner, reviewable_links
from lti.tool import TimeoutSession, registration_for

log = logging.getLogger(__name__)
Role = Membership.Role

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
CONTEXT, RESOURCE_LINK, ROLES, CUSTOM = CLAIM + "context", CLAIM + "resource_link", CLAIM + "roles", CLAIM + "custom"
MESSAGE_TYPE, FOR_USER = CLAIM + "message_type", CLAIM + "for_user"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
LINEITEM_MAXIMUM = 100  # a column we make is out of 100; scores carry their own maximum, which the LMS scales
LIS = "http://purl.imsglobal.org/vocab/lis/v2/"


REVIEW = "LtiSubmissionReviewRequest"  # the LMS's gradebook opens one learner's work on a link
SUPPORTED_MESSAGES = ("LtiResourceLinkRequest", "LtiDeepLinkingRequest", REVIEW)
# messages pylti1p3 validates that we do not act on, as their refusal names them
UNSUPPORTED_MESSAGES = {"DataPrivacyLaunchRequest": "data privacy"}


class LaunchRefused(Exception):
    """A launch we will not act on; the message is for the person who clicked the link."""


class PlatformUnavailable(Exception):
    """The platform did not answer, or answered 5xx/429: worth trying again later."""


# --- roles ---------------------------------------------------------------------------


def course_role(roles: list[str]) -> str | None:
    """The course role LTI *roles* give, or None (an observer, a mentor: no role here).

    Context roles only (``membership#...`` or a simple name, which LTI reads as
    one): an institution's administrator is no instructor of every course.
    A teaching assistant (the ``Instructor#TeachingAssistant`` sub-role, sent
    beside ``Instructor``) is a TA; Instructor and Administrator are instructors."""
    names = set()
    for uri in roles if isinstance(roles, list) else []:
        if not isinstance(uri, str):
            continue
        if uri.startswith(LIS + "membership#"):
            names.add(uri.removeprefix(LIS + "membership#"))
        elif (
            uri.startswith(LIS + "membership/") or "/" not in uri and ":" not in uri
        ):  # a sub-role: membership/Instructor#TeachingAssistant
            names.add(uri.rpartition("#")[2])
    if "TeachingAssistant" in names:
        return Role.TA
    if names & {"Instructor", "Administrator"}:
        return Role.INSTRUCTOR
    if "Learner" in names:
        return Role.LEARNER
    return None


# --- users -----------------------------------------------------------------------------

USERNAME_BASE = re.compile(r"[^a-z0-9._-]+")


def _username(platform: Platform, sub: str, claims: dict) -> str:
    """A free username from the LMS's name for the user, never taken from another:
    a readable start, then a hash of (platform, sub) that makes it unique."""
    name = " ".join(str(claims.get(k) or "") for k in ("given_name", "family_name")).strip()
    name = name or str(claims.get("name") or "") or str(claims.get("email") or "").partition("@")[0]
    base = USERNAME_BASE.sub("-", name.lower()).strip("-._")[:30] or "lms-user"
    digest = hashlib.sha256(f"{platform.pk}:{sub}".encode()).hexdigest()
    users = get_user_model().objects
    for length in (6, 12, 24, 64):
        candidate = f"{base}-{digest[:length]}"
        if not users.filter(username=candidate).exists():
            return candidate
    raise LaunchRefused("No username is free for this account; ask an administrator.")  # 2**256 collisions away


def _profile(claims: dict) -> dict:
    """The user's names and email as the LMS gives them, cut to what the fields hold."""
    fields = {"first_name": "given_name", "last_name": "family_name", "email": "email"}
    meta = get_user_model()._meta
    return {ours: str(claims.get(theirs) or "")[: meta.get_field(ours).max_length] for ours, theirs in fields.items()}


def lti_user_for(*, platform: Platform, sub: str, claims: dict):
    """Our user for the platform's *sub*: linked on the first launch (a new user
    with no usable password: they sign in through the LMS), never matched by
    email, which a platform's user may set to anyone's. Names and email follow
    the LMS's."""
    sub = str(sub or "")
    if not sub or len(sub) > 255:
        raise LaunchRefused("The launch names no user (an anonymous launch); this tool needs a signed-in LMS user.")
    link = LtiUser.objects.select_related("user").filter(platform=platform, sub=sub).first()
    profile = _profile(claims)
    if link is not None:
        user = link.user
        changed = [k for k, v in profile.items() if v and getattr(user, k) != v]
        for name in changed:
            setattr(user, name, profile[name])
        if changed:
            user.save(update_fields=changed)
        if not user.is_active:
            raise LaunchRefused("Your account here is disabled; ask an administrator.")
        return user
    try:
        with transaction.atomic():
            user = get_user_model()(username=_username(platform, sub, claims), **profile)
            user.set_unusable_password()
            user.save()
            LtiUser.objects.create(platform=platform, sub=sub, user=user)
            return user
    except IntegrityError:  # the same person's second launch, at the same moment, made it first
        return LtiUser.objects.select_related("user").get(platform=platform, sub=sub).user


# --- courses and memberships ----------------------------------------------------------


def _context_fields(claims: dict) -> dict:
    nrps = claims.get(NRPS) if isinstance(claims.get(NRPS), dict) else {}
    ags = claims.get(AGS) if isinstance(claims.get(AGS), dict) else {}
    return {"memberships_url": str(nrps.get("context_memberships_url") or "")[:500],
            "lineitems_url": str(ags.get("lineitems") or "")[:500]}  # fmt: skip


def _context_claim(claims: dict) -> tuple[str, str, dict]:
    context = claims.get(CONTEXT)
    if not isinstance(context, dict) or not context.get("id"):
        raise LaunchRefused("The launch comes from no LMS course; open this tool from a course.")
    return str(context["id"])[:255], str(context.get("title") or context.get("label") or "")[:255], context


def lti_context_find(*, platform: Platform, claims: dict) -> LtiContext | None:
    """The launch's context, linked to a course here (its title and service URLs
    brought up to date), or None: an instructor has not set it up yet."""
    context_id, title, _ = _context_claim(claims)
    found = LtiContext.objects.select_related("course").filter(platform=platform, context_id=context_id).first()
    if found is None:
        return None
    fields = {"title": title, **_context_fields(claims)}
    changed = [k for k, v in fields.items() if v and getattr(found, k) != v]
    for name in changed:
        setattr(found, name, fields[name])
    if changed:
        found.save(update_fields=changed)
    return found


def lti_context_link(*, platform: Platform, claims: dict, user, course: Course | None = None) -> LtiContext:
    """Link the launch's context to *course* (one *user* instructs), or to a new
    course of theirs (closed to join codes: its members come from the LMS).
    When another instructor linked it first, theirs stands."""
    context_id, title, context = _context_claim(claims)
    if (
        course is not None
        and not Membership.objects.filter(course=course, user=user, role=Role.INSTRUCTOR, left=None).exists()
    ):
        raise LaunchRefused("You can link the LMS course only to a course you instruct here.")
    fields = {"title": title, **_context_fields(claims)}
    try:
        with transaction.atomic():
            if course is None:
                course = Course.objects.create(
                    title=(title or f"Course from {platform.name}")[:120], term=str(context.get("label") or "")[:60],
                    description=f"Linked to {platform.name}.", join_code=join_code_new(), joining_open=False,
                    created_by=user,
                )  # fmt: skip
            return LtiContext.objects.create(platform=platform, context_id=context_id, course=course, **fields)
    except IntegrityError:  # linked by someone else meanwhile
        return LtiContext.objects.select_related("course").get(platform=platform, context_id=context_id)


def instructed_courses(*, user) -> list[Course]:
    """The courses *user* instructs here: what they may link an LMS course to."""
    return list(Course.objects.filter(memberships__user=user, memberships__role=Role.INSTRUCTOR,
                                      memberships__left=None).order_by("title", "pk"))  # fmt: skip


def membership_ensure(*, course: Course, user, role: str, now: datetime) -> Membership:
    """*user* in *course* as *role*, as the LMS says. Someone an instructor removed
    here stays out (as with a join code); the last instructor keeps the role."""
    current = Membership.objects.filter(course=course, user=user, left=None).first()
    if current is not None:
        if current.role != role:
            try:
                membership_set_role(membership=current, role=role)
            except CourseRefused:
                log.info("lti: kept %s the last instructor of course %s", user, course.pk)
        return current
    last = Membership.objects.filter(course=course, user=user).order_by("-joined", "-pk").first()
    if last is not None and last.removed_by_id is not None:
        raise LaunchRefused(f"You were removed from {course} here; only its instructors can add you again.")
    try:
        with transaction.atomic():
            return Membership.objects.create(course=course, user=user, role=role, joined=now)
    except IntegrityError:
        return Membership.objects.get(course=course, user=user, left=None)


# --- resource links ---------------------------------------------------------------------


def _target(custom, course: Course) -> tuple[Assignment | None, Challenge | None] | None:
    """What the link's custom parameters (set by our deep-linking response) name:
    an assignment of this course, or a published challenge. None: they name nothing."""
    custom = custom if isinstance(custom, dict) else {}
    if custom.get("assignment"):
        assignment = Assignment.objects.filter(pk=_int(custom["assignment"]), course=course).first()
        if assignment is None:
            raise LaunchRefused("This link names an assignment that is not in this course; ask your instructor.")
        return assignment, None
    if custom.get("challenge"):
        challenge = Challenge.objects.filter(slug=str(custom["challenge"]), current_version__isnull=False).first()
        if challenge is None:
            raise LaunchRefused("This link names a challenge that is not published; ask your instructor.")
        return None, challenge
    return None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def resource_link_for(*, context: LtiContext, claims: dict) -> ResourceLink:
    claim = claims.get(RESOURCE_LINK) if isinstance(claims.get(RESOURCE_LINK), dict) else {}
    link, _ = ResourceLink.objects.get_or_create(context=context, resource_link_id=str(claim.get("id"))[:255])
    target = _target(claims.get(CUSTOM), context.course)
    ags = claims.get(AGS) if isinstance(claims.get(AGS), dict) else {}
    scopes = ags.get("scope") if isinstance(ags.get("scope"), list) else []
    fields = {"title": str(claim.get("title") or "")[:255] or link.title,
              "lineitem_url": str(ags.get("lineitem") or "")[:500] or link.lineitem_url,
              "score_scope": SCORE_SCOPE in scopes}  # fmt: skip
    if target is not None:
        fields["assignment"], fields["challenge"] = target
    changed = [k for k, v in fields.items() if getattr(link, k) != v]
    for name in changed:
        setattr(link, name, fields[name])
    if changed:
        link.save(update_fields=changed)
    return link


def lineitem_ensure(*, link: ResourceLink, claims: dict) -> str | None:
    """Give *link* a grade column when the LMS launched it with none (a link
    placed by hand, not by our deep-linking response) but lets us make one:
    found by its resource link id, else created, labelled with what it opens.
    A problem to tell staff about, or None. Outside the launch's transaction:
    no lock is held while the LMS answers; a failure leaves the launch alone
    and the next launch tries again."""
    ags = claims.get(AGS) if isinstance(claims.get(AGS), dict) else {}
    scopes = ags.get("scope") if isinstance(ags.get("scope"), list) else []
    target = link.assignment or link.challenge
    if link.lineitem_url or not ags.get("lineitems") or LINEITEM_SCOPE not in scopes or target is None:
        return None
    wanted = (
        LineItem().set_label(target.title).set_score_maximum(LINEITEM_MAXIMUM)
        .set_resource_link_id(link.resource_link_id)
        .set_resource_id(f"assignment-{target.pk}" if link.assignment_id else f"challenge-{target.slug}")
    )  # fmt: skip
    service = AssignmentsGradesService(
        _connector(link.context.platform), {"scope": scopes, "lineitems": ags["lineitems"]}
    )
    try:
        url = str(service.find_or_create_lineitem(wanted, find_by="resource_link_id").get_id() or "")
    except (LtiException, requests.RequestException, ValueError) as exc:
        log.warning("lti: no line item made for link %s: %s", link.pk, exc)
        return f"The LMS did not make a grade column for this link ({str(exc)[:200]}); scores wait for one."
    if not url.startswith(("https://", "http://")):
        return "The LMS made a grade column without a URL; scores cannot be sent to it."
    ResourceLink.objects.filter(pk=link.pk, lineitem_url="").update(lineitem_url=url[:500])
    link.lineitem_url = url[:500]
    return None


def link_url(link: ResourceLink) -> str:
    """Where a launch of *link* lands: its assignment or challenge, else the course."""
    if link.assignment_id:
        return reverse("courses:assignment", args=[link.context.course_id, link.assignment_id])
    if link.challenge_id:
        return reverse("challenges:detail", args=[link.challenge.slug])
    return reverse("courses:detail", args=[link.context.course_id])


class ContextNotSetUp(LaunchRefused):
    """A learner's (or TA's) launch from an LMS course no instructor has linked yet."""


@dataclass
class Launched:
    user: object
    context: LtiContext | None  # None: an instructor's launch from an LMS course not linked yet
    role: str
    link: ResourceLink | None = None  # a resource launch's or a review's; None for deep linking
    notices: list[str] = field(default_factory=list)
    review: bool = False  # a submission review: of *learner*, or of nobody we know (None)
    learner: object | None = None


def review_for(*, context: LtiContext, user, claims: dict) -> Launched:
    """A submission review launch by *user* (a member of the context's course now):
    the link it names, which must be one we know that opens something, and the
    learner it is for. Staff review any learner; a learner only themselves,
    else it is refused. A learner who never launched the tool from this course
    has nothing to review (``learner`` None)."""
    claim = claims.get(RESOURCE_LINK) if isinstance(claims.get(RESOURCE_LINK), dict) else {}
    link = reviewable_links().filter(context=context, resource_link_id=str(claim.get("id") or "")[:255]).first()
    if link is None:
        raise LaunchRefused("This LMS link opens no assignment or challenge here, so it has no submissions to review.")
    for_user = claims.get(FOR_USER) if isinstance(claims.get(FOR_USER), dict) else {}
    account = LtiUser.objects.filter(platform=context.platform, sub=str(for_user.get("user_id") or "")).first()
    access = course_access(user=user, course_id=context.course_id)
    if not may_review(access=access, learner_id=account.user_id if account is not None else None):
        raise LaunchRefused("You may review only your own submissions: only the course's instructors and TAs "
                            "review another learner's.")  # fmt: skip
    learner = review_learner(course=context.course, user_id=account.user_id) if account is not None else None
    return Launched(user, context, access.role, link, review=True, learner=learner)


def launch_accept(*, platform: Platform, claims: dict, now: datetime) -> Launched:
    """Act on a validated launch: the user (made on their first launch), the
    course of the context and their membership in it, and for a resource launch
    the link and what it opens. All or nothing."""
    message_type = claims.get(MESSAGE_TYPE)
    if message_type not in SUPPORTED_MESSAGES:
        raise LaunchRefused(
            f"This tool does not support the LMS's {UNSUPPORTED_MESSAGES.get(message_type, repr(message_type))} "
            "launches: open the link itself (a resource link) instead."
        )
    role = course_role(claims.get(ROLES))
    if role is None:
        raise LaunchRefused("Your role in this LMS course (neither learner, instructor nor TA) has no place here.")
    deep_linking = message_type == "LtiDeepLinkingRequest"
    if deep_linking and role != Role.INSTRUCTOR:
        raise LaunchRefused("Only the course's instructors place assignments and challenges in the LMS.")
    with transaction.atomic():
        user = lti_user_for(platform=platform, sub=claims.get("sub"), claims=claims)
        context = lti_context_find(platform=platform, claims=claims)
        if context is None:
            if role != Role.INSTRUCTOR:  # nothing written: they are not signed in either
                raise ContextNotSetUp("Your instructor has not set up this tool for this LMS course yet. "
                                      "Try again once they have opened it from the course.")  # fmt: skip
            return Launched(user, None, role)  # the instructor chooses a course first (lti:setup)
        membership_ensure(course=context.course, user=user, role=role, now=now)
        if message_type == REVIEW:  # a refusal here undoes the sign-in's writes too
            return review_for(context=context, user=user, claims=claims)
        launched = Launched(user, context, role)
        if not deep_linking:
            launched.link = resource_link_for(context=context, claims=claims)
            if not (launched.link.assignment_id or launched.link.challenge_id) and role != Role.LEARNER:
                launched.notices.append("This LMS link opens no assignment or challenge yet: place one with "
                                        "your LMS's content selection (deep linking).")  # fmt: skip
    if launched.link is not None:
        problem = lineitem_ensure(link=launched.link, claims=claims)
        if problem and role != Role.LEARNER:
            launched.notices.append(problem)
    return launched


def audience_check(*, claims: dict, client_id: str) -> None:
    """The token is for us: ``aud`` holds our client id and, when it names others
    too, ``azp`` names us (OpenID Connect; pylti1p3 reads only ``aud``'s first)."""
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if client_id not in audiences or (len(audiences) > 1 and claims.get("azp") != client_id):
        raise LaunchRefused("The launch token is meant for another tool (its audience is not this tool's client id).")


# --- deep linking ------------------------------------------------------------------------


def deep_link_items(*, course: Course) -> tuple[list[Assignment], list[Challenge]]:
    """What an instructor may place in the LMS: the course's assignments and the published challenges."""
    assignments = list(Assignment.objects.filter(course=course))
    challenges = list(Challenge.objects.filter(current_version__isnull=False).select_related("current_version"))
    return assignments, sorted(challenges, key=lambda c: c.title.lower())


def assignment_points(assignment: Assignment) -> int:
    """An assignment's points: its challenges' together, as the course gradebook counts them."""
    return assignment.items.aggregate(total=Sum("challenge__current_version__points"))["total"] or 0


def deep_link_resource(*, launch_url: str, assignment: Assignment | None = None,
                       challenge: Challenge | None = None) -> DeepLinkResource:  # fmt: skip
    """The content item for *assignment* or *challenge*: a link back to our launch
    URL whose custom parameter names it, with a line item for its score."""
    if assignment is not None:
        title, custom, points, resource = assignment.title, {"assignment": str(assignment.pk)}, assignment_points(
            assignment), f"assignment-{assignment.pk}"  # fmt: skip
    else:
        title, custom = challenge.title, {"challenge": challenge.slug}
        points, resource = challenge.current_version.points or 1, f"challenge-{challenge.slug}"
    lineitem = LineItem().set_score_maximum(points or 1).set_label(title).set_resource_id(resource)
    return DeepLinkResource().set_url(launch_url).set_title(title).set_custom_params(custom).set_lineitem(lineitem)


# --- scores (Assignment and Grade Services) --------------------------------------------


def links_for_score(*, user_id: int, challenge_id: int):
    """The links with a line item whose score *user*'s Submit of the challenge may
    change: theirs (their LMS account on the link's platform), in a course they
    are a current learner of, opening the challenge or an assignment holding it."""
    return (
        ResourceLink.objects.filter(score_scope=True, context__platform__users__user_id=user_id)
        .exclude(lineitem_url="")
        .filter(Q(challenge_id=challenge_id) | Q(assignment__items__challenge_id=challenge_id))
        .filter(
            context__course__memberships__user_id=user_id,
            context__course__memberships__left=None,
            context__course__memberships__role=Role.LEARNER,
        )  # fmt: skip
        .distinct()
    )


def score_changed(sender, *, submission: Submission, **kwargs) -> None:
    """grader.services.submission_graded's receiver: when the Submit's author has an
    LMS account, refresh their scores there, after the commit. One query for
    everyone else; nothing here can undo the result (a savepoint)."""
    from lti.tasks import refresh_scores

    with transaction.atomic():
        if LtiUser.objects.filter(user_id=submission.user_id).exists():
            user_id, challenge_id = submission.user_id, submission.challenge_id
            transaction.on_commit(lambda: refresh_scores.delay(user_id, challenge_id), robust=True)


def scores_request(*, user_id: int, challenge_id: int, now: datetime) -> list[int]:
    """Mark *user*'s scores on every link the challenge counts for as to send, and
    send each once committed. The ids of the rows marked."""
    from lti.tasks import push_score

    ids = []
    for link in links_for_score(user_id=user_id, challenge_id=challenge_id):
        sync, created = ScoreSync.objects.get_or_create(link=link, user_id=user_id, defaults={"requested": now})
        if not created:
            ScoreSync.objects.filter(pk=sync.pk).update(status=ScoreSync.Status.PENDING, attempts=0, requested=now)
        transaction.on_commit(lambda pk=sync.pk: push_score.delay(pk), robust=True)
        ids.append(sync.pk)
    return ids


def _connector(platform: Platform) -> ServiceConnector:
    return ServiceConnector(registration_for(platform), TimeoutSession())


def _transient(exc: Exception) -> bool:
    if isinstance(exc, LtiServiceException):
        status = exc.response.status_code
        return status >= 500 or status in (408, 429)
    return isinstance(exc, requests.RequestException)


def score_push(*, sync_id: int) -> ScoreSync | None:
    """Send the learner's current score on the link to its line item. Raises
    PlatformUnavailable when the platform did not answer (the task tries again
    later); a refusal (4xx) is stored as failed, not retried."""
    related = ("link__context__platform", "link__assignment", "link__challenge__current_version", "user")
    sync = ScoreSync.objects.select_related(*related).filter(pk=sync_id).first()
    if sync is None or sync.link.assignment_id is None and sync.link.challenge_id is None:
        return None
    link, platform = sync.link, sync.link.context.platform
    account = LtiUser.objects.filter(platform=platform, user=sync.user).first()
    if account is None or not platform.active:
        ScoreSync.objects.filter(pk=sync.pk).update(
            status=ScoreSync.Status.FAILED, error="No LMS account to send it to."
        )
        return None
    now = timezone.now()
    given, maximum, counted = link_score(link=link, user=sync.user, now=now)
    grade = (
        Grade().set_score_given(round(given, 4)).set_score_maximum(maximum).set_user_id(account.sub)
        .set_timestamp(now.isoformat(timespec="milliseconds"))  # the platform keeps the latest by this
        .set_activity_progress("Completed" if counted else "Initialized")
        .set_grading_progress("FullyGraded" if counted else "NotReady")
    )  # fmt: skip
    ags = AssignmentsGradesService(_connector(platform), {"scope": [SCORE_SCOPE], "lineitem": link.lineitem_url})
    rows = ScoreSync.objects.filter(pk=sync.pk)
    try:
        ags.put_grade(grade)
    except (LtiException, requests.RequestException) as exc:
        error = str(exc)[:2000]
        if _transient(exc):
            rows.update(attempts=sync.attempts + 1, error=error)
            raise PlatformUnavailable(error) from exc
        rows.update(status=ScoreSync.Status.FAILED, attempts=sync.attempts + 1, error=error)
        log.warning("lti: %s refused the score for %s on link %s: %s", platform, sync.user, link.pk, error)
        return None
    rows.update(status=ScoreSync.Status.SENT, sent_given=round(given, 4), sent_maximum=maximum, sent=now,
                attempts=sync.attempts + 1, error="")  # fmt: skip
    log.info("lti: sent %.4g/%.4g for %s on link %s", given, maximum, sync.user, link.pk)
    sync.refresh_from_db()
    return sync


def score_give_up(*, sync_id: int, reason: str) -> None:
    error = f"The LMS did not answer after {settings.LTI_SCORE_MAX_RETRIES + 1} tries ({reason})."
    ScoreSync.objects.filter(pk=sync_id, status=ScoreSync.Status.PENDING).update(
        status=ScoreSync.Status.FAILED, error=error[:2000]
    )


def score_resend(*, sync: ScoreSync, now: datetime) -> None:
    """An instructor's "send again" for a failed score."""
    from lti.tasks import push_score

    ScoreSync.objects.filter(pk=sync.pk).update(status=ScoreSync.Status.PENDING, attempts=0, requested=now)
    transaction.on_commit(lambda: push_score.delay(sync.pk), robust=True)


def score_sweep() -> dict[str, int]:
    """Send again scores left pending past every retry's reach (a message lost on
    the way, a worker killed): the rows are the truth, the messages are not."""
    from lti.tasks import push_score

    now = timezone.now()
    stale = ScoreSync.objects.filter(
        status=ScoreSync.Status.PENDING, requested__lt=now - timedelta(seconds=settings.LTI_SCORE_RESEND_SECONDS)
    )
    resent = 0
    for pk in stale.values_list("pk", flat=True)[:500]:
        if stale.filter(pk=pk).update(requested=now):  # another sweeper may have taken it
            transaction.on_commit(lambda pk=pk: push_score.delay(pk), robust=True)
            resent += 1
    if resent:
        log.warning("lti: sweeper resent %d pending scores", resent)
    return {"resent": resent}


# --- rosters (Names and Role Provisioning) -----------------------------------------------


@dataclass
class RosterSync:
    added: int = 0
    updated: int = 0
    ended: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # why some members were left as they are


def roster_sync(*, context: LtiContext, now: datetime) -> RosterSync:
    """Bring the course's members in line with the LMS's list: members active
    there are added (made on first sight, as at a launch) or given their role;
    learners who left, or whom it lists as inactive, leave. Members who joined
    here without the LMS, and instructors, are never ended by it."""
    if not context.memberships_url:
        raise CourseRefused("The LMS has not offered its roster service (Names and Role Provisioning) for this course.")
    platform = context.platform
    service = NamesRolesProvisioningService(_connector(platform), {"context_memberships_url": context.memberships_url})
    try:
        members = service.get_members()
    except (LtiException, requests.RequestException, ValueError) as exc:
        raise CourseRefused(f"The LMS did not give its roster: {str(exc)[:300]}") from exc
    result = RosterSync()
    listed = set()
    with transaction.atomic():
        for member in members:
            sub, role = str(member.get("user_id") or ""), course_role(member.get("roles") or [])
            if not sub or member.get("status", "Active") != "Active":
                continue  # inactive or deleted there: ended below, as if unlisted
            listed.add(sub)
            if role is not None:  # observers and mentors have no place here
                _roster_member(context, sub, role, member, now, result)
        course_members = Membership.objects.filter(course=context.course, left=None, role=Role.LEARNER)
        accounts = LtiUser.objects.filter(platform=platform, user__in=course_members.values("user_id"))
        for account in accounts.select_related("user"):
            if account.sub not in listed:
                membership_end(membership=course_members.get(user=account.user), now=now)
                result.ended += 1
    return result


ROSTER_SYNC_SECONDS = 600  # a sync asked for and unfinished this long is taken as lost: another may start


def roster_sync_request(*, context: LtiContext, now: datetime) -> bool:
    """Ask a worker to sync *context*'s roster, after the commit. False when a
    sync asked for lately has not finished yet (one at a time, not one a click)."""
    from lti.tasks import sync_roster

    recent = Q(roster_requested__gt=now - timedelta(seconds=ROSTER_SYNC_SECONDS))
    unfinished = Q(roster_synced=None) | Q(roster_synced__lt=F("roster_requested"))
    rows = LtiContext.objects.filter(pk=context.pk)
    if rows.filter(recent & unfinished).exists():
        return False
    rows.update(roster_requested=now)
    transaction.on_commit(lambda: sync_roster.delay(context.pk), robust=True)
    return True


def roster_summary(result: RosterSync) -> str:
    lines = [
        f"{result.added} added, {result.updated} with a new role, {result.ended} ended, {result.unchanged} unchanged."
    ]
    return "\n".join(lines + result.skipped)


def roster_sync_run(*, context_id: int, now: datetime) -> LtiContext | None:
    """The task's work: sync, then store when it finished and what it did (or
    why the LMS would not give its roster), for the course's LMS page."""
    context = LtiContext.objects.select_related("platform", "course").filter(pk=context_id).first()
    if context is None:
        return None
    try:
        ok, summary = True, roster_summary(roster_sync(context=context, now=now))
    except CourseRefused as exc:
        ok, summary = False, str(exc)
    LtiContext.objects.filter(pk=context.pk).update(
        roster_synced=timezone.now(), roster_ok=ok, roster_result=summary[:4000]
    )
    context.refresh_from_db()
    return context


def _roster_member(context: LtiContext, sub: str, role: str, member: dict, now: datetime, result: RosterSync) -> None:
    user = lti_user_for(platform=context.platform, sub=sub, claims=member)
    before = (
        Membership.objects.filter(course=context.course, user=user, left=None).values_list("role", flat=True).first()
    )
    try:
        membership = membership_ensure(course=context.course, user=user, role=role, now=now)
    except LaunchRefused as exc:
        result.skipped.append(f"{user.username}: {exc}")
        return
    if before is None:
        result.added += 1
    elif before != membership.role:
        result.updated += 1
    else:
        result.unchanged += 1
