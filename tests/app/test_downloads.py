"""ui/downloads.py: one download button per format under the map (AppTest), and the
files they make."""

from __future__ import annotations

import json
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from conflictmap.render.snapshot import FORMATS, View
from tests.render.test_snapshot import AFTER
from tests.render.test_static import corner_ws  # noqa: F401 (a fixture)
from ui.downloads import LABELS, _maker, _view


def script(db_url, layers):
    from datetime import date

    from conflictmap.workspace import Workspace
    from ui.downloads import render_downloads

    render_downloads(Workspace(db_url), date(2025, 12, 2), layers, ((48.3, 37.2), 10))


def run(db_url, layers):
    at = AppTest.from_function(script, args=(db_url, layers))
    at.run(timeout=60)
    assert not at.exception, at.exception
    return at


def test_one_button_per_format(db_url):
    at = run(db_url, ["ru", "contested", "assessment"])
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == [LABELS[f][0] for f in FORMATS]
    for b in buttons:
        assert b.proto.ignore_rerun and not b.proto.disabled
        assert b.proto.deferred_file_id, "files are made on click, not on every rerun"
    assert any("2025-12-02" in m.value for m in at.markdown)


def test_buttons_are_disabled_without_layers(db_url):
    at = run(db_url, ["assessment"])
    assert all(b.proto.disabled for b in at.get("download_button"))
    assert any("at least one layer" in c.value for c in at.caption)


@pytest.mark.parametrize(
    "given, want",
    [
        (None, None),
        (View(48.0, 37.0, 8), View(48.0, 37.0, 8)),
        (((48.3, 37.2), 10), View(48.3, 37.2, 10)),
        (({"lat": 48.3, "lng": 37.2}, 9.6), View(48.3, 37.2, 10)),
        ({"center": None, "zoom": 7}, None),
    ],
)
def test_view_from_what_the_page_has(given, want):
    assert _view(given) == want


@pytest.mark.parametrize(
    "fmt, check",
    [
        ("png", lambda b: b.startswith(b"\x89PNG")),
        (
            "geojson",
            lambda b: (
                {f["properties"]["layer"] for f in json.loads(b)["features"]} == {"contested"}
            ),
        ),
        ("html", lambda b: b"conflictmap.timeline(" in b),
    ],
)
def test_button_data_is_the_snapshot(ws, fmt, check):
    make = _maker(ws, AFTER, ("contested",), View(48.3, 37.2, 10), None, fmt)
    assert check(make())


def test_no_file_for_no_date(db_url):
    def empty(db):
        from conflictmap.workspace import Workspace
        from ui.downloads import render_downloads

        render_downloads(Workspace(db), None, ["ru"])

    at = AppTest.from_function(empty, args=(db_url,))
    at.run(timeout=60)
    assert not at.exception and len(at.get("download_button")) == 0


@pytest.mark.parametrize("choice", ["a4", "letter"])
def test_paper_setting_under_the_map(db_url, choice):
    at = run(db_url, ["ru", "contested"])
    box = at.selectbox(key="w_pdf_paper")
    assert box.value == "a4" and box.options == ["A4 landscape", "US Letter landscape"]
    box.set_value(choice).run()
    assert not at.exception and at.selectbox(key="w_pdf_paper").value == choice


@pytest.mark.parametrize("paper, size", [("a4", b"841.68 595.44"), ("letter", b"792 612")])
def test_pdf_button_uses_the_paper(ws, paper, size):
    data = _maker(ws, AFTER, ("contested",), None, None, "pdf", paper)()
    assert b"/MediaBox [ 0 0 " + size in data


@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF")])
def test_image_buttons_work_with_claims_on_huliaipole_and_dnipro(corner_ws, fmt, magic):  # noqa: F811
    make = _maker(corner_ws, date(2025, 12, 1), ("ru",), None, None, fmt, "a4")
    assert make().startswith(magic)
