"""Snapshots: the model, file names, formats from extensions, GeoJSON, CSV and writing."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from conflictmap.ledger.control import LAYERS
from conflictmap.render import snapshot as S

BEFORE, AFTER = date(2025, 11, 25), date(2025, 12, 2)


def expected_places(ws, day, layer):
    """What the ledger says is on a layer on a day (the expectation, derived)."""
    gdf = ws.layers(day)[layer]
    return sorted(zip(gdf["place"], gdf["controller"]))


@pytest.mark.parametrize(
    "day, fmt, name",
    [
        (AFTER, "png", "claims-map_2025-12-02.png"),
        (BEFORE, "geojson", "claims-map_2025-11-25.geojson"),
        (date(2024, 2, 29), "kml", "claims-map_2024-02-29.kml"),
    ],
)
def test_file_name_carries_the_date(day, fmt, name):
    assert S.file_name(day, fmt) == name


@pytest.mark.parametrize(
    "path, fmt",
    [
        ("a.html", "html"),
        ("a.PNG", "png"),
        ("dir.v2/a.svg", "svg"),
        ("a.pdf", "pdf"),
        ("a.geojson", "geojson"),
        ("a.json", "geojson"),
        ("a.csv", "csv"),
        ("a.kml", "kml"),
    ],
)
def test_format_from_extension(path, fmt):
    assert S.format_for(path) == fmt


@pytest.mark.parametrize("path", ["a.docx", "a", "a.png.bak", "archive.kmz"])
def test_unknown_extension_is_refused(path):
    with pytest.raises(ValueError, match="cannot tell the format"):
        S.format_for(path)


def test_unknown_layer_is_refused(ws):
    with pytest.raises(ValueError, match="unknown layer"):
        S.take_snapshot(ws, AFTER, ["ru", "frontline"])


@pytest.mark.parametrize("layers", [LAYERS, ("contested",), ("ru", "other")])
def test_geojson_has_every_feature_shown_with_its_fields(ws, layers):
    snap = S.take_snapshot(ws, AFTER, layers)
    data = json.loads(S.render(snap, "geojson"))
    assert data["type"] == "FeatureCollection"
    got = sorted(
        (f["properties"]["layer"], f["properties"]["place"], f["properties"]["controller"])
        for f in data["features"]
    )
    want = sorted(
        (layer, place, ctrl)
        for layer in layers
        for place, ctrl in expected_places(ws, AFTER, layer)
    )
    assert got == want and got
    for f in data["features"]:
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
        assert set(S.EXPORT_COLUMNS) <= set(f["properties"])
        assert f["properties"]["snapshot_date"] == "2025-12-02"
    assert data["snapshot"]["date"] == "2025-12-02"
    assert [x["layer"] for x in data["snapshot"]["legend"]] == list(layers)
    assert data["snapshot"]["sources"], "a snapshot always lists its sources"


def test_snapshots_of_two_dates_differ_as_the_ledger_says(small_ws):
    def contested(day):
        data = json.loads(S.render(S.take_snapshot(small_ws, day, ["contested"]), "geojson"))
        return {f["properties"]["place"] for f in data["features"]}

    before, after = contested(BEFORE), contested(AFTER)
    assert before == {p for p, _ in expected_places(small_ws, BEFORE, "contested")}
    assert after == {p for p, _ in expected_places(small_ws, AFTER, "contested")}
    assert before != after
    # Pokrovsk was claimed by Russia on 1 December: it appears only in the later map.
    assert "Pokrovsk" in after - before


def test_sources_cover_every_feature(ws):
    snap = S.take_snapshot(ws, AFTER)
    numbers = {s.number for s in snap.sources}
    table = snap.table
    assert len(table) == sum(snap.counts().values())
    for refs in table["sources"]:
        cited = {int(x) for x in refs.split(";")}
        assert cited and cited <= numbers
    urls = {u for cell in table["source_url"].dropna() for u in cell.split(" | ") if u}
    assert urls <= {s.url for s in snap.sources}


def test_csv_parses_and_has_one_row_per_feature(ws):
    snap = S.take_snapshot(ws, AFTER)
    rows = list(csv.DictReader(io.StringIO(S.render(snap, "csv").decode("utf-8"))))
    assert len(rows) == sum(snap.counts().values())
    for col in (
        "place",
        "layer",
        "controller",
        "extent",
        "fraction",
        "part",
        "claim_date",
        "claimant",
        "source_url",
    ):
        assert col in rows[0]
    assert {r["snapshot_date"] for r in rows} == {"2025-12-02"}
    pokrovsk_ua = [r for r in rows if r["place"] == "Pokrovsk" and r["layer"] == "ua"]
    assert [(r["controller"], r["part"], r["extent"]) for r in pokrovsk_ua] == [
        ("UA", "north", "partial")
    ]


def test_csv_neutralises_formula_cells(hostile_ws):
    snap = S.take_snapshot(hostile_ws, AFTER, ["ru"])
    rows = list(csv.DictReader(io.StringIO(S.render(snap, "csv").decode("utf-8"))))
    assert len(rows) == 1
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@")), value
            if value.startswith("-"):
                float(value)  # only numbers may start with a minus sign
    assert rows[0]["claimant_org"].startswith("'=HYPERLINK")
    assert rows[0]["source_publisher"].startswith("'@SUM")


def test_assessment_columns_are_exported_when_present(ws):
    snap = S.take_snapshot(ws, AFTER, ["ru"])
    layer = snap.all_layers["ru"].copy()
    layer["occupied_share"] = 0.5
    layer["verdict"] = "consistent"
    snap.all_layers = {**snap.all_layers, "ru": layer}
    data = json.loads(S.render(snap, "geojson"))
    assert {f["properties"]["verdict"] for f in data["features"]} == {"consistent"}
    rows = list(csv.DictReader(io.StringIO(S.render(snap, "csv").decode())))
    assert {r["occupied_share"] for r in rows} == {"0.5"}


def test_empty_snapshot_still_carries_date_and_legend(ws):
    snap = S.take_snapshot(ws, date(2000, 1, 1))
    data = json.loads(S.render(snap, "geojson"))
    assert data["features"] == [] and data["snapshot"]["date"] == "2000-01-01"
    assert S.render(snap, "csv").decode().startswith("snapshot_date,place,")


def test_write_leaves_nothing_on_error(ws, tmp_path, monkeypatch):
    snap = S.take_snapshot(ws, AFTER)
    with pytest.raises(ValueError):
        S.write(snap, tmp_path / "map.docx")
    with pytest.raises(FileNotFoundError):
        S.write(snap, tmp_path / "missing" / "map.csv")

    def broken(*args):
        raise RuntimeError("renderer failed half-way")

    monkeypatch.setattr(S, "to_csv", broken)
    with pytest.raises(RuntimeError):
        S.write(snap, tmp_path / "map.csv")
    assert list(tmp_path.iterdir()) == []


def test_write_produces_the_file(ws, tmp_path):
    out = S.write(S.take_snapshot(ws, AFTER), tmp_path / "map.geojson")
    assert json.loads(out.read_text("utf-8"))["features"]
    assert [p.name for p in tmp_path.iterdir()] == ["map.geojson"]


@pytest.fixture(scope="module")
def overlay():
    """An assessment that calls a box around Pokrovsk and Myrnohrad occupied."""
    import shapely

    from conflictmap.assessment.overlay import AssessmentOverlay

    return AssessmentOverlay(
        date(2025, 12, 2), "test assessment", {"occupied": shapely.box(37.0, 48.2, 37.4, 48.4)}
    )


def test_overlay_annotates_the_features(ws, overlay):
    snap = S.take_snapshot(ws, AFTER, ["ru"], overlay=overlay)
    data = json.loads(S.render(snap, "geojson"))
    shares = {f["properties"]["place"]: f["properties"]["occupied_share"] for f in data["features"]}
    assert shares["Pokrovsk"] == pytest.approx(1.0) and shares["Vovchansk"] == 0
    assert "test assessment" in snap.caption()
    assert all(f["properties"]["verdict"] for f in data["features"])
