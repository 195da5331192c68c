"""A matching round as a plan: routing step by step, one optimal solve per step, explanations.

Step 1 routes every request to the first support type of its route that has a coach serving
the teacher's school with a free place, and solves the assignment for all of them at once. A
request left without a coach falls to the next type of its route at step 2 (with the places
that are left), and so on; a request with no type left gets its quadrant's first lighter offer
(one the teacher has not declined). Every step that fails for a request leaves a reason.

Pure Python: no Django, no database.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from coachmap.coaching.bestfit.matching import explain
from coachmap.coaching.bestfit.matching.model import CoachIn, Problem, RequestIn, fit, score
from coachmap.coaching.bestfit.matching.solver import Instance, Solution, solve
from coachmap.coaching.bestfit.routing import type_label

Solver = Callable[[Instance], Solution]


@dataclass(frozen=True)
class Match:
    request_id: int
    coach_id: int
    support_type: str
    score: int
    explanation: dict[str, Any]


@dataclass(frozen=True)
class Unmatched:
    request_id: int
    offer: str
    explanation: dict[str, Any]


@dataclass
class Plan:
    matches: list[Match] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    steps: int = 0
    solve_seconds: float = 0.0
    instances: list[Instance] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(m.score for m in self.matches)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 'es' if word.endswith('ch') else 's'}"


def plan_round(problem: Problem, solver: Solver = solve, keep_instances: bool = False) -> Plan:  # noqa: PLR0912, PLR0915 - the routing steps read in the order the docs give them
    weights = problem.weights
    serving: dict[tuple[int, str], list[CoachIn]] = defaultdict(list)
    for coach in problem.coaches:
        for school in coach.schools:
            serving[(school, coach.type)].append(coach)
    free = {c.id: c.free for c in problem.coaches}
    step = {r.id: 0 for r in problem.requests}
    trails: dict[int, list[str]] = {r.id: [] for r in problem.requests}
    served: set[int] = set()
    plan = Plan()
    pending: list[RequestIn] = []
    for r in problem.requests:
        if r.blocked:
            plan.unmatched.append(Unmatched(r.id, "", explain.unmatched_explanation(r, [r.blocked], "")))
        else:
            pending.append(r)
    leftovers: list[RequestIn] = []
    while pending:
        batch: list[tuple[RequestIn, str, list[CoachIn], list[CoachIn]]] = []
        for r in pending:
            if r.teacher_id in served:
                trails[r.id].append("This teacher was matched on another request in this round.")
                plan.unmatched.append(Unmatched(r.id, "", explain.unmatched_explanation(r, trails[r.id], "")))
                continue
            routed = _route(r, step, serving, free, trails[r.id])
            if routed is None:
                leftovers.append(r)
            else:
                batch.append((r, *routed))
        if not batch:
            break
        plan.steps += 1
        coach_index: dict[int, int] = {}
        coach_list: list[CoachIn] = []
        arcs: list[tuple[int, int, int]] = []
        for i, (r, _type, _serving, open_) in enumerate(batch):
            for c in open_:
                if c.id not in coach_index:
                    coach_index[c.id] = len(coach_list)
                    coach_list.append(c)
                arcs.append((i, coach_index[c.id], score(r, c, weights)))
        instance = Instance(
            tuple(r.teacher_id for r, *_ in batch), tuple(free[c.id] for c in coach_list), tuple(arcs)
        )
        if keep_instances:
            plan.instances.append(instance)
        started = time.perf_counter()
        solution = solver(instance)
        plan.solve_seconds += time.perf_counter() - started
        free_before = dict(free)
        won: list[tuple[RequestIn, str, list[CoachIn], CoachIn]] = []
        pending = []
        for i, (r, support_type, candidates, _open) in enumerate(batch):
            chosen = solution.coach_of[i]
            if chosen is None:
                trails[r.id].append(
                    f"{type_label(support_type)}: the free places of the {plural(len(_open), 'coach')} "
                    f"serving {r.school} went to requests they fit better."
                )
                step[r.id] += 1
                pending.append(r)
            else:
                coach = coach_list[chosen]
                free[coach.id] -= 1
                served.add(r.teacher_id)
                won.append((r, support_type, candidates, coach))
        for r, support_type, candidates, coach in won:
            f = fit(r, coach, weights)
            alternative = explain.best_alternative(
                r, coach, f.score, candidates, weights=weights, free_before=free_before, free_after=free
            )
            plan.matches.append(
                Match(
                    r.id,
                    coach.id,
                    support_type,
                    f.score,
                    explain.match_explanation(
                        r,
                        coach,
                        support_type,
                        step[r.id] + 1,
                        f=f,
                        trail=trails[r.id],
                        alternative=alternative,
                    ),
                )
            )
    for r in leftovers:
        offer = next((o for o in r.offers if o not in r.declined_offers), "")
        plan.unmatched.append(Unmatched(r.id, offer, explain.unmatched_explanation(r, trails[r.id], offer)))
    return plan


def _route(
    r: RequestIn,
    step: dict[int, int],
    serving: dict[tuple[int, str], list[CoachIn]],
    free: dict[int, int],
    trail: list[str],
) -> tuple[str, list[CoachIn], list[CoachIn]] | None:
    """The request's next support type that has a coach with a free place, or None when none is left."""
    if not r.types and not trail:
        trail.append(f"The district sends {r.quadrant.label.lower()} teachers to lighter offers.")
    while step[r.id] < len(r.types):
        support_type = r.types[step[r.id]]
        candidates = [
            c for c in serving.get((r.school_id, support_type), []) if c.id not in r.excluded_coaches
        ]
        open_ = [c for c in candidates if free[c.id] > 0]
        if not candidates:
            excluded = any(c.id in r.excluded_coaches for c in serving.get((r.school_id, support_type), []))
            trail.append(
                f"{type_label(support_type)}: none serves {r.school}"
                + (" other than one the teacher declined or is leaving." if excluded else ".")
            )
        elif not open_:
            trail.append(
                f"{type_label(support_type)}: the {plural(len(candidates), 'coach')} serving {r.school} "
                "had no free places."
            )
        else:
            return support_type, candidates, open_
        step[r.id] += 1
    return None
