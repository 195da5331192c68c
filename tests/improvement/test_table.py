"""One assessment's needs table: figures per grade × group, suppression worked out by hand."""

from __future__ import annotations

import pytest

from coachmap.core import privacy
from coachmap.improvement.needs import table
from coachmap.improvement.needs.stats import Tally

RACE = {"race": ["race:hispanic", "race:white", "race:asian"]}
HIS, WHITE, ASIAN = RACE["race"]


def _cube() -> dict[table.Key, Tally]:
    # Grade 3: 30 tested (20 Hispanic, 6 White, 4 Asian; 8 English learners).
    # Grade 4: 25 tested (12 Hispanic, 13 White, no Asian; 11 English learners).
    return table.with_all_grades(
        {
            (3, "all"): Tally(tested=30, proficient=15),
            (3, HIS): Tally(tested=20, proficient=8),
            (3, WHITE): Tally(tested=6, proficient=4),
            (3, ASIAN): Tally(tested=4, proficient=3),
            (3, "el"): Tally(tested=8, proficient=2),
            (4, "all"): Tally(tested=25, proficient=12),
            (4, HIS): Tally(tested=12, proficient=4),
            (4, WHITE): Tally(tested=13, proficient=8),
            (4, ASIAN): Tally(),
            (4, "el"): Tally(tested=11, proficient=3),
        }
    )


def test_all_grades_are_the_sum_of_the_grades() -> None:
    cube = _cube()
    assert cube[(None, "all")] == Tally(tested=55, proficient=27)
    assert cube[(None, ASIAN)] == Tally(tested=4, proficient=3)
    assert cube[(None, "el")] == Tally(tested=19, proficient=5)


def test_small_cells_and_their_complements_are_hidden() -> None:
    result = table.build(_cube(), partitions=RACE, min_size=10, reveal=False, complete=True)
    hidden = {key for key, cell in result.cells.items() if cell.hidden}
    # Primary: grade 3 White (6), Asian (4) and EL (8), all-grades Asian (4).
    # All-grades Asian would be 55 − 32 − 19: hide all-grades White (19, the smallest part left).
    # Grade 3 EL would be 19 − 11: hide grade 4 EL (11), the other part of that column.
    assert hidden == {(3, WHITE), (3, ASIAN), (3, "el"), (None, ASIAN), (None, WHITE), (4, "el")}
    assert result.hidden_count == 6
    # And no hidden count follows from the shown ones.
    cube = _cube()
    counts = {key: tally.tested for key, tally in cube.items()}
    assert privacy.determined(counts, table.lines(cube.keys(), RACE, complete=True), hidden) == []
    cell = result.get(3, WHITE)
    assert cell is not None
    assert (cell.tested, cell.rate, cell.gap_to_all) == (None, None, None)


def test_rates_and_gaps_by_hand() -> None:
    result = table.build(_cube(), partitions=RACE, min_size=10, reveal=False, complete=True)
    hispanic = result.get(4, HIS)
    assert hispanic is not None
    assert hispanic.tested == 12
    assert hispanic.rate == pytest.approx(100 * 4 / 12)
    assert hispanic.gap_to_all == pytest.approx(100 * 4 / 12 - 100 * 12 / 25)
    # Grade 4's best group with 10 or more tested is White (8 of 13); EL is hidden, Asian empty.
    assert hispanic.best_group == WHITE
    assert hispanic.gap_to_best == pytest.approx(100 * 4 / 12 - 100 * 8 / 13)
    white = result.get(4, WHITE)
    assert white is not None and white.gap_to_best == 0.0
    everyone = result.get(None, "all")
    assert (
        everyone is not None and everyone.gap_to_all is None and everyone.rate == pytest.approx(100 * 27 / 55)
    )


def test_the_data_owner_sees_every_cell() -> None:
    result = table.build(_cube(), partitions=RACE, min_size=10, reveal=True, complete=True)
    assert result.hidden_count == 0
    asian = result.get(3, ASIAN)
    assert asian is not None and asian.rate == 75.0
    # Even for the owner, a group of 4 is never the benchmark.
    assert asian.best_group == HIS


def test_growth_and_participation_have_their_own_small_counts() -> None:
    cube = table.with_all_grades(
        {
            (5, "all"): Tally(tested=40, proficient=20, matched=36, growth_sum=360, enrolled=44),
            (5, HIS): Tally(tested=25, proficient=10, matched=24, growth_sum=120, enrolled=25),
            (5, WHITE): Tally(tested=15, proficient=10, matched=12, growth_sum=240, enrolled=16),
            (5, ASIAN): Tally(tested=0, enrolled=3),
            (5, "el"): Tally(tested=12, proficient=3, matched=7, growth_sum=14, enrolled=12),
        }
    )
    result = table.build(cube, partitions=RACE, min_size=10, reveal=False, complete=True)
    his, white, asian, el = (result.get(5, code) for code in (HIS, WHITE, ASIAN, "el"))
    assert his is not None and white is not None and asian is not None and el is not None
    assert his.growth == pytest.approx(5.0) and white.growth == pytest.approx(20.0)
    # 7 English learners matched to a fall score: too few for a growth figure, though 12 were tested.
    assert el.rate == 25.0 and el.growth is None and el.growth_hidden
    # 3 Asian students enrolled, none tested: the participation cell (3) is small, and White's
    # (16) goes with it, or it would be 44 − 25 − 16.
    assert asian.participation_hidden and white.participation_hidden
    assert his.participation == 100.0
    # Nobody tested is not a hidden cell: it counts nobody.
    assert not asian.hidden and asian.tested == 0 and asian.rate is None


def test_published_files_leave_groups_out_so_a_lone_group_is_no_equation() -> None:
    cells = {
        (None, "all"): Tally(tested=500, proficient=250),
        (None, HIS): Tally(tested=8, proficient=2),
        (None, "el"): Tally(),
    }
    result = table.build(
        cells,
        partitions=RACE,
        min_size=10,
        reveal=False,
        complete=False,
        hidden_at_source=[(None, "el")],
    )
    # Hispanic (8) is hidden; the file lists no other race, so all students stay shown.
    assert {k for k, c in result.cells.items() if c.hidden} == {(None, HIS), (None, "el")}
    owner = table.build(
        cells, partitions=RACE, min_size=10, reveal=True, complete=False, hidden_at_source=[(None, "el")]
    )
    assert {k for k, c in owner.cells.items() if c.hidden} == {(None, "el")}
