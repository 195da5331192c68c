"""Known effects planted in generated data, so the impact estimates can be checked against the truth.

`shifts` is the one function that plants them: the demo generator adds its result to the spring and
state scores of last school year (`coachmap demo-data --coaching-effect --tool-effect`), and the
coverage benchmark (`bench/impact.py`) adds it to the small districts `simulate` draws. Both then go
through the same estimator the pages use (`coachmap.impact.estimate`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from coachmap.impact.estimate import Sample


@dataclass(frozen=True)
class Planted:
    """Scale-score points added to a student's outcome: for a teacher who completed a coaching cycle,
    and per 10 minutes a week of a goal's subject tool."""

    coaching_points: float = 0.0
    tool_points_per_10_minutes: float = 0.0


# What `make demo` plants, so the impact pages have something real to find (docs/impact.md says so).
DEMO_PLANTED = Planted(coaching_points=4.0, tool_points_per_10_minutes=1.5)


def shifts(
    *, coached: npt.NDArray[np.float64], dose: npt.NDArray[np.float64], planted: Planted
) -> npt.NDArray[np.int64]:
    """Whole scale-score points to add to each student's outcome (scores are whole points)."""
    raw = planted.coaching_points * coached + planted.tool_points_per_10_minutes * dose / 10.0
    return np.rint(raw).astype(np.int64)


def simulate(
    rng: np.random.Generator,
    planted: Planted,
    *,
    schools: int = 4,
    grades: int = 3,
    teachers_per_cell: int = 6,
    students_per_teacher: int = 20,
) -> tuple[Sample, Sample]:
    """A small district at the extracted-data level: (coaching sample, tool-dose sample).

    Scores follow the demo generator's model (ability, group gaps, growth, test noise; 25 points per
    unit of ability), with a teacher effect on growth so clustering matters. Half the teachers of each
    school × grade, chosen at random, completed a cycle; every student has a dose of the subject tool.
    """
    n_cells = schools * grades
    n_teachers = n_cells * teachers_per_cell
    n = n_teachers * students_per_teacher
    teacher = np.repeat(np.arange(n_teachers), students_per_teacher)
    cell = teacher // teachers_per_cell
    school_effect = rng.normal(0, 0.25, size=schools)[cell // grades]
    grade = cell % grades
    el = rng.random(n) < 0.15
    ed = rng.random(n) < 0.5
    ability = school_effect - 0.35 * ed - 0.45 * el + rng.normal(0, 0.9, size=n)
    growth_rate = rng.normal(1.0, 0.25, size=n) - 0.15 * el
    teacher_growth = rng.normal(0, 0.08, size=n_teachers)[teacher]
    fall = np.round(300 + 10 * grade + 25 * (ability + rng.normal(0, 0.2, size=n)))
    spring_theta = ability + 0.25 * growth_rate + teacher_growth + rng.normal(0, 0.2, size=n)
    spring = np.round(300 + 10 * grade + 25 * spring_theta)
    coached_teachers = np.zeros(n_teachers)
    for c in range(n_cells):
        members = np.arange(c * teachers_per_cell, (c + 1) * teachers_per_cell)
        coached_teachers[rng.choice(members, size=teachers_per_cell // 2, replace=False)] = 1.0
    coached = coached_teachers[teacher]
    dose = rng.gamma(4.0, 10.0, size=n) * np.where(el, 1.4, 1.0)
    spring = spring + shifts(coached=coached, dose=dose, planted=planted)
    covariates = np.column_stack([el, ed]).astype(float)
    cell = cell.astype(np.int64)
    teacher = teacher.astype(np.int64)
    coaching = Sample(spring, fall, coached, cell, teacher, covariates)
    tool = Sample(spring, fall, dose, cell, teacher, np.column_stack([covariates, coached]))
    return coaching, tool
