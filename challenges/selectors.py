"""Reads of challenges, with the signed-in learner's progress."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, F, Max, Q, QuerySet, Value, When

from challenges.models import Challenge, Track

STATUSES = ("solved", "attempted", "new")


# easy, medium, hard: not the alphabet's easy, hard, medium
DIFFICULTY_ORDER = Case(
    *(When(difficulty=value, then=Value(rank)) for rank, value in enumerate(Challenge.Difficulty.values)),
    default=Value(len(Challenge.Difficulty.values)),
)


def challenge_list_published() -> QuerySet[Challenge]:
    return (
        Challenge.objects.filter(published=True)
        .select_related("track")
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


def challenge_matches(challenge: Challenge, query: str) -> bool:
    """Search: every word of *query* in the title or a tag, ignoring case."""
    haystack = " ".join([challenge.title, *challenge.tags]).lower()
    return all(word in haystack for word in query.lower().split())


@dataclass
class TrackGroup:
    """A track as the list shows it: its challenges in order, and the learner's progress on all of them."""

    track: Track | None  # None: challenges in no track
    challenges: list[Challenge]  # those the filters keep
    total: int
    solved: int
    attempted: int


def challenges_by_track(challenges: list[Challenge], shown: list[Challenge]) -> list[TrackGroup]:
    """*shown* grouped by track in the tracks' order, each track easy to hard; progress counts all of
    *challenges* (annotated by ``challenge_list_with_progress``), whatever the filters."""
    kept = {c.pk for c in shown}
    tracks = {c.track_id: c.track for c in challenges}
    groups = []
    for track in sorted(tracks.values(), key=lambda t: (t is None, t.position if t else 0, t.title if t else "")):
        members = sorted(
            (c for c in challenges if c.track_id == (track.pk if track else None)),
            key=lambda c: (c.track_position, c.title),
        ) if track else [c for c in challenges if c.track_id is None]  # fmt: skip
        groups.append(
            TrackGroup(
                track=track,
                challenges=[c for c in members if c.pk in kept],
                total=len(members),
                solved=sum(c.status == "solved" for c in members),
                attempted=sum(c.status == "attempted" for c in members),
            )
        )
    return [g for g in groups if g.challenges]


@dataclass
class Neighbours:
    previous: Challenge | None
    next: Challenge | None
    position: int  # 1-based, in the published part of the track
    count: int
    related: list[Challenge]


RELATED = 3


def challenge_neighbours(challenge: Challenge) -> Neighbours:
    """The challenges before and after *challenge* in its track, and up to three related ones
    (most tags shared, other tracks first), from one query of the published list."""
    published = list(challenge_list_published())
    previous = following = None
    position = count = 0
    if challenge.track_id is not None:
        track = sorted(
            (c for c in published if c.track_id == challenge.track_id), key=lambda c: (c.track_position, c.title)
        )
        count = len(track)
        index = next((i for i, c in enumerate(track) if c.pk == challenge.pk), None)
        if index is not None:
            position = index + 1
            previous = track[index - 1] if index > 0 else None
            following = track[index + 1] if index + 1 < count else None
    tags = set(challenge.tags)
    scored = [
        (len(tags & set(c.tags)), c.track_id != challenge.track_id, c)
        for c in published
        if c.pk != challenge.pk and c not in (previous, following)
    ]
    related = [c for shared, _, c in sorted(scored, key=lambda s: (-s[0], not s[1], s[2].title)) if shared][:RELATED]
    return Neighbours(previous=previous, next=following, position=position, count=count, related=related)
