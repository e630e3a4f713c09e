"""Exports of what changed: CSV, GeoJSON, PNG, SVG, PDF and HTML of the changes view."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from conflictmap.render import changes_file_name, render_changes
from tests.payloads import HOSTILE

SINCE, UNTIL = date(2025, 11, 20), date(2025, 12, 2)


@pytest.fixture(scope="module")
def changes(small_ws):
    """The changes of the first ledger (its story is known)."""
    return small_ws.changes(SINCE, UNTIL)


@pytest.mark.parametrize(
    "fmt, check",
    [
        ("csv", lambda b: len(list(csv.DictReader(io.StringIO(b.decode())))) == 8),
        ("geojson", lambda b: len(json.loads(b)["features"]) == 8),
        ("png", lambda b: b.startswith(b"\x89PNG")),
        ("pdf", lambda b: b.startswith(b"%PDF-")),
        ("svg", lambda b: ET.fromstring(b).tag.endswith("svg")),
        ("html", lambda b: b"Pokrovsk" in b and b'<script src="http' not in b),
    ],
)
def test_every_format(small_ws, changes, fmt, check):
    assert check(render_changes(small_ws, changes, SINCE, UNTIL, fmt))


def test_svg_names_each_changed_place_and_how(small_ws, changes):
    root = ET.fromstring(render_changes(small_ws, changes, SINCE, UNTIL, "svg"))
    text = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "What changed in the claims, 2025-11-20 to 2025-12-02" in text
    for label in ("Pokrovsk", "RU capture claim", "Vovchansk", "UA denial", "The Moscow Times"):
        assert label in text


@pytest.mark.parametrize("paper, size", [("a4", (841.68, 595.44)), ("letter", (792.0, 612.0))])
def test_pdf_of_the_changes_on_paper(small_ws, changes, paper, size):
    data = render_changes(small_ws, changes, SINCE, UNTIL, "pdf", paper=paper)
    box = re.search(rb"/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]", data)
    assert (float(box[1]), float(box[2])) == pytest.approx(size, abs=1)


def test_file_name_carries_both_dates():
    assert changes_file_name(SINCE, UNTIL, "png") == "claims-changes_2025-11-20_2025-12-02.png"
    with pytest.raises(ValueError):
        changes_file_name(SINCE, UNTIL, "doc")


def test_html_escapes_hostile_text(hostile_ws):
    changes = hostile_ws.changes(date(2025, 11, 1), date(2025, 12, 2))
    page = render_changes(hostile_ws, changes, date(2025, 11, 1), date(2025, 12, 2), "html")
    assert len(changes) == 1
    assert HOSTILE.encode() not in page and b"<img src=x" not in page.lower()
    assert b"&lt;script&gt;alert(1)" in page
