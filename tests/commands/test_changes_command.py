"""python -m conflictmap changes --since D1 --until D2 [--format text|csv|geojson]."""

import csv
import io
import json
from datetime import date, timedelta

import pytest

from conflictmap.cli import main
from conflictmap.render.changes import change_line

SINCE, UNTIL = "2025-11-20", "2025-12-02"


@pytest.fixture
def run(db_url, capsys):
    def _run(*argv):
        code = main(["--db", db_url, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def expected(workspace):
    """The changes between SINCE and UNTIL, from the domain (the same seeded ledger)."""
    return workspace.changes(date.fromisoformat(SINCE), date.fromisoformat(UNTIL))


def test_text_lists_each_change_with_its_sources(run, expected):
    code, out, _ = run("changes", "--since", SINCE, "--until", UNTIL)
    lines = out.splitlines()
    assert code == 0
    n, places = len(expected), expected["place_id"].nunique()
    assert n >= 8  # the first ledger's eight changes, and more since it grew
    assert lines[0] == f"{n} changes at {places} places from 2025-11-20 to 2025-12-02."
    assert {change_line(row) for _, row in expected.iterrows()} <= set(lines)
    assert any(line.startswith("Pokrovsk: RU capture claim (") for line in lines)
    assert any("The Moscow Times" in line for line in lines)


def test_csv_one_row_per_change(run, expected):
    code, out, _ = run("changes", "--since", SINCE, "--until", UNTIL, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == len(expected) >= 8
    assert {(r["place"], r["claimant"], r["kind"]) for r in rows} == {
        (r["place"], r["claimant"], r["kind"]) for _, r in expected.iterrows()
    }
    assert ("Pokrovsk", "RU", "capture claim") in {
        (r["place"], r["claimant"], r["kind"]) for r in rows
    }
    assert {r["since"] for r in rows} == {SINCE} and {r["until"] for r in rows} == {UNTIL}


def test_geojson_has_shapes_and_the_dates(run, expected):
    code, out, _ = run("changes", "--since", SINCE, "--until", UNTIL, "--format", "geojson")
    data = json.loads(out)
    assert code == 0 and data["type"] == "FeatureCollection"
    assert data["changes"]["since"] == SINCE and len(data["features"]) == len(expected)
    pokrovsk_ua = next(
        f
        for f in data["features"]
        if f["properties"]["place"] == "Pokrovsk" and f["properties"]["claimant"] == "UA"
    )
    assert pokrovsk_ua["geometry"]["type"] == "Polygon"
    assert pokrovsk_ua["properties"]["part_after"] == "north"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--since", "2025-12-02", "--until", "2025-11-20"], "before"),
        (["--since", "2025-13-45"], "--since"),
        (["--since", SINCE, "--until", "yesterday"], "--until"),
    ],
)
def test_bad_dates_are_refused(run, argv, message):
    code, out, err = run("changes", *argv)
    assert code == 2 and message in err and out == ""


def test_no_change_says_so(run, workspace):
    dates = workspace.claim_dates()
    # from a claim date to the day before the next one, two days or more later
    since, nxt = next((a, b) for a, b in zip(dates, dates[1:]) if (b - a).days >= 2)
    until = nxt - timedelta(days=1)
    code, out, _ = run("changes", "--since", since.isoformat(), "--until", until.isoformat())
    assert code == 0 and out.startswith("0 changes at 0 places")
