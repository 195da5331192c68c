"""The impact statistics: hand-computed cases, statsmodels fitted directly, and planted effects recovered."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from coachmap.demo.effects import Planted, shifts, simulate
from coachmap.impact import estimate as E
from coachmap.impact import words


def sample(rows: list[tuple[int, int, float, float, int]]) -> E.Sample:
    """(cell, teacher, baseline, outcome, coached) per student."""
    a = np.array(rows, dtype=float)
    return E.Sample(
        outcome=a[:, 3],
        baseline=a[:, 2],
        exposure=a[:, 4],
        cell=a[:, 0].astype(np.int64),
        cluster=a[:, 1].astype(np.int64),
    )


# Two school × grade cells, two students per side in each, one teacher per pair of students.
UNEQUAL_START = sample(
    [
        (1, 1, 100, 110, 1), (1, 1, 102, 114, 1),  # coached: gains 10, 12 → 11
        (1, 2, 101, 106, 0), (1, 2, 99, 103, 0),  # comparison: gains 5, 4 → 4.5; DiD 6.5
        (2, 3, 200, 212, 1), (2, 3, 204, 214, 1),  # coached: gains 12, 10 → 11
        (2, 4, 202, 205, 0), (2, 4, 198, 203, 0),  # comparison: gains 3, 5 → 4; DiD 7
    ]
)  # fmt: skip
EQUAL_START = sample(
    [
        (1, 1, 100, 110, 1), (1, 1, 102, 114, 1),  # post mean 112, baseline mean 101
        (1, 2, 100, 106, 0), (1, 2, 102, 103, 0),  # post mean 104.5, baseline mean 101 → 7.5
        (2, 3, 200, 212, 1), (2, 3, 204, 214, 1),  # post 213, baseline 202
        (2, 4, 202, 205, 0), (2, 4, 202, 203, 0),  # post 204, baseline 202 → 9
    ]
)  # fmt: skip


def test_difference_in_differences_is_the_average_of_each_cells_gain_difference() -> None:
    # Equal cells with half coached: the fixed-effects DiD weighs each cell the same: (6.5 + 7) / 2.
    assert E.fit(UNEQUAL_START, "gain").coef == pytest.approx(6.75, abs=1e-9)


def test_adjusted_difference_equals_the_outcome_difference_when_both_sides_start_level() -> None:
    # Baseline means equal within every cell, so the baseline is orthogonal to coaching there:
    # the adjusted difference is the average within-cell outcome difference (7.5 + 9) / 2, as is the DiD.
    assert E.fit(EQUAL_START, "adjusted").coef == pytest.approx(8.25, abs=1e-9)
    assert E.fit(EQUAL_START, "gain").coef == pytest.approx(8.25, abs=1e-9)


def test_baseline_equivalence_by_hand() -> None:
    coached = np.array([10.0, 12.0, 14.0])
    comparison = np.array([8.0, 10.0, 12.0])
    # Means 12 and 10, both variances 4: pooled SD 2, d = 1; ω = 1 − 3 / (4·6 − 9) = 0.8.
    assert E.pooled_sd(coached, comparison) == pytest.approx(2.0)
    assert E.hedges_correction(6) == pytest.approx(0.8)
    assert E.hedges_g(coached, comparison) == pytest.approx(0.8)
    assert E.equivalence(0.8) == "not_equivalent"


@pytest.mark.parametrize(
    ("gap", "verdict"),
    [
        (0.0, "satisfied"),
        (0.05, "satisfied"),
        (-0.0501, "adjust"),
        (0.25, "adjust"),
        (0.2501, "not_equivalent"),
    ],
)
def test_what_works_clearinghouse_bands(gap: float, verdict: str) -> None:
    assert E.equivalence(gap) == verdict


def _statsmodels_direct(s: E.Sample, method: str) -> object:
    frame = pd.DataFrame(
        {
            "y": s.outcome - s.baseline if method == "gain" else s.outcome,
            "x": s.exposure,
            "b": s.baseline,
            "cell": s.cell,
            "teacher": s.cluster,
            "el": s.covariates[:, 0],
            "ed": s.covariates[:, 1],
        }
    )
    formula = "y ~ x + el + ed + C(cell)" + (" + b" if method == "adjusted" else "")
    return smf.ols(formula, frame).fit(cov_type="cluster", cov_kwds={"groups": frame["teacher"]}, use_t=True)


@pytest.mark.parametrize("method", E.METHODS)
def test_the_fit_equals_statsmodels_with_one_dummy_per_cell(method: E.Method) -> None:
    coaching, _ = simulate(np.random.default_rng(3), Planted(coaching_points=4))
    ours = E.fit(coaching, method)
    direct = _statsmodels_direct(coaching, method)
    assert ours.coef == pytest.approx(direct.params["x"], abs=1e-9)
    # Teachers are nested in cells here, so the documented factor (G − 1) / (G − C) applies on top.
    factor = math.sqrt(E.nested_correction(coaching.cluster, coaching.cell))
    assert factor > 1
    assert ours.se == pytest.approx(direct.bse["x"] * factor, abs=1e-9)


def test_without_nesting_the_interval_is_statsmodels_own() -> None:
    coaching, _ = simulate(np.random.default_rng(4), Planted(coaching_points=4))
    # One teacher in two cells: no longer nested, so no extra factor.
    cluster = coaching.cluster.copy()
    cluster[cluster == 0] = 6  # teacher 6 sits in the second cell; teacher 0 was in the first
    s = E.Sample(
        coaching.outcome, coaching.baseline, coaching.exposure, coaching.cell, cluster, coaching.covariates
    )
    assert E.nested_correction(s.cluster, s.cell) == 1.0
    ours, direct = E.fit(s, "adjusted"), _statsmodels_direct(s, "adjusted")
    assert ours.se == pytest.approx(direct.bse["x"], abs=1e-9)
    low, high = direct.conf_int().loc["x"]
    assert (ours.low, ours.high) == (pytest.approx(low, abs=1e-9), pytest.approx(high, abs=1e-9))
    assert ours.p == pytest.approx(direct.pvalues["x"], abs=1e-9)


def test_too_few_teachers_on_a_side_shows_nothing() -> None:
    e = E.coaching_estimate(UNEQUAL_START, method="gain", min_teachers=5, min_students=1)
    assert not e.shown
    assert "at least 5 teachers" in e.reason
    assert e.points is None and e.students == (0, 0)


def test_sides_too_far_apart_at_the_start_give_no_estimate() -> None:
    coaching, _ = simulate(np.random.default_rng(5), Planted())
    shifted = coaching.baseline + 15 * coaching.exposure  # coached students start 0.5 SD higher
    s = E.Sample(
        coaching.outcome, shifted, coaching.exposure, coaching.cell, coaching.cluster, coaching.covariates
    )
    e = E.coaching_estimate(s, method="adjusted", min_teachers=10)
    assert not e.shown and e.equivalence == "not_equivalent"
    assert "0.25" in e.reason and e.points is None


def test_a_moderate_start_gap_needs_the_adjusted_method() -> None:
    coaching, _ = simulate(np.random.default_rng(6), Planted(coaching_points=4))
    shifted = coaching.baseline + 4 * coaching.exposure
    s = E.Sample(
        coaching.outcome, shifted, coaching.exposure, coaching.cell, coaching.cluster, coaching.covariates
    )
    gain = E.coaching_estimate(s, method="gain", min_teachers=10)
    adjusted = E.coaching_estimate(s, method="adjusted", min_teachers=10)
    assert gain.equivalence == adjusted.equivalence == "adjust"
    assert not gain.shown and "adjusted" in gain.reason
    assert adjusted.shown


def test_plain_words_say_what_how_big_how_sure_and_not_cause() -> None:
    coaching, tool = simulate(
        np.random.default_rng(7), Planted(coaching_points=4, tool_points_per_10_minutes=2)
    )
    e = E.coaching_estimate(coaching, method="adjusted", min_teachers=10)
    said = " ".join(words.coaching_words(e, "growth in mathematics"))
    assert "Compared:" in said and "scale-score points" in said and "95 %" in said
    assert "does not prove" in said
    d = E.dose_estimate(tool, method="adjusted", min_teachers=10)
    assert d.shown and d.low is not None and d.low > 0
    tier = words.essa_tier(d, on_map_with_goal=True)
    assert tier.label.startswith("Tier 3") and "at most" not in tier.label
    null = E.dose_estimate(
        simulate(np.random.default_rng(8), Planted())[1], method="adjusted", min_teachers=10
    )
    assert not words.essa_tier(null, on_map_with_goal=False).label.startswith("Tier 3") or null.significant


def test_shifts_are_whole_points_of_the_planted_effects() -> None:
    got = shifts(
        coached=np.array([1.0, 0.0, 1.0]), dose=np.array([0.0, 20.0, 40.0]), planted=Planted(4.0, 1.5)
    )
    assert got.tolist() == [4, 3, 10]


def coverage(districts: int, seed: int) -> tuple[float, float]:
    """Share of districts whose 95 % interval covers the planted 4 points; share 'significant' with none."""
    covered = false_positive = 0
    for i in range(districts):
        planted, _ = simulate(np.random.default_rng(seed + i), Planted(coaching_points=4))
        e = E.coaching_estimate(planted, method="adjusted", min_teachers=10)
        covered += e.low is not None and e.high is not None and e.low <= 4 <= e.high
        null, _ = simulate(np.random.default_rng(seed + 100_000 + i), Planted())
        false_positive += E.coaching_estimate(null, method="adjusted", min_teachers=10).significant
    return covered / districts, false_positive / districts


def test_intervals_cover_a_planted_effect_and_rarely_find_one_that_is_not_there() -> None:
    # The fast version of bench/impact.py: 300 districts each way. With true coverage 95 %, a share
    # over 300 districts lies within 3 binomial standard errors (±3.8 points) nearly always.
    n = 300
    tolerance = 3 * math.sqrt(0.95 * 0.05 / n)
    covered, false_positive = coverage(n, seed=20_000)
    assert 0.95 - tolerance <= covered <= 0.95 + tolerance, covered
    assert false_positive <= 0.05 + tolerance, false_positive


def test_a_row_hidden_afterwards_keeps_no_figure() -> None:
    coaching, _ = simulate(np.random.default_rng(9), Planted(coaching_points=4))
    shown = E.coaching_estimate(coaching, method="adjusted", min_teachers=10)
    assert shown.shown
    hidden = E.with_reason(shown, "Hidden so that a smaller row cannot be worked out.")
    assert not hidden.shown and hidden.points is None and hidden.teachers == (0, 0) and hidden.low is None


def test_demo_data_takes_the_planted_effects_as_settings() -> None:
    from coachmap.demo.effects import DEMO_PLANTED
    from coachmap.demo.management.commands.demo_data import Command

    parser = Command().create_parser("coachmap", "demo-data")
    defaults = parser.parse_args([])
    assert (defaults.coaching_effect, defaults.tool_effect) == (
        DEMO_PLANTED.coaching_points,
        DEMO_PLANTED.tool_points_per_10_minutes,
    )
    assert DEMO_PLANTED.coaching_points > 0  # `make demo` has something to find, and the doc says so
    none = parser.parse_args(["--coaching-effect", "0", "--tool-effect", "0"])
    assert (none.coaching_effect, none.tool_effect) == (0.0, 0.0)
