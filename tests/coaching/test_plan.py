"""A matching round's plan: routing falls through with reasons, the solver's constraints hold, and
every explanation adds up."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from coachmap.coaching.bestfit.matching.model import CoachIn, Problem, RequestIn, Weights, fit, score
from coachmap.coaching.bestfit.matching.plan import plan_round
from coachmap.coaching.bestfit.placement import Quadrant
from coachmap.coaching.bestfit.routing import DEFAULT_ROUTES, SUPPORT_TYPE_LABELS
from coachmap.core.models import CoachType

TYPES = list(SUPPORT_TYPE_LABELS)
NEEDS = ["lexia", "seesaw", "exit tickets", "small groups", "ela", "math"]


def request(rid: int, **kw: object) -> RequestIn:
    defaults: dict[str, object] = {
        "id": rid,
        "teacher_id": rid,
        "teacher": f"Teacher {rid}",
        "school_id": 1,
        "school": "Maple Elementary",
        "band": "elementary",
        "subjects": frozenset({"ela"}),
        "needs": frozenset({"lexia"}),
        "quadrant": Quadrant.NEW_CONFIDENT,
        "types": ("technology", "mentor"),
        "offers": ("micro_coaching", "workshop"),
    }
    defaults.update(kw)
    return RequestIn(**defaults)  # type: ignore[arg-type]


def coach(cid: int, ctype: str = "technology", **kw: object) -> CoachIn:
    defaults: dict[str, object] = {
        "id": cid,
        "name": f"Coach {cid}",
        "type": ctype,
        "schools": frozenset({1}),
        "capacity": 5,
        "load": 0,
        "competencies": frozenset({"lexia"}),
        "grade_bands": frozenset({"elementary"}),
        "content_areas": frozenset({"ela"}),
        "quadrants": frozenset({"new_confident"}),
    }
    defaults.update(kw)
    return CoachIn(**defaults)  # type: ignore[arg-type]


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n_coaches = draw(st.integers(0, 6))
    coaches = tuple(
        CoachIn(
            id=100 + i,
            name=f"Coach {i}",
            type=draw(st.sampled_from(TYPES)),
            schools=frozenset(draw(st.sets(st.integers(1, 3), min_size=1))),
            capacity=draw(st.integers(1, 4)),
            load=draw(st.integers(0, 4)),
            competencies=frozenset(draw(st.sets(st.sampled_from(NEEDS)))),
            content_areas=frozenset(draw(st.sets(st.sampled_from(["ela", "math"])))),
            grade_bands=frozenset(draw(st.sets(st.sampled_from(["elementary", "middle", "high"])))),
            quadrants=frozenset(draw(st.sets(st.sampled_from([q.value for q in Quadrant])))),
            languages=frozenset(draw(st.sets(st.sampled_from(["english", "spanish"])))),
        )
        for i in range(n_coaches)
    )
    coach_ids = [c.id for c in coaches]
    n_requests = draw(st.integers(0, 10))
    requests = []
    for rid in range(n_requests):
        quadrant = draw(st.sampled_from(list(Quadrant)))
        route = DEFAULT_ROUTES[quadrant]
        requests.append(
            RequestIn(
                id=rid,
                teacher_id=draw(st.integers(0, max(0, n_requests - 2))),
                teacher=f"Teacher {rid}",
                school_id=draw(st.integers(1, 3)),
                school="A school",
                band=draw(st.sampled_from(["elementary", "middle", "high"])),
                subjects=frozenset(draw(st.sets(st.sampled_from(["ela", "math"])))),
                needs=frozenset(draw(st.sets(st.sampled_from(NEEDS)))),
                quadrant=quadrant,
                types=route.types,
                offers=tuple(str(o) for o in route.offers),
                previous_coaches=frozenset(draw(st.sets(st.sampled_from(coach_ids))))
                if coach_ids
                else frozenset(),
                preferred_coach=draw(st.none() | st.sampled_from(coach_ids)) if coach_ids else None,
                language=draw(st.sampled_from(["", "Spanish"])),
                excluded_coaches=frozenset(draw(st.sets(st.sampled_from(coach_ids), max_size=1)))
                if coach_ids
                else frozenset(),
                blocked=draw(st.sampled_from(["", "", "", "Already working with a coach."])),
            )
        )
    weights = Weights(*draw(st.lists(st.integers(0, 50), min_size=6, max_size=6)))
    return Problem(tuple(requests), coaches, weights)


@settings(max_examples=300, deadline=None)
@given(problems())
def test_a_round_respects_capacity_routed_type_and_one_coach_per_teacher(problem: Problem) -> None:
    plan = plan_round(problem)
    coaches = {c.id: c for c in problem.coaches}
    requests = {r.id: r for r in problem.requests}
    per_coach = Counter(m.coach_id for m in plan.matches)
    for coach_id, n in per_coach.items():
        assert n <= coaches[coach_id].free, "capacity exceeded"
    teachers = [requests[m.request_id].teacher_id for m in plan.matches]
    assert len(teachers) == len(set(teachers)), "a teacher got two coaches"
    for m in plan.matches:
        r, c = requests[m.request_id], coaches[m.coach_id]
        assert c.type == m.support_type, "matched outside the routed type"
        assert m.support_type in r.types
        assert r.school_id in c.schools
        assert c.id not in r.excluded_coaches
        assert not r.blocked
    assert {m.request_id for m in plan.matches} | {u.request_id for u in plan.unmatched} == set(requests)
    assert len(plan.matches) + len(plan.unmatched) == len(requests)


@settings(max_examples=300, deadline=None)
@given(problems())
def test_every_explanation_adds_up_to_its_score(problem: Problem) -> None:
    plan = plan_round(problem)
    for m in plan.matches:
        e = m.explanation
        assert sum(p["points"] for p in e["parts"]) == e["score"] == m.score
        if e["alternative"] is not None:
            assert e["alternative"]["why"]
    for u in plan.unmatched:
        assert u.explanation["instead"]
        assert u.explanation["trail"] or u.explanation["offer"]


@settings(max_examples=200, deadline=None)
@given(problems())
def test_a_request_falls_to_the_next_type_only_when_no_coach_of_the_earlier_type_can_take_it(
    problem: Problem,
) -> None:
    plan = plan_round(problem)
    requests = {r.id: r for r in problem.requests}
    for m in plan.matches:
        r = requests[m.request_id]
        skipped = r.types.index(m.support_type)
        assert len(m.explanation["trail"]) == skipped, "each skipped type leaves its reason"


def test_fit_parts_are_explained_and_add_up() -> None:
    r = request(1, needs=frozenset({"lexia", "seesaw"}), preferred_coach=7, previous_coaches=frozenset({7}))
    c = coach(7, capacity=10, load=5)
    f = fit(r, c, Weights())
    assert f.score == score(r, c, Weights()) == sum(p.points for p in f.parts)
    details = {p.key: p.detail for p in f.parts}
    assert details["needs"] == "Covers 1 of 2 needs: lexia"
    assert details["continuity"] == "Coached Teacher 1 before"
    assert details["load"] == "5 of 10 places free before this round"
    # needs 17.5 + grade/subject 20 + quadrant 15 + continuity 10 + preference 10 + load 5
    assert f.score == 775


def test_a_request_no_technology_coach_can_take_falls_to_the_mentor_with_the_reason_shown() -> None:
    full = coach(1, capacity=3, load=3)
    mentor = coach(2, "mentor")
    plan = plan_round(Problem((request(1),), (full, mentor)))
    (m,) = plan.matches
    assert (m.coach_id, m.support_type) == (2, "mentor")
    assert m.explanation["trail"] == [
        "Technology coach: the 1 coach serving Maple Elementary had no free places."
    ]
    assert m.explanation["route"].startswith("New-teacher mentor: choice 2")


def test_when_no_support_type_is_left_the_quadrants_first_lighter_offer_is_made() -> None:
    plan = plan_round(Problem((request(1),), ()))
    (u,) = plan.unmatched
    assert u.offer == "micro_coaching"
    assert u.explanation["trail"] == [
        "Technology coach: none serves Maple Elementary.",
        "New-teacher mentor: none serves Maple Elementary.",
    ]
    assert u.explanation["instead"].startswith("Offered instead: micro-coaching")


def test_an_offer_the_teacher_declined_is_not_made_again() -> None:
    plan = plan_round(Problem((request(1, declined_offers=frozenset({"micro_coaching"})),), ()))
    assert plan.unmatched[0].offer == "workshop"


def test_a_busy_coach_loses_to_the_solver_and_the_explanation_says_why() -> None:
    # One technology coach with one place; two teachers want them. The one who fits better wins;
    # the other falls to the mentor and is told why.
    tech = coach(1, capacity=1)
    mentor = coach(2, "mentor", competencies=frozenset())
    strong = request(1, needs=frozenset({"lexia"}))
    weak = request(2, needs=frozenset({"seesaw"}))
    plan = plan_round(Problem((strong, weak), (tech, mentor)))
    got = {m.request_id: m for m in plan.matches}
    assert got[1].coach_id == 1
    assert got[2].coach_id == 2
    assert got[2].explanation["trail"] == [
        "Technology coach: the free places of the 1 coach serving Maple Elementary went to requests they fit better."
    ]


def test_the_best_alternative_and_why_it_lost_are_named() -> None:
    good = coach(1, competencies=frozenset({"lexia"}))
    weaker = coach(2, competencies=frozenset())
    plan = plan_round(Problem((request(1),), (good, weaker)))
    alternative = plan.matches[0].explanation["alternative"]
    assert alternative["coach"] == "Coach 2"
    assert alternative["why"].startswith("Coach 2 fits less well (")
    assert "competencies cover the teacher's needs" in alternative["why"]


def test_a_teacher_already_in_a_cycle_is_not_matched_and_gets_no_offer() -> None:
    plan = plan_round(
        Problem((request(1, blocked="Already working with a coach in an active cycle."),), (coach(1),))
    )
    assert plan.matches == []
    assert plan.unmatched[0].offer == ""
    assert plan.unmatched[0].explanation["instead"].startswith("Nothing is offered")


def test_support_types_are_the_coach_types() -> None:
    assert set(SUPPORT_TYPE_LABELS) == set(CoachType.values)
    assert dict(CoachType.choices) == SUPPORT_TYPE_LABELS
