"""Reads for best fit and matching, already scoped through `core.access`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from coachmap.coaching import access as coaching_access
from coachmap.coaching.bestfit.matching.load import load_problem
from coachmap.coaching.bestfit.matching.model import score
from coachmap.coaching.bestfit.placement import Quadrant
from coachmap.coaching.eligibility import coach_loads
from coachmap.coaching.models import (
    IntakeObservation,
    LookFor,
    MatchingRound,
    MatchProposal,
    ProposalKind,
    ProposalStatus,
    RoutingPolicy,
    TeacherIntake,
)
from coachmap.core import access, group_size, privacy
from coachmap.core.access import AnyUser
from coachmap.core.models import Coach, District, Role, School, Teacher


def lead_district(user: AnyUser) -> District | None:
    """The district whose coaching the user leads (the first, for someone who leads several)."""
    return access.acting_district(user, Role.PROGRAM_LEAD)


def policy_district(user: AnyUser) -> District | None:
    """The district whose routing policy the user may edit: program lead first, then district admin."""
    return access.acting_district(user, Role.PROGRAM_LEAD) or access.acting_district(
        user, Role.DISTRICT_ADMIN
    )


def own_intake(teacher: Teacher) -> TeacherIntake | None:
    return (
        coaching_access.intakes_visible_to(teacher.user)
        .filter(teacher=teacher)
        .select_related("preferred_coach__user")
        .first()
    )


def observations_for(user: AnyUser, intake: TeacherIntake) -> QuerySet[IntakeObservation]:
    return (
        coaching_access.observations_visible_to(user)
        .filter(intake=intake)
        .select_related("coach__user")
        .prefetch_related("look_fors")
    )


def look_fors_by_quadrant(
    user: AnyUser, district_id: int, active_only: bool = True
) -> list[tuple[Quadrant, list[LookFor]]]:
    look_fors = coaching_access.look_fors_visible_to(user).filter(district_id=district_id)
    if active_only:
        look_fors = look_fors.filter(active=True)
    grouped: dict[str, list[LookFor]] = {q.value: [] for q in Quadrant}
    for lf in look_fors:
        grouped[lf.quadrant].append(lf)
    return [(q, grouped[q.value]) for q in Quadrant]


def rounds(user: AnyUser) -> QuerySet[MatchingRound]:
    return coaching_access.rounds_visible_to(user).select_related("run_by", "confirmed_by")


def round_proposals(user: AnyUser, matching_round: MatchingRound, kind: str = "") -> QuerySet[MatchProposal]:
    proposals = (
        coaching_access.proposals_visible_to(user)
        .filter(round=matching_round)
        .select_related("teacher__user", "teacher__school", "coach__user", "request__goal")
        .order_by("kind", "teacher__school__name", "teacher__user__last_name", "id")
    )
    return proposals.filter(kind=kind) if kind else proposals


def _people(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass(frozen=True)
class RoundReach:
    """Who a draft round reaches when it is confirmed, for the confirmation page."""

    coach: int
    offer: int
    nothing: int
    coaches: int

    @property
    def teachers_label(self) -> str:
        return _people(self.coach + self.offer, "teacher", "teachers")

    @property
    def consequences(self) -> list[str]:
        lines = []
        if self.coach:
            lines.append(
                f"{_people(self.coach, 'teacher is', 'teachers are')} proposed a coach and notified; "
                f"a place is held with each of {_people(self.coaches, 'coach', 'coaches')} until they answer."
            )
        if self.offer:
            lines.append(
                f"{_people(self.offer, 'teacher is', 'teachers are')} offered lighter support and notified."
            )
        if self.nothing:
            lines.append(
                f"{_people(self.nothing, 'request stays', 'requests stay')} waiting for the next round; "
                "nobody is notified about them."
            )
        lines.append(
            "Teachers then accept or decline on their home page; a cycle opens only after a teacher accepts. "
            "A confirmed round cannot be taken back, but a declined proposal goes into the next round."
        )
        return lines


def round_reach(matching_round: MatchingRound) -> RoundReach:
    drafts = matching_round.proposals.filter(status=ProposalStatus.DRAFT)
    counts = drafts.aggregate(
        n_coach=Count("teacher", filter=Q(kind=ProposalKind.COACH), distinct=True),
        n_offer=Count("teacher", filter=Q(kind=ProposalKind.OFFER), distinct=True),
        n_nothing=Count("id", filter=Q(kind=ProposalKind.NONE)),
        n_coaches=Count("coach", filter=Q(kind=ProposalKind.COACH), distinct=True),
    )
    return RoundReach(**{k.removeprefix("n_"): v for k, v in counts.items()})


def proposals_waiting_for(teacher: Teacher) -> QuerySet[MatchProposal]:
    """Offers the teacher has not answered yet (coach proposals are answered on the request)."""
    return (
        coaching_access.proposals_visible_to(teacher.user)
        .filter(teacher=teacher, kind=ProposalKind.OFFER, status=ProposalStatus.SENT)
        .select_related("request__goal")
    )


@dataclass(frozen=True)
class CoachOption:
    coach: Coach
    load: int
    score: int | None = None
    """This coach's fit with the teacher in question, in tenths of a point (the matching model's score)."""

    @property
    def free(self) -> int:
        return max(0, self.coach.capacity - self.load)


def coach_options(user: AnyUser, school_id: int, *, exclude: int | None = None) -> list[CoachOption]:
    """Coaches the user may see who serve a school, with their load, fullest last."""
    visible = access.coaches_visible_to(user).filter(schools=school_id)
    if exclude is not None:
        visible = visible.exclude(pk=exclude)
    coaches = list(visible.select_related("user"))
    if not coaches:
        return []
    loads = coach_loads(coaches[0].district)
    options = [CoachOption(c, loads.get(c.pk, 0)) for c in coaches]
    return sorted(options, key=lambda o: (-o.free, str(o.coach)))


def coach_options_by_fit(user: AnyUser, proposal: MatchProposal) -> list[CoachOption]:
    """The other coaches serving the teacher's school, best fit with THIS teacher first.

    The fit is the matching model's score for the teacher's request with each coach, under the
    district's current weights; free places break ties and are shown second.
    """
    options = coach_options(user, proposal.teacher.school_id)
    policy = RoutingPolicy.objects.filter(district_id=proposal.round.district_id).first()
    if policy is None or not options:
        return options
    problem = load_problem(proposal.round.district, policy, request_ids=[proposal.request_id])
    if not problem.requests:
        return options
    wanted = problem.requests[0]
    by_id = {c.id: c for c in problem.coaches}
    scored = [
        CoachOption(o.coach, o.load, score(wanted, by_id[o.coach.pk], policy.weights))
        if o.coach.pk in by_id
        else o
        for o in options
    ]
    return sorted(scored, key=lambda o: (-(o.score or 0), -o.free, str(o.coach)))


def caseloads(user: AnyUser) -> list[dict[str, Any]]:
    """Every coach of the lead's district: type, capacity, places taken, active cycles, handovers."""
    district = lead_district(user)
    if district is None:
        return []
    loads = coach_loads(district)
    coaches = (
        access.coaches_visible_to(user)
        .filter(district=district)
        .select_related("user")
        .annotate(
            active=Count("cycles", filter=Q(cycles__status="active"), distinct=True),
            schools_served=Count("schools", distinct=True),
        )
    )
    return [
        {
            "coach": c,
            "load": loads.get(c.pk, 0),
            "free": max(0, c.capacity - loads.get(c.pk, 0)),
            "active": c.active,
            "schools": c.schools_served,
        }
        for c in coaches
    ]


def offers_taken(user: AnyUser) -> QuerySet[MatchProposal]:
    return (
        coaching_access.proposals_visible_to(user)
        .filter(kind=ProposalKind.OFFER, status__in=[ProposalStatus.ACCEPTED, ProposalStatus.DECLINED])
        .select_related("teacher__user", "teacher__school")
    )


@dataclass(frozen=True)
class QuadrantRow:
    school: School
    cells: list[int | None]  # None where suppressed
    total: int | None


@dataclass(frozen=True)
class QuadrantTable:
    rows: list[QuadrantRow]
    totals: list[int | None] | None  # None when the table has too many schools for exact totals
    grand_total: int | None
    min_size: int
    quadrants: list[Quadrant]


# Up to this many schools the table shows district totals, suppressed exactly over the whole grid.
# Beyond it each school's row is suppressed on its own and the totals row is left out: exact
# complementary suppression over a 1,000-school grid is too slow for a page, and totals shown
# beside independently suppressed rows could give hidden cells away.
GRID_LIMIT = 20


def quadrant_distribution(user: AnyUser) -> QuadrantTable:
    """Teachers with an intake per school × quadrant, suppressed below the district's minimum group size.

    Shown beyond the teacher and coach, so every cell goes through `core.privacy.suppress_audited`
    with the lines the table shows (row totals, and column totals when they are shown): no hidden
    count can be worked out, with whole numbers and non-negativity as well as sums.
    """
    schools = list(access.schools_with_trends_for(user).select_related("district").order_by("name"))
    quadrants = list(Quadrant)
    keys = [q.value for q in quadrants]
    raw = {
        (row["teacher__school_id"], row["quadrant"]): row["n"]
        for row in TeacherIntake.objects.filter(teacher__school__in=schools)
        .values("teacher__school_id", "quadrant")
        .annotate(n=Count("id"))
    }
    counts: dict[Any, int] = {}
    for s in schools:
        for q in keys:
            counts[(s.pk, q)] = raw.get((s.pk, q), 0)
        counts[(s.pk, "total")] = sum(counts[(s.pk, q)] for q in keys)
    min_size = schools[0].district.min_group_size if schools else group_size.DEFAULT
    with_totals = len(schools) <= GRID_LIMIT
    hidden: set[Any] = set()
    if with_totals:
        for q in keys:
            counts[("total", q)] = sum(counts[(s.pk, q)] for s in schools)
        counts[("total", "total")] = sum(counts[("total", q)] for q in keys)
        hidden |= privacy.suppress_audited(
            counts, privacy.grid_lines([s.pk for s in schools], keys), min_size
        )
    else:
        for s in schools:
            row = {k: counts[k] for k in [*((s.pk, q) for q in keys), (s.pk, "total")]}
            line = privacy.Line(tuple((s.pk, q) for q in keys), (s.pk, "total"))
            hidden |= privacy.suppress_audited(row, [line], min_size)

    def shown(key: Any) -> int | None:
        return None if key in hidden else counts[key]

    rows = [QuadrantRow(s, [shown((s.pk, q)) for q in keys], shown((s.pk, "total"))) for s in schools]
    if not with_totals:
        return QuadrantTable(rows, None, None, min_size, quadrants)
    return QuadrantTable(
        rows, [shown(("total", q)) for q in keys], shown(("total", "total")), min_size, quadrants
    )
