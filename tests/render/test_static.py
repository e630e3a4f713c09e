"""Static snapshots (PNG, SVG, PDF) drawn with matplotlib: valid, complete, not blank."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import date

import numpy as np
import pytest
from PIL import Image

from conflictmap.render import snapshot as S
from conflictmap.render.static import DPI, LAND, WIDTH_IN, view_box
from conflictmap.render.styles import CONTROLLER_COLOURS, HATCH_COLOUR
from tests.render.test_snapshot import AFTER, BEFORE, expected_places


def png_pixels(data: bytes) -> np.ndarray:
    img = Image.open(io.BytesIO(data))
    img.load()
    assert img.format == "PNG"
    return np.asarray(img.convert("RGB"))


def count_colour(pixels: np.ndarray, hex_colour: str, tol: int = 6) -> int:
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels.astype(int) - rgb).max(axis=2) <= tol).sum())


@pytest.mark.parametrize("day", [BEFORE, AFTER])
def test_png_opens_has_its_size_and_is_not_blank(ws, day):
    pixels = png_pixels(S.render(S.take_snapshot(ws, day), "png"))
    height, width, _ = pixels.shape
    assert width == round(WIDTH_IN * DPI["png"])
    assert 1000 < height < 2500
    assert pixels.std() > 20, "a blank image"
    packed = (
        (pixels[..., 0].astype(np.int32) << 16)
        | (pixels[..., 1].astype(np.int32) << 8)
        | pixels[..., 2]
    )
    assert len(np.unique(packed)) > 200  # colours, not a flat fill


def test_png_shows_the_layers_chosen(ws):
    """Russian claims drawn in vermillion appear only when their layer is on."""
    both = png_pixels(S.render(S.take_snapshot(ws, AFTER, ["ru", "contested"]), "png"))
    contested = png_pixels(S.render(S.take_snapshot(ws, AFTER, ["contested"]), "png"))
    edge = CONTROLLER_COLOURS["RU"]
    assert count_colour(both, edge) > 3 * max(count_colour(contested, edge), 1)
    assert count_colour(contested, HATCH_COLOUR, tol=30) > 100


def test_svg_is_xml_with_caption_labels_and_sources(ws):
    snap = S.take_snapshot(ws, AFTER)
    root = ET.fromstring(S.render(snap, "svg"))
    assert root.tag.endswith("svg")
    text = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "2025-12-02" in text
    for layer in snap.visible:
        for place, _ in expected_places(ws, AFTER, layer):
            assert place in text
    for s in snap.sources:
        assert f"[{s.number}]" in text
    assert "km" in text  # the scale bar


def test_pdf_is_a_pdf(ws):
    data = S.render(S.take_snapshot(ws, BEFORE), "pdf")
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert len(data) > 20_000


@pytest.mark.parametrize(
    "view, inside",
    [
        (None, ("Pokrovsk", "Vovchansk")),
        (S.View(48.28, 37.18, 11), ("Pokrovsk",)),
    ],
)
def test_view_box_holds_what_it_should(ws, gazetteer, view, inside):
    snap = S.take_snapshot(ws, AFTER, view=view)
    x0, y0, x1, y1 = view_box(snap)
    for name in inside:
        place = gazetteer.by_name(name, "Donetsk" if name == "Pokrovsk" else "Kharkiv")
        assert x0 <= place.lon <= x1 and y0 <= place.lat <= y1


def test_empty_snapshot_still_renders_a_map(ws):
    pixels = png_pixels(S.render(S.take_snapshot(ws, date(2000, 1, 1)), "png"))
    assert pixels.std() > 10


def test_overlay_is_drawn_under_the_claims(ws):
    import shapely

    from conflictmap.assessment.overlay import AssessmentOverlay
    from conflictmap.render.styles import ASSESSMENT_COLOURS

    snap = S.take_snapshot(ws, AFTER, ["contested"])
    plain = png_pixels(S.render(snap, "png"))
    overlay = AssessmentOverlay(
        date(2025, 12, 2), "test assessment", {"occupied": shapely.box(37.0, 48.2, 37.4, 48.4)}
    )
    drawn = png_pixels(S.render(S.take_snapshot(ws, AFTER, ["contested"], overlay=overlay), "png"))
    # The overlay is drawn at 55 % opacity over the backdrop's land colour.
    grey, land = ASSESSMENT_COLOURS["occupied"], LAND["UA"]
    mix = "#" + "".join(
        f"{round(0.55 * int(grey[i : i + 2], 16) + 0.45 * int(land[i : i + 2], 16)):02X}"
        for i in (1, 3, 5)
    )
    assert count_colour(drawn, mix, tol=6) > count_colour(plain, mix, tol=6) + 500
