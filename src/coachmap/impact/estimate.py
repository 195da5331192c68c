"""Impact estimates over extracted data: pure statistics, no database.

One row per student: the outcome score, the baseline score, the exposure (1 for a student of a
teacher who completed a coaching cycle, 0 for a comparable teacher's student; or a tool's dose in
minutes per student-week), the school × grade cell, the teacher (the cluster) and optional
covariates (student-group flags). Two designs:

- **adjusted** — outcome on exposure and baseline (and covariates) with school × grade fixed
  effects: a covariate-adjusted difference (ANCOVA).
- **gain** — the fall-to-spring (or year-to-year) gain on exposure with the same fixed effects: a
  difference in differences (coached minus comparison, after minus before).

The fixed effects are absorbed by taking each cell's mean out (Frisch–Waugh–Lovell), then
statsmodels fits OLS with standard errors clustered by teacher. The absorbed cell means are
parameters too, so the small-sample factor counts them, exactly as the same model fitted with one
dummy per cell would (`tests/impact/test_estimate.py` checks both to 1e-9).

Baseline equivalence follows the What Works Clearinghouse: the baseline difference in standard
deviations (Hedges' g) is fine up to 0.05, acceptable from 0.05 to 0.25 only when the baseline is
adjusted for, and above 0.25 there is no estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
from statsmodels.regression.linear_model import OLS

Method = Literal["adjusted", "gain"]
METHODS: tuple[Method, ...] = ("adjusted", "gain")
Equivalence = Literal["satisfied", "adjust", "not_equivalent", "unknown"]

EQUIVALENT_SD = 0.05
ADJUSTABLE_SD = 0.25
DOSE_UNIT = 10.0  # a tool's effect is per 10 minutes per student-week
CONSTANT = 1e-12  # a column that varies less than this within cells carries nothing
STUDENT_FLOOR = 30  # fewer students on a side than this and no estimate is shown, whatever the group size

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Sample:
    """Extracted data, one row per student."""

    outcome: Floats
    baseline: Floats
    exposure: Floats
    cell: Ints
    cluster: Ints
    covariates: Floats = field(default_factory=lambda: np.zeros((0, 0)))

    def __len__(self) -> int:
        return int(self.outcome.shape[0])

    def take(self, mask: Bools) -> Sample:
        at = np.flatnonzero(mask)  # once, rather than a boolean pass for each column
        cov = self.covariates[at] if self.covariates.size else self.covariates
        return Sample(
            self.outcome[at],
            self.baseline[at],
            self.exposure[at],
            self.cell[at],
            self.cluster[at],
            cov,
        )


@dataclass(frozen=True)
class Fit:
    """One coefficient, as statsmodels reports it with teacher-clustered standard errors."""

    coef: float
    se: float
    low: float
    high: float
    p: float
    students: int
    clusters: int


@dataclass(frozen=True)
class Estimate:
    """What a page shows for one comparison; `shown` is False with a `reason` when it must not be."""

    kind: Literal["coaching", "dose"]
    method: Method
    shown: bool
    reason: str = ""
    points: float | None = None
    low: float | None = None
    high: float | None = None
    sd: float | None = None
    sd_low: float | None = None
    sd_high: float | None = None
    p: float | None = None
    outcome_sd: float | None = None
    baseline_gap_sd: float | None = None
    equivalence: Equivalence = "unknown"
    teachers: tuple[int, int] = (0, 0)  # (coached or higher dose, comparison or lower dose)
    students: tuple[int, int] = (0, 0)

    @property
    def significant(self) -> bool:
        return (
            self.shown and self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)
        )


# --- the fit --------------------------------------------------------------------------------------


def absorb(values: Floats, cell: Ints) -> tuple[Floats, int]:
    """`values` (n or n × k) with each cell's mean taken out, and the number of cells."""
    codes, inverse = np.unique(cell, return_inverse=True)
    counts = np.bincount(inverse).astype(float)
    if values.ndim == 1:
        means = np.bincount(inverse, weights=values) / counts
        return values - means[inverse], len(codes)
    out = np.empty_like(values, dtype=float)
    for j in range(values.shape[1]):
        means = np.bincount(inverse, weights=values[:, j]) / counts
        out[:, j] = values[:, j] - means[inverse]
    return out, len(codes)


def design(sample: Sample, method: Method) -> tuple[Floats, Floats]:
    """The response and the regressors before the fixed effects: exposure first."""
    if method == "gain":
        y = sample.outcome - sample.baseline
        columns = [sample.exposure]
    else:
        y = sample.outcome
        columns = [sample.exposure, sample.baseline]
    if sample.covariates.size:
        columns += [sample.covariates[:, j] for j in range(sample.covariates.shape[1])]
    return y.astype(float), np.column_stack(columns).astype(float)


def fit(sample: Sample, method: Method = "adjusted") -> Fit:
    """OLS with school × grade fixed effects and standard errors clustered by teacher (statsmodels)."""
    y, x = design(sample, method)
    y_within, cells = absorb(y, sample.cell)
    x_within, _ = absorb(x, sample.cell)
    # A covariate constant within every cell (a group flag in a one-group sample) carries nothing.
    keep = [0] + [j for j in range(1, x_within.shape[1]) if np.ptp(x_within[:, j]) > CONSTANT]
    x_within = x_within[:, keep]
    n, k = x_within.shape
    result = OLS(y_within, x_within).fit(cov_type="cluster", cov_kwds={"groups": sample.cluster}, use_t=True)
    # statsmodels' factor (n - 1) / (n - k) counts the columns it sees; the absorbed cell means
    # are `cells` more parameters, as a fit with one dummy per cell (and no constant) counts them.
    cov = result.cov_params() * ((n - k) / (n - k - cells)) * nested_correction(sample.cluster, sample.cell)
    # statsmodels' t test with that covariance, on (clusters - 1) degrees of freedom.
    test = result.t_test(np.eye(k)[0], cov_p=cov)
    low, high = test.conf_int(alpha=0.05)[0]
    return Fit(
        coef=float(result.params[0]),
        se=float(np.asarray(test.sd).ravel()[0]),
        low=float(low),
        high=float(high),
        p=float(np.asarray(test.pvalue).ravel()[0]),
        students=n,
        clusters=len(np.unique(sample.cluster)),
    )


def nested_correction(cluster: Ints, cell: Ints) -> float:
    """(G − 1) / (G − C) when every teacher teaches in one school × grade cell, else 1.

    statsmodels' cluster factor G / (G − 1) allows for one constraint on the teachers' residual sums;
    with teachers nested in C absorbed cells there are C (each cell's residuals sum to zero), so a
    teacher's residual sum is shrunk by (m − 1) / m in a cell of m teachers. Without this factor the
    95 % intervals of the coverage benchmark covered the planted effect only 92 % of the time with
    six teachers per cell (docs/impact.md).
    """
    clusters = np.unique(cluster)
    g = len(clusters)
    pairs = len(np.unique(np.column_stack([cluster, cell]), axis=0))
    c = len(np.unique(cell))
    if pairs != g or g - c < 1:
        return 1.0
    return (g - 1) / (g - c)


# --- effect sizes and baseline equivalence --------------------------------------------------------


def hedges_correction(n: int) -> float:
    """The small-sample correction ω = 1 − 3 / (4N − 9) of Hedges' g (WWC Procedures Handbook)."""
    return 1 - 3 / (4 * n - 9) if n > 3 else 1.0  # noqa: PLR2004 - the formula's own constants


def pooled_sd(a: Floats, b: Floats) -> float:
    na, nb = len(a), len(b)
    if min(na, nb) < 2:  # noqa: PLR2004 - a variance needs two
        return float("nan")
    var = ((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2)
    return math.sqrt(var)


def hedges_g(a: Floats, b: Floats) -> float:
    """(mean of a − mean of b) over the pooled standard deviation, times ω."""
    sd = pooled_sd(a, b)
    if not sd or math.isnan(sd):
        return float("nan")
    return hedges_correction(len(a) + len(b)) * (float(a.mean()) - float(b.mean())) / sd


def equivalence(gap_sd: float) -> Equivalence:
    """WWC baseline equivalence for a baseline difference in standard deviations."""
    if math.isnan(gap_sd):
        return "unknown"
    size = abs(gap_sd)
    if size <= EQUIVALENT_SD:
        return "satisfied"
    if size <= ADJUSTABLE_SD:
        return "adjust"
    return "not_equivalent"


# --- the two estimates ----------------------------------------------------------------------------


def distinct(values: Ints) -> Ints:
    """The distinct values, sorted; by counting when they are ids (small non-negative integers), which
    at 450,000 students takes a fraction of the time of hashing or sorting them."""
    if len(values) and values.min() >= 0 and values.max() < 4 * len(values) + 1024:
        return np.flatnonzero(np.bincount(values)).astype(np.int64)
    return np.unique(values)


def both_sides(sample: Sample) -> Sample:
    """Only school × grade cells that hold students on both sides: comparable students, same place."""
    treated = sample.exposure > 0
    if len(sample) and sample.cell.min() >= 0 and sample.cell.max() < 4 * len(sample) + 1024:
        size = int(sample.cell.max()) + 1
        both = (np.bincount(sample.cell[treated], minlength=size) > 0) & (
            np.bincount(sample.cell[~treated], minlength=size) > 0
        )
        return sample.take(both[sample.cell])
    cells_t = np.unique(sample.cell[treated])
    cells_c = np.unique(sample.cell[~treated])
    return sample.take(np.isin(sample.cell, np.intersect1d(cells_t, cells_c)))


def _hidden(kind: Literal["coaching", "dose"], method: Method, reason: str, **known: object) -> Estimate:
    return Estimate(kind, method, shown=False, reason=reason, **known)  # type: ignore[arg-type]


def compare(
    sample: Sample,
    *,
    kind: Literal["coaching", "dose"],
    method: Method,
    min_teachers: int,
    min_students: int = STUDENT_FLOOR,
    sides: Bools | None = None,
) -> Estimate:
    """The estimate with everything a page needs, or the reason it is not shown.

    `sides` splits the students in two for the counts and the baseline check: the coached against the
    comparison (by default, exposure > 0), or for a dose the higher half against the lower half.
    """
    if sides is None:
        sides = sample.exposure > 0
    teachers = (len(distinct(sample.cluster[sides])), len(distinct(sample.cluster[~sides])))
    students = (int(sides.sum()), int((~sides).sum()))
    floor = max(min_students, min_teachers)
    if min(teachers) < min_teachers or min(students) < floor:
        return _hidden(
            kind,
            method,
            f"Not shown: each side needs at least {min_teachers} teachers and {floor} students, "
            "so that no one teacher or class can be singled out and the figure is not mostly chance.",
            teachers=teachers if min(teachers) >= min_teachers else (0, 0),
        )
    gap = hedges_g(sample.baseline[sides], sample.baseline[~sides])
    verdict = equivalence(gap)
    counts = {"teachers": teachers, "students": students, "baseline_gap_sd": gap, "equivalence": verdict}
    if verdict == "not_equivalent":
        return _hidden(
            kind,
            method,
            f"No estimate: the two sides started {abs(gap):.2f} standard deviations apart, more than the "
            f"{ADJUSTABLE_SD} the What Works Clearinghouse allows; no adjustment makes them comparable.",
            **counts,
        )
    if verdict == "unknown":
        return _hidden(
            kind, method, "No estimate: the scores do not vary, so there is nothing to compare.", **counts
        )
    if verdict == "adjust" and method == "gain":
        return _hidden(
            kind,
            method,
            f"The two sides started {abs(gap):.2f} standard deviations apart; at that distance only the "
            "baseline-adjusted estimate counts. Choose “adjusted for the starting score”.",
            **counts,
        )
    result = fit(sample, method)
    scale = DOSE_UNIT if kind == "dose" else 1.0
    if kind == "coaching":
        outcome_sd = pooled_sd(sample.outcome[sides], sample.outcome[~sides])
        omega = hedges_correction(len(sample))
    else:
        outcome_sd = float(sample.outcome.std(ddof=1))
        omega = 1.0
    per_sd = omega / outcome_sd if outcome_sd else float("nan")
    return Estimate(
        kind,
        method,
        shown=True,
        points=result.coef * scale,
        low=result.low * scale,
        high=result.high * scale,
        sd=result.coef * scale * per_sd,
        sd_low=result.low * scale * per_sd,
        sd_high=result.high * scale * per_sd,
        p=result.p,
        outcome_sd=outcome_sd,
        **counts,  # type: ignore[arg-type]
    )


def coaching_estimate(
    sample: Sample, *, method: Method, min_teachers: int, min_students: int = STUDENT_FLOOR
) -> Estimate:
    """Students of teachers who completed a cycle against comparable students (same school × grade)."""
    return compare(
        both_sides(sample),
        kind="coaching",
        method=method,
        min_teachers=min_teachers,
        min_students=min_students,
    )


def dose_estimate(
    sample: Sample, *, method: Method, min_teachers: int, min_students: int = STUDENT_FLOOR
) -> Estimate:
    """Growth against minutes per student-week of one tool; sides are the higher and lower half of dose."""
    if not len(sample):
        return _hidden("dose", method, "No students with both scores at schools that use this tool.")
    sides = sample.exposure > np.median(sample.exposure)
    return compare(
        sample, kind="dose", method=method, min_teachers=min_teachers, min_students=min_students, sides=sides
    )


def with_reason(estimate: Estimate, reason: str) -> Estimate:
    """The estimate hidden for a reason decided outside the statistics (a suppression line, too few
    coaches): no figure of it is kept, so nothing downstream can show one by mistake."""
    return Estimate(estimate.kind, estimate.method, shown=False, reason=reason)
