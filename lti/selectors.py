"""Reads for LTI: a course's LMS links and the scores sent for them."""

from __future__ import annotations

from collections import defaultdict

from courses.models import Course
from lti.models import LtiContext, ResourceLink, ScoreSync


def course_contexts(*, course: Course) -> list[LtiContext]:
    return list(LtiContext.objects.filter(course=course).select_related("platform"))


def course_lms(*, course: Course) -> dict:
    """The course's LMS contexts, each link with what it opens and every learner's
    last score sent (three queries, whatever the numbers)."""
    contexts = course_contexts(course=course)
    links = list(
        ResourceLink.objects.filter(context__in=contexts)
        .select_related("assignment", "challenge")
        .order_by("context_id", "title", "pk")
    )
    scores = defaultdict(list)
    for sync in ScoreSync.objects.filter(link__in=links).select_related("user").order_by("user__username"):
        scores[sync.link_id].append(sync)
    return {"contexts": contexts, "links": [(link, scores[link.pk]) for link in links]}
