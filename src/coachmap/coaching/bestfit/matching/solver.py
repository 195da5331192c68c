"""The assignment: the greatest total fit, and among assignments with that fit, the most requests served.

An instance is a bipartite graph of requests and coaches with a fit score on each allowed pair,
a capacity on each coach, and the teacher each request belongs to (a teacher gets at most one
coach, even with two open requests). It is solved as a min-cost flow:

    source ─(1)→ teacher ─(1)→ request ─(1, −value)→ coach ─(free places)→ sink
    source ──────────────────(unused supply, cost 0)──────────────────────→ sink

where value = fit × (requests + 1) + 1: fit decides, and the +1 per request served breaks ties
toward serving more (it can never outweigh a tenth of a point of fit). `solve` (OR-Tools) finds
the optimum; `solve_reference` solves the same objective as a linear program with HiGHS (SciPy),
for checking; `solve_greedy` is the baseline a program lead would do by hand (best pair first).
Pure: plain data in, plain data out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

CHOSEN = 0.5  # a binary variable above this is taken as chosen (the solver returns floats)


@dataclass(frozen=True)
class Instance:
    teachers: tuple[int, ...]  # per request: a key for its teacher
    capacities: tuple[int, ...]  # per coach: free places
    arcs: tuple[tuple[int, int, int], ...]  # (request index, coach index, fit score in tenths)

    @property
    def n_requests(self) -> int:
        return len(self.teachers)


@dataclass(frozen=True)
class Solution:
    coach_of: tuple[int | None, ...]  # per request: the coach index, or None
    matched: int
    total: int  # total fit in tenths of a point

    @staticmethod
    def of(instance: Instance, coach_of: Sequence[int | None]) -> Solution:
        scores = {(r, c): s for r, c, s in instance.arcs}
        chosen = [(r, c) for r, c in enumerate(coach_of) if c is not None]
        return Solution(tuple(coach_of), len(chosen), sum(scores[rc] for rc in chosen))


def check(instance: Instance, solution: Solution) -> list[str]:
    """What is wrong with a solution: a capacity exceeded, a pair not allowed, a teacher twice."""
    problems = []
    allowed = {(r, c) for r, c, _ in instance.arcs}
    used = [0] * len(instance.capacities)
    teachers: set[int] = set()
    for r, c in enumerate(solution.coach_of):
        if c is None:
            continue
        if (r, c) not in allowed:
            problems.append(f"request {r} got coach {c}, which is not allowed")
        used[c] += 1
        if instance.teachers[r] in teachers:
            problems.append(f"teacher {instance.teachers[r]} got two coaches")
        teachers.add(instance.teachers[r])
    problems += [f"coach {c} over capacity" for c, n in enumerate(used) if n > instance.capacities[c]]
    return problems


def _values(scores: np.ndarray, n_requests: int) -> np.ndarray:
    """Fit first, then one more request served: fit × (requests + 1) + 1, exact in integers."""
    return scores.astype(np.int64) * (n_requests + 1) + 1


def solve(instance: Instance) -> Solution:
    """The optimum by min-cost flow (OR-Tools)."""
    from ortools.graph.python import min_cost_flow

    n_req = instance.n_requests
    if not instance.arcs or n_req == 0:
        return Solution((None,) * n_req, 0, 0)
    teacher_keys = sorted(set(instance.teachers))
    teacher_node = {t: 1 + i for i, t in enumerate(teacher_keys)}
    request0 = 1 + len(teacher_keys)
    coach0 = request0 + n_req
    sink = coach0 + len(instance.capacities)
    arcs = np.array(instance.arcs, dtype=np.int64)
    tails = np.concatenate(
        [
            np.zeros(len(teacher_keys), dtype=np.int64),
            np.array([teacher_node[t] for t in instance.teachers], dtype=np.int64),
            request0 + arcs[:, 0],
            coach0 + np.arange(len(instance.capacities), dtype=np.int64),
        ]
    )
    heads = np.concatenate(
        [
            np.arange(1, 1 + len(teacher_keys), dtype=np.int64),
            request0 + np.arange(n_req, dtype=np.int64),
            coach0 + arcs[:, 1],
            np.full(len(instance.capacities), sink, dtype=np.int64),
        ]
    )
    capacities = np.concatenate(
        [
            np.ones(len(teacher_keys) + n_req + len(arcs), dtype=np.int64),
            np.array(instance.capacities, dtype=np.int64),
            np.array([len(teacher_keys)], dtype=np.int64),
        ]
    )
    costs = np.concatenate(
        [
            np.zeros(len(teacher_keys) + n_req, dtype=np.int64),
            -_values(arcs[:, 2], n_req),
            np.zeros(len(instance.capacities) + 1, dtype=np.int64),
        ]
    )
    tails = np.append(tails, 0)
    heads = np.append(heads, sink)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_node_supply(0, len(teacher_keys))
    flow.set_node_supply(sink, -len(teacher_keys))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not reach an optimum (status {status})")
    first = len(teacher_keys) + n_req
    used = flow.flows(np.arange(first, first + len(arcs), dtype=np.int64))
    coach_of: list[int | None] = [None] * n_req
    for (r, c, _), f in zip(instance.arcs, used.tolist(), strict=True):
        if f:
            coach_of[r] = c
    return Solution.of(instance, coach_of)


def solve_reference(instance: Instance) -> Solution:
    """The same optimum by linear programming (HiGHS through SciPy), for checking `solve`.

    The constraint matrix is a network matrix, so the LP optimum is integral; the solution is read
    back as 0/1 and its objective counted exactly.
    """
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, vstack

    n_req = instance.n_requests
    if not instance.arcs:
        return Solution((None,) * n_req, 0, 0)
    arcs = np.array(instance.arcs, dtype=np.int64)
    n = len(arcs)
    teacher_keys = sorted(set(instance.teachers))
    row_of_teacher = {t: i for i, t in enumerate(teacher_keys)}
    teacher_rows = np.array([row_of_teacher[instance.teachers[r]] for r in arcs[:, 0]])
    cols = np.arange(n)
    a_teacher = csr_matrix((np.ones(n), (teacher_rows, cols)), shape=(len(teacher_keys), n))
    a_request = csr_matrix((np.ones(n), (arcs[:, 0], cols)), shape=(n_req, n))
    a_coach = csr_matrix((np.ones(n), (arcs[:, 1], cols)), shape=(len(instance.capacities), n))
    a_ub = vstack([a_teacher, a_request, a_coach]).tocsr()
    b_ub = np.concatenate([np.ones(len(teacher_keys)), np.ones(n_req), np.array(instance.capacities, float)])
    best = linprog(
        -_values(arcs[:, 2], n_req).astype(float), A_ub=a_ub, b_ub=b_ub, bounds=(0, 1), method="highs"
    )
    if best.status != 0:
        raise RuntimeError(f"HiGHS could not solve the assignment LP: {best.message}")
    coach_of: list[int | None] = [None] * n_req
    for (r, c, _), x in zip(instance.arcs, best.x.tolist(), strict=True):
        if x > CHOSEN:
            coach_of[r] = c
    return Solution.of(instance, coach_of)


def solve_greedy(instance: Instance) -> Solution:
    """Best pair first, as someone working down a sorted list would: the baseline, not the answer."""
    free = list(instance.capacities)
    coach_of: list[int | None] = [None] * instance.n_requests
    served: set[int] = set()
    for r, c, _ in sorted(instance.arcs, key=lambda a: (-a[2], a[0], a[1])):
        teacher = instance.teachers[r]
        if coach_of[r] is None and teacher not in served and free[c] > 0:
            coach_of[r] = c
            free[c] -= 1
            served.add(teacher)
    return Solution.of(instance, coach_of)
