"""The solver finds the true optimum: checked against brute force and against HiGHS on random instances."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from coachmap.coaching.bestfit.matching.solver import (
    Instance,
    Solution,
    check,
    solve,
    solve_greedy,
    solve_reference,
)


@st.composite
def instances(draw: st.DrawFn, max_requests: int = 6, max_coaches: int = 3) -> Instance:
    n_req = draw(st.integers(0, max_requests))
    n_coach = draw(st.integers(1, max_coaches))
    teachers = tuple(draw(st.lists(st.integers(0, max(0, n_req - 1)), min_size=n_req, max_size=n_req)))
    capacities = tuple(draw(st.lists(st.integers(0, 3), min_size=n_coach, max_size=n_coach)))
    arcs = []
    for r in range(n_req):
        for c in range(n_coach):
            if draw(st.booleans()):
                arcs.append((r, c, draw(st.integers(0, 1000))))
    return Instance(teachers, capacities, tuple(arcs))


def brute_force(instance: Instance) -> tuple[int, int]:
    """(greatest total fit, most requests served among those), by trying every assignment."""
    options: list[list[int | None]] = [[None] for _ in range(instance.n_requests)]
    for r, c, _ in instance.arcs:
        options[r].append(c)
    best = (0, 0)
    for choice in itertools.product(*options):
        solution = Solution.of(instance, list(choice))
        if not check(instance, solution):
            best = max(best, (solution.total, solution.matched))
    return best


@settings(max_examples=300, deadline=None)
@given(instances())
def test_solver_finds_the_same_optimum_as_brute_force(instance: Instance) -> None:
    solution = solve(instance)
    assert (solution.total, solution.matched) == brute_force(instance)


@settings(max_examples=200, deadline=None)
@given(instances(max_requests=12, max_coaches=5))
def test_solver_agrees_with_the_highs_reference(instance: Instance) -> None:
    ours, reference = solve(instance), solve_reference(instance)
    assert (ours.matched, ours.total) == (reference.matched, reference.total)
    assert not check(instance, reference)


@settings(max_examples=300, deadline=None)
@given(instances(max_requests=12, max_coaches=5))
def test_capacity_is_never_exceeded_and_no_teacher_gets_two_coaches(instance: Instance) -> None:
    solution = solve(instance)
    assert check(instance, solution) == []
    per_coach = [sum(1 for c in solution.coach_of if c == k) for k in range(len(instance.capacities))]
    assert all(n <= cap for n, cap in zip(per_coach, instance.capacities, strict=True))
    teachers = [instance.teachers[r] for r, c in enumerate(solution.coach_of) if c is not None]
    assert len(teachers) == len(set(teachers))


@settings(max_examples=200, deadline=None)
@given(instances(max_requests=12, max_coaches=5))
def test_greedy_never_beats_the_optimum(instance: Instance) -> None:
    optimum, greedy = solve(instance), solve_greedy(instance)
    assert check(instance, greedy) == []
    assert greedy.total <= optimum.total


def test_the_solver_finds_more_fit_where_greedy_takes_the_best_pair_first() -> None:
    # Coach 0 has one place. Request 0 fits coach 0 best (90) but nearly as well coach 1 (80);
    # request 1 can only go to coach 0 (85). Best pair first leaves request 1 unserved.
    instance = Instance(teachers=(0, 1), capacities=(1, 1), arcs=((0, 0, 900), (0, 1, 800), (1, 0, 850)))
    greedy = solve_greedy(instance)
    assert (greedy.matched, greedy.total) == (1, 900)
    optimum = solve(instance)
    assert optimum.coach_of == (1, 0)
    assert (optimum.matched, optimum.total) == (2, 1650)


def test_among_equally_good_assignments_the_one_serving_more_wins() -> None:
    # A zero-fit pair still serves a teacher: it is taken when it costs no fit.
    instance = Instance(teachers=(0, 1), capacities=(2,), arcs=((0, 0, 0), (1, 0, 300)))
    assert solve(instance).matched == 2


def test_an_empty_round_is_solved_to_nothing() -> None:
    assert solve(Instance((), (3,), ())) == Solution((), 0, 0)
    assert solve(Instance((0,), (0,), ((0, 0, 500),))).coach_of == (None,)
