import datetime

from coachmap.core.privacy import rate_hidden
from coachmap.core.schoolyear import school_year_bounds, school_year_of, school_year_start


def test_a_school_year_runs_from_august_to_july_and_is_named_by_the_year_it_ends_in() -> None:
    assert school_year_of(datetime.date(2026, 7, 31)) == 2026
    assert school_year_of(datetime.date(2026, 8, 1)) == 2027
    assert school_year_bounds(2027) == (datetime.date(2026, 8, 1), datetime.date(2027, 7, 31))
    assert school_year_start(datetime.date(2027, 3, 1)) == datetime.date(2026, 8, 1)


def test_an_empty_cell_names_nobody_and_is_shown() -> None:
    assert [rate_hidden(n, 10) for n in (0, 1, 9, 10)] == [False, True, True, False]
    assert rate_hidden(4.5, 5) and not rate_hidden(0.0, 5)
