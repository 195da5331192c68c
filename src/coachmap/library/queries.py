"""Reads for the library, scoped through `core.access`: browsing and search with filters and usage
counts, one resource, and suggestions for a coaching cycle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from coachmap.core.access import AnyUser
from coachmap.improvement import access as improvement_access
from coachmap.improvement.models import GoalStatus, ImprovementGoal
from coachmap.library import access as library_access
from coachmap.library import search, suggest
from coachmap.library.models import Resource, ResourceUse, UseKind
from coachmap.library.tags import normalise

if TYPE_CHECKING:
    # Type only: the library sits below coaching; a cycle is passed in, never imported.
    from coachmap.coaching.models import CoachingCycle

SUGGESTION_POOL = 2000


def with_use_counts(resources: QuerySet[Resource]) -> QuerySet[Resource]:
    return resources.annotate(
        opened=Count("uses", filter=Q(uses__kind=UseKind.OPENED), distinct=True),
        in_sessions=Count("uses", filter=Q(uses__kind=UseKind.SESSION), distinct=True),
    )


def goals_to_tag(user: AnyUser, district_id: int) -> QuerySet[ImprovementGoal]:
    """The active school goals a resource of the district may be tagged with, of those the person sees."""
    return improvement_access.improvement_goals_visible_to(user).filter(
        school__district_id=district_id, status=GoalStatus.ACTIVE
    )


def browse(
    user: AnyUser,
    *,
    text: str = "",
    kind: str = "",
    tool: str = "",
    practice: str = "",
    subject: str = "",
    grade: int | None = None,
    quadrant: str = "",
    goal: int | None = None,
) -> QuerySet[Resource]:
    """The library as the user may see it, searched and filtered, with usage counts."""
    resources = library_access.resources_visible_to(user)
    if kind:
        resources = resources.filter(kind=kind)
    if goal:
        resources = resources.filter(goals=goal)
    ids = (
        set(resources.values_list("pk", flat=True))
        if (tool or practice or subject or quadrant or grade is not None)
        else None
    )
    if ids is not None:
        rows = resources.values_list("pk", "tools", "practices", "subjects", "quadrants", "grades")
        wanted_tool, wanted_practice = normalise(tool), normalise(practice)
        ids = {
            pk
            for pk, tools, practices, subjects, quadrants, grades in rows
            if (not tool or wanted_tool in {normalise(t) for t in tools})
            and (not practice or wanted_practice in {normalise(p) for p in practices})
            and (not subject or subject in subjects)
            and (not quadrant or quadrant in quadrants)
            and (grade is None or grade in grades)
        }
        resources = resources.filter(pk__in=ids)
    found = search.search(resources, text)
    if not search.terms(text):
        found = found.order_by("title")
    return with_use_counts(found)


def tag_options(user: AnyUser) -> dict[str, list[str]]:
    """Every tool and practice used in the library, for the filter menus."""
    tools: dict[str, str] = {}
    practices: dict[str, str] = {}
    for row_tools, row_practices in library_access.resources_visible_to(user).values_list(
        "tools", "practices"
    ):
        for t in row_tools:
            tools.setdefault(normalise(t), t)  # one entry per tool, as first named
        for p in row_practices:
            practices.setdefault(normalise(p), p)
    return {
        "tools": sorted(tools.values(), key=str.casefold),
        "practices": sorted(practices.values(), key=str.casefold),
    }


@dataclass(frozen=True)
class Suggestion:
    resource: Resource
    fit: suggest.Fit


def suggestions_for_cycle(user: AnyUser, cycle: CoachingCycle, limit: int = 5) -> list[Suggestion]:
    """Library resources that fit the cycle's goal, tools, practice, subject and grades, best first."""
    cycle_tags = suggest.CycleTags(
        goal_id=cycle.goal.improvement_goal_id,
        subject=(cycle.goal.improvement_goal or cycle.goal.district_goal).subject,  # type: ignore[union-attr]
        tools=[normalise(t) for t in cycle.tools],
        practice=normalise(cycle.practice),
        grades=cycle.teacher.grades or [],
    )
    candidates = library_access.resources_visible_to(user).filter(district_id=cycle.coach.district_id)
    goal_tagged = set(candidates.filter(goals=cycle.goal.improvement_goal_id).values_list("pk", flat=True))
    scored = []
    for pk, subjects, tools, practices, grades in candidates.values_list(
        "pk", "subjects", "tools", "practices", "grades"
    )[:SUGGESTION_POOL]:
        fit = suggest.fit(
            cycle_tags,
            suggest.ResourceTags(
                goal_ids=[cycle_tags.goal_id] if pk in goal_tagged and cycle_tags.goal_id else [],
                subjects=subjects,
                tools=tools,
                practices=practices,
                grades=grades,
            ),
        )
        if fit.score > 0:
            scored.append((fit, pk))
    scored.sort(key=lambda item: -item[0].score)
    best = scored[:limit]
    by_pk = with_use_counts(Resource.objects.filter(pk__in=[pk for _, pk in best])).in_bulk()
    return [Suggestion(by_pk[pk], fit) for fit, pk in best]


def resources_by_session(user: AnyUser, session_ids: list[int]) -> dict[int, list[Resource]]:
    """The library resources used in each of these coaching sessions (those the user may see), by title."""
    visible = library_access.resources_visible_to(user)
    used: dict[int, list[Resource]] = {}
    for use in (
        ResourceUse.objects.filter(session_id__in=session_ids, kind=UseKind.SESSION, resource__in=visible)
        .select_related("resource")
        .order_by("resource__title")
    ):
        assert use.session_id is not None  # noqa: S101 - filtered on it
        used.setdefault(use.session_id, []).append(use.resource)
    return used
