"""ui/day_files.py: the days around the one shown are written ahead, nearest first,
once each, and the oldest files go beyond the limit."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta

import pytest

from ui import day_files

D = date(2025, 12, 2)


@pytest.mark.parametrize(
    "day, first, last, window, want",
    [
        (D, D - timedelta(days=9), D + timedelta(days=9), 2, [0, -1, 1, -2, 2]),
        (D, D, D + timedelta(days=9), 2, [0, 1, 2]),  # the first day offered
        (D, D - timedelta(days=1), D, 3, [0, -1]),  # a short range
        (D, D, D, 7, [0]),
    ],
)
def test_nearest_days_come_first(day, first, last, window, want):
    got = day_files.nearest_days(day, first, last, window)
    assert got == [day + timedelta(days=k) for k in want]


def test_prefixes_differ_with_what_the_files_draw():
    a = day_files.prefix_for((3, 1), ["ru", "ua"], ("map-1.js",), True)
    assert a == day_files.prefix_for((3, 1), ["ru", "ua"], ("map-1.js",), True)
    others = [
        day_files.prefix_for((3, 2), ["ru", "ua"], ("map-1.js",), True),  # ledger version
        day_files.prefix_for((3, 1), ["ru"], ("map-1.js",), True),  # layers shown
        day_files.prefix_for((3, 1), ["ru", "ua"], ("map-2.js",), True),  # bank
        day_files.prefix_for((3, 1), ["ru", "ua"], ("map-1.js",), False),  # assessments
    ]
    assert a.startswith("day-") and a not in others and len(set(others)) == 4


def test_the_days_around_are_written_once_each(tmp_path, monkeypatch):
    monkeypatch.setattr(day_files, "CACHE_DIR", tmp_path)
    made = []

    def make(day):
        made.append(day)
        return json.dumps({"day": day.isoformat()})

    first, last = D - timedelta(days=30), D + timedelta(days=3)
    day_files.request("day-t-", D, first, last, make)
    assert day_files.wait_idle()
    want = day_files.nearest_days(D, first, last)
    assert made == want  # nearest first
    for day in want:
        assert json.loads(day_files.path_for("day-t-", day).read_text()) == {"day": day.isoformat()}
    day_files.request("day-t-", D - timedelta(days=1), first, last, make)
    assert day_files.wait_idle()
    assert made[len(want) :] == [D - timedelta(days=8)]  # only the one not written yet


def test_a_day_that_cannot_be_made_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr(day_files, "CACHE_DIR", tmp_path)

    def make(day):
        raise ValueError(f"no layers for {day}")

    day_files.request("day-e-", D, D, D + timedelta(days=2), make)
    assert day_files.wait_idle()
    assert list(tmp_path.glob("day-e-*")) == []


def test_the_oldest_day_files_go_beyond_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(day_files, "CACHE_DIR", tmp_path)
    for i in range(5):
        path = tmp_path / f"day-p-{i}.json"
        path.write_text("{}")
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    (tmp_path / "map-keep.js").write_text("")  # not a day file
    assert day_files.prune(kept=2) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "day-p-3.json",
        "day-p-4.json",
        "map-keep.js",
    ]
