"""python -m conflictmap changes --since D1 --until D2 [--format text|csv|geojson]."""

import csv
import io
import json

import pytest

from conflictmap.cli import main

SINCE, UNTIL = "2025-11-20", "2025-12-02"


@pytest.fixture
def run(db_url, capsys):
    def _run(*argv):
        code = main(["--db", db_url, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def test_text_lists_each_change_with_its_sources(run):
    code, out, _ = run("changes", "--since", SINCE, "--until", UNTIL)
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "8 changes at 6 places from 2025-11-20 to 2025-12-02."
    assert "Pokrovsk: RU capture claim (no claim -> RU holds all, 2025-12-01)" in lines
    assert "Vovchansk: UA denial (no claim -> contested, 2025-12-02)" in lines
    assert any("The Moscow Times" in line for line in lines)


def test_csv_one_row_per_change(run):
    code, out, _ = run("changes", "--since", SINCE, "--until", UNTIL, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 8
    assert {(r["place"], r["claimant"], r["kind"]) for r in rows} >= {
        ("Pokrovsk", "RU", "capture claim"),
        ("Vovchansk", "UA", "denial"),
    }
    assert {r["since"] for r in rows} == {SINCE} and {r["until"] for r in rows} == {UNTIL}


def test_geojson_has_shapes_and_the_dates(run):
    code, out, _ = run("changes", "--since", SINCE, "--until", UNTIL, "--format", "geojson")
    data = json.loads(out)
    assert code == 0 and data["type"] == "FeatureCollection"
    assert data["changes"]["since"] == SINCE and len(data["features"]) == 8
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


def test_no_change_says_so(run):
    code, out, _ = run("changes", "--since", "2025-12-03", "--until", "2025-12-10")
    assert code == 0 and out.startswith("0 changes at 0 places")
