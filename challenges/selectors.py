"""Reads of challenges, with the signed-in learner's progress."""

from __future__ import annotations

from django.db.models import Case, Count, F, Max, Q, QuerySet, Value, When

from challenges.models import Challenge

STATUSES = ("solved", "attempted", "new")


# easy, medium, hard: not the alphabet's easy, hard, medium
DIFFICULTY_ORDER = Case(
    *(When(difficulty=value, then=Value(rank)) for rank, value in enumerate(Challenge.Difficulty.values)),
    default=Value(len(Challenge.Difficulty.values)),
)


def challenge_list_published() -> QuerySet[Challenge]:
    return (
        Challenge.objects.filter(published=True)
        .exclude(current_version=None)
        .annotate(points=F("current_version__points"))
        .order_by(DIFFICULTY_ORDER, "title")
    )


def challenge_list_with_progress(user) -> list[Challenge]:
    """Published challenges, each with ``status``, ``best_score`` and ``attempts``
    for *user*: one query, whatever the number of challenges."""
    qs = challenge_list_published()
    if not user.is_authenticated:
        challenges = list(qs)
        for c in challenges:
            c.best_score, c.attempts, c.passes = None, 0, 0
    else:
        submits = Q(
            submissions__user=user,
            submissions__kind="submit",
            submissions__status="done",
            submissions__preview=False,
        )
        challenges = list(
            qs.annotate(
                best_score=Max("submissions__score", filter=submits),
                attempts=Count("submissions", filter=submits),
                passes=Count("submissions", filter=submits & Q(submissions__verdict="passed")),
            )
        )
    for c in challenges:
        c.status = "solved" if c.passes else "attempted" if c.attempts else "new"
    return challenges


def challenge_tags(challenges: list[Challenge]) -> list[str]:
    return sorted({t for c in challenges for t in c.tags})
