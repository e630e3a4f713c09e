"""KML snapshots: valid XML, one placemark per feature, styles per layer, safe balloons."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from conflictmap.ledger.control import LAYER_TITLES
from conflictmap.render import snapshot as S
from conflictmap.render.kml import _attrs, _leaf, balloon, kml_colour
from tests.payloads import HOSTILE
from tests.render.test_snapshot import AFTER, BEFORE, expected_places

NS = {"k": "http://www.opengis.net/kml/2.2"}


def parse(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def extended_data(placemark: ET.Element) -> dict[str, str]:
    return {
        d.get("name"): d.text
        for d in placemark.findall("k:ExtendedData/k:SchemaData/k:SimpleData", NS)
    }


@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_kml_has_a_folder_per_layer_and_a_placemark_per_feature(ws, day):
    snap = S.take_snapshot(ws, day)
    root = parse(S.render(snap, "kml"))
    doc = root.find("k:Document", NS)
    assert day.isoformat() in doc.find("k:name", NS).text
    folders = {f.find("k:name", NS).text: f for f in doc.findall("k:Folder", NS)}
    assert list(folders) == [LAYER_TITLES[name] for name in snap.visible]
    for name in snap.visible:
        marks = folders[LAYER_TITLES[name]].findall("k:Placemark", NS)
        assert sorted(m.find("k:name", NS).text for m in marks) == sorted(
            p for p, _ in expected_places(ws, day, name)
        )
        for m in marks:
            assert (
                m.find(".//k:Polygon/k:outerBoundaryIs/k:LinearRing/k:coordinates", NS) is not None
            )
            style_url = m.find("k:styleUrl", NS).text.lstrip("#")
            assert root.find(f".//k:Style[@id='{style_url}']", NS) is not None
            data = extended_data(m)
            assert data["layer"] == name and data["snapshot_date"] == day.isoformat()
            assert {"place", "controller", "claim_date", "claimant"} <= set(data)
            assert "" not in data.values()  # an empty field is left out (null)
    # One schema declares every export column, including those a placemark lacks.
    fields = {f.get("name") for f in doc.findall("k:Schema/k:SimpleField", NS)}
    assert {"fraction", "part", "source_url", "note", "layer", "snapshot_date"} <= fields
    schema_id = doc.find("k:Schema", NS).get("id")
    assert {d.get("schemaUrl") for d in root.iterfind(".//k:SchemaData", NS)} <= {"#" + schema_id}


def test_document_carries_legend_and_sources(ws):
    snap = S.take_snapshot(ws, AFTER)
    desc = parse(S.render(snap, "kml")).find("k:Document/k:description", NS).text
    assert "2025-12-02" in desc and "Legend" in desc
    for s in snap.sources:
        assert f"[{s.number}]" in desc


def test_hostile_text_shows_as_text_in_balloons(hostile_ws):
    raw = S.render(S.take_snapshot(hostile_ws, AFTER, ["ru"]), "kml")
    assert b"<script" not in raw and b"<img" not in raw
    mark = parse(raw).find(".//k:Placemark", NS)
    html_balloon = mark.find("k:description", NS).text
    # The balloon is HTML for the viewer: the note must arrive escaped, as text.
    assert "<script" not in html_balloon and "<img" not in html_balloon
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_balloon
    assert "&lt;img src=x onerror=alert(2)&gt;" in html_balloon
    assert extended_data(mark)["note"] == HOSTILE  # the data itself is kept verbatim


@pytest.mark.parametrize(
    "row, present, absent",
    [
        ({"place": "A", "layer": "ru", "note": "x & y"}, ["x &amp; y"], ["Fraction"]),
        (
            {
                "place": "A",
                "layer": "ua",
                "source_url": "https://a.example/1 | javascript:alert(1)",
            },
            ['<a href="https://a.example/1">'],
            ['href="javascript'],
        ),
        ({"place": "<b>", "layer": "other", "fraction": 0.7}, ["&lt;b&gt;", "0.7"], ["<b><"]),
        (
            {"place": "A\x00B", "layer": "ru", "note": "bell\x07\x1b"},
            ["AB", "bell<"],
            ["\x00", "\x07"],
        ),
    ],
)
def test_balloon_escapes_and_links_only_http(row, present, absent):
    text = balloon(row)
    for p in present:
        assert p in text
    for a in absent:
        assert a not in text


@pytest.mark.parametrize(
    "colour, alpha, kml",
    [
        ("#D55E00", 1.0, "ff005ed5"),
        ("#0072B2", 0.35, "59b27200"),
        ("#000000", 0, "00000000"),
    ],
)
def test_kml_colour(colour, alpha, kml):
    assert kml_colour(colour, alpha) == kml


def test_empty_kml_is_valid(ws):
    root = parse(S.render(S.take_snapshot(ws, date(2000, 1, 1)), "kml"))
    assert root.findall(".//k:Placemark", NS) == []


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE,
        "a & b > c",
        "say \"no\" & 'yes'",
        "two\nlines\r\nand\ta tab",
        "]]> <![CDATA[",
        "",
    ],
)
def test_written_text_and_attributes_read_back_as_given(text):
    # The document is written as text: what a parser reads back is the value itself.
    el = ET.fromstring(_leaf("SimpleData", text, _attrs(name=text, other="x")))
    assert (el.text or "", el.get("name"), el.get("other")) == (text, text, "x")
