"""Dates in a report, resolved against its publication date."""

from datetime import date

import pytest

from conflictmap.reader.dates import find_dates, find_periods, last_weekday

TUE = date(2025, 12, 2)


@pytest.mark.parametrize(
    "text, published, expected",
    [
        ("The Kremlin said on Monday", TUE, ["2025-12-01"]),
        ("briefed Putin late on Sunday", TUE, ["2025-11-30"]),
        ("The denial came on Tuesday", TUE, ["2025-12-02"]),
        ("said Thursday", TUE, ["2025-11-27"]),
        ("claimed on Nov 20 and on Jan. 6", TUE, ["2025-11-20", "2025-01-06"]),
        ("as of July 30", date(2025, 7, 31), ["2025-07-30"]),
        ("on Dec 20", TUE, ["2024-12-20"]),  # never after publication
        ("on Tuesday 2 December 2025", TUE, ["2025-12-02"]),
        ("yesterday", TUE, ["2025-12-01"]),
        ("in May 2023", TUE, []),  # a period, not a day
        ("the 7th Rapid Response Corps", TUE, []),
    ],
)
def test_days_are_resolved_against_publication(text, published, expected):
    assert [d.day.isoformat() for d in find_dates(text, published)] == expected


@pytest.mark.parametrize(
    "text, years",
    [
        ("since the fall of Bakhmut in May 2023", [2023]),
        ("in early 2024", [2024]),
        ("captured last year", [2024]),
        ("on Monday", []),
    ],
)
def test_periods_mark_history(text, years):
    periods = find_periods(text, date(2025, 1, 6))
    assert [p.year for p in periods] == years
    assert all(p.before_publication for p in periods)


def test_weekday_on_publication_day_is_that_day():
    assert last_weekday("Tuesday", TUE) == TUE
    assert last_weekday("Wednesday", TUE) == date(2025, 11, 26)
