"""Goal progress against the straight line from baseline to target, by hand."""

from __future__ import annotations

import datetime

import pytest

from coachmap.improvement.needs.progress import Status, expected_on, progress

START = datetime.date(2025, 6, 1)
END = datetime.date(2027, 6, 1)  # 730 days later
MIDWAY = datetime.date(2026, 6, 1)  # 365 days in


def test_the_line_runs_from_baseline_to_target() -> None:
    assert expected_on(MIDWAY, baseline=38, target=50, start=START, end=END) == pytest.approx(
        38 + 12 * 365 / 730
    )
    assert expected_on(START - datetime.timedelta(days=9), baseline=38, target=50, start=START, end=END) == 38
    assert expected_on(END + datetime.timedelta(days=9), baseline=38, target=50, start=START, end=END) == 50


@pytest.mark.parametrize(
    ("current", "status"),
    [(44.5, Status.ON_TRACK), (43.9, Status.AT_RISK), (50.0, Status.MET), (52.0, Status.MET)],
)
def test_status_halfway_through(current: float, status: Status) -> None:
    # Halfway in time the line is at 38 + 6 = 43.99…, so 44.5 is on track and 43.9 is not.
    result = progress(baseline=38, target=50, start=START, end=END, current=current, current_date=MIDWAY)
    assert result.status is status
    assert result.expected == pytest.approx(43.9999, abs=1e-3)
    assert result.share == pytest.approx((current - 38) / 12)


def test_a_gap_to_close_is_on_track_when_it_shrinks_fast_enough() -> None:
    # From 31 points to 19: halfway the line is at 25.
    assert (
        progress(baseline=31, target=19, start=START, end=END, current=24.0, current_date=MIDWAY).status
        is Status.ON_TRACK
    )
    assert (
        progress(baseline=31, target=19, start=START, end=END, current=27.0, current_date=MIDWAY).status
        is Status.AT_RISK
    )
    assert (
        progress(baseline=31, target=19, start=START, end=END, current=18.0, current_date=MIDWAY).status
        is Status.MET
    )


def test_no_status_before_new_data() -> None:
    assert (
        progress(baseline=38, target=50, start=START, end=END, current=None, current_date=None).status
        is Status.NOT_YET
    )
    same_day = progress(baseline=38, target=50, start=START, end=END, current=38.0, current_date=START)
    assert same_day.status is Status.NOT_YET
    assert Status.NOT_YET.label == "No new data yet"
