"""Static snapshots (PNG, SVG, PDF) drawn with matplotlib: valid, complete, not blank."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import date

import numpy as np
import pytest
from PIL import Image

from conflictmap.render import snapshot as S
from conflictmap.render import static
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


def _over(colour: str, alpha: float, under: str) -> str:
    """``colour`` at ``alpha`` over ``under``, as hex."""
    return "#" + "".join(
        f"{round(alpha * int(colour[i : i + 2], 16) + (1 - alpha) * int(under[i : i + 2], 16)):02X}"
        for i in (1, 3, 5)
    )


def test_overlay_is_drawn_under_the_claims_in_the_live_maps_styles(ws):
    import shapely

    from conflictmap.assessment.overlay import AssessmentOverlay
    from conflictmap.render.styles import ASSESSMENT_STYLES

    snap = S.take_snapshot(ws, AFTER, ["contested"])
    plain = png_pixels(S.render(snap, "png"))
    overlay = AssessmentOverlay(
        date(2025, 12, 2),
        "test assessment",
        {
            "occupied": shapely.box(37.0, 48.2, 37.4, 48.4),
            "grey_zone": shapely.box(37.4, 48.2, 37.6, 48.4),
        },
    )
    drawn = png_pixels(S.render(S.take_snapshot(ws, AFTER, ["contested"], overlay=overlay), "png"))
    occ, grey, land = ASSESSMENT_STYLES["occupied"], ASSESSMENT_STYLES["grey_zone"], LAND["UA"]
    # Occupied: a light wash with hatch lines over it; the grey zone a flat grey.
    wash = _over(occ["fill"], occ["fill_opacity"], land)
    lines = _over(occ["hatch"], occ["hatch_opacity"], wash)
    flat = _over(grey["fill"], grey["fill_opacity"], land)
    for colour in (wash, lines, flat):
        assert count_colour(drawn, colour, tol=8) > count_colour(plain, colour, tol=8) + 300, colour


def test_the_legend_draws_the_assessment_as_the_map_does(ws):
    import shapely

    from conflictmap.assessment.overlay import AssessmentOverlay

    overlay = AssessmentOverlay(
        date(2025, 12, 2), "test assessment", {"occupied": shapely.box(37.0, 48.2, 37.4, 48.4)}
    )
    snap = S.take_snapshot(ws, AFTER, ["contested"], overlay=overlay)
    [patch] = [h for h in static._legend_handles(snap) if "occupied" in h.get_label()]
    assert patch.get_hatch() == "////" and patch.get_edgecolor()[:3] != (1.0, 1.0, 1.0)


# -- exports = the live map: legend colours, labels, paper --------------------------------
def _hex(rgb) -> tuple[int, int, int]:
    return tuple(round(v * 255) for v in rgb[:3])


def _swatch_rgb(layer: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """(fill over white, edge) of the live map's legend swatch of a layer."""
    from matplotlib.colors import to_rgb

    from conflictmap.render.mapview import feature_style
    from conflictmap.render.styles import LEGEND_CONTROLLER

    style = feature_style(layer, {"controller": LEGEND_CONTROLLER[layer]})
    edge = _hex(to_rgb(style["color"]))
    if layer == "contested":
        return (255, 255, 255), edge
    a = style["fillOpacity"]
    fill = tuple(1 - a + a * v for v in to_rgb(style["fillColor"]))
    return _hex(fill), edge


LAYER_NAMES = ("ru", "ua", "other", "contested", "agreed")


@pytest.mark.parametrize("layer", LAYER_NAMES)
def test_svg_legend_colours_equal_the_live_map(ws, layer):
    from matplotlib.colors import to_rgb

    root = ET.fromstring(S.render(S.take_snapshot(ws, AFTER), "svg"))
    group = next(
        g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("id") == f"legend-{layer}"
    )
    style = group.find("{http://www.w3.org/2000/svg}path").get("style")
    fill = re.search(r"fill: ([^;]+)", style)[1]
    stroke = re.search(r"stroke: (#[0-9a-f]{6})", style)[1]
    want_fill, want_edge = _swatch_rgb(layer)
    if layer == "contested":  # hatched, as on the map
        assert fill.startswith("url(#")
    else:
        assert np.abs(np.array(_hex(to_rgb(fill))) - want_fill).max() <= 1
    assert _hex(to_rgb(stroke)) == want_edge


@pytest.mark.parametrize("layer", ["ru", "ua", "other", "agreed"])
def test_png_legend_colours_equal_the_live_map(ws, layer):
    from conflictmap.render.static import figure

    fig = figure(S.take_snapshot(ws, AFTER))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI["png"])
    fig.canvas.draw()
    legend = fig.legends[0]
    patch = next(p for p in legend.get_patches() if p.get_gid() == f"legend-{layer}")
    box = patch.get_window_extent()
    scale = DPI["png"] / fig.dpi
    height = fig.get_size_inches()[1] * DPI["png"]
    x, y = box.x0 * scale + box.width * scale / 2, height - (box.y0 + box.height / 2) * scale
    pixels = png_pixels(buf.getvalue())
    want_fill, _ = _swatch_rgb(layer)
    got = pixels[int(y), int(x)]
    assert np.abs(got.astype(int) - want_fill).max() <= 3, (layer, got, want_fill)


def test_share_labels_and_place_names_are_in_the_svg_text(ws):
    root = ET.fromstring(S.render(S.take_snapshot(ws, AFTER), "svg"))
    text = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    for label in ("RU 95%", "Kurakhove", "Pokrovsk", "Chasiv Yar"):
        assert label in text


@pytest.mark.parametrize(
    "paper, size",
    [("a4", (841.68, 595.44)), ("letter", (792.0, 612.0))],
)
def test_pdf_page_is_the_paper_landscape(ws, paper, size):
    data = S.render(S.take_snapshot(ws, AFTER, paper=paper), "pdf")
    box = re.search(rb"/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]", data)
    assert (float(box[1]), float(box[2])) == pytest.approx(size, abs=1)


def test_unknown_paper_is_refused(ws):
    with pytest.raises(ValueError, match="a4, letter"):
        S.take_snapshot(ws, AFTER, paper="a3")


@pytest.fixture(scope="module")
def corner_ws(tmp_path_factory, gazetteer):
    """The curated ledger plus one ordinary claim each on Huliaipole and on Dnipro: the
    map then takes in countries whose areas touch only at a corner."""
    from conflictmap.workspace import Workspace

    db = tmp_path_factory.mktemp("cornerdb") / "ledger.sqlite"
    ws = Workspace(f"sqlite:///{db}", gazetteer=gazetteer)
    ws.ledger.import_records(
        [
            {"place": p, "claimant": c, "controller": c, "claim_date": "2025-11-30"}
            | {"source_publisher": "Agency", "oblast": o}
            for p, c, o in (("Huliaipole", "RU", "Zaporizhzhia"), ("Dnipro", "UA", ""))
        ]
    )
    return ws


@pytest.mark.parametrize("layers", [("ru",), ("ru", "ua", "other", "contested", "agreed")])
@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF")])
def test_claims_on_huliaipole_and_dnipro_make_images(corner_ws, layers, fmt, magic):
    data = S.render(S.take_snapshot(corner_ws, date(2025, 12, 1), layers), fmt)
    assert data.startswith(magic) and len(data) > 10_000


def test_an_area_repaired_into_polygons_and_lines_keeps_its_border():
    from shapely.geometry import GeometryCollection, LineString, box

    from conflictmap.render.static import _shared_edges

    # what make_valid gives for a country with a sliver: a polygon and a stray line
    repaired = GeometryCollection([box(1, 0, 2, 1), LineString([(2, 0), (3, 0)])])
    edges = _shared_edges(np.array([box(0, 0, 1, 1), repaired], dtype=object))
    assert [(e.geom_type, round(e.length, 6)) for e in edges] == [("LineString", 1.0)]


def _clockwise(poly):
    import shapely

    return shapely.orient_polygons(poly, exterior_cw=True)


@pytest.mark.parametrize(
    "point, filled",
    [
        ((0.5, 0.5), True),  # in the first square only
        ((1.5, 1.5), True),  # in the overlap: filled, whatever the rings' directions
        ((2.5, 2.5), True),  # in the clockwise square only
        ((10.5, 0.5), True),  # in the ring around the hole
        ((12.0, 2.0), False),  # in the hole
        ((5.0, 5.0), False),  # outside every shape
    ],
)
def test_one_hatch_path_fills_the_union_of_the_contested_places(point, filled):
    from shapely.geometry import Polygon, box

    from conflictmap.render.static import _compound

    holed = Polygon([(10, 0), (14, 0), (14, 4), (10, 4)], [[(11, 1), (13, 1), (13, 3), (11, 3)]])
    path = _compound([box(0, 0, 2, 2), _clockwise(box(1, 1, 3, 3)), None, holed])
    assert _filled_by_agg(path, point) is filled


def _filled_by_agg(path, point) -> bool:
    """Whether matplotlib's Agg backend paints ``point`` when it fills ``path`` (in data
    units, on a 16 x 6 canvas at 10 pixels a unit)."""
    from matplotlib.collections import PathCollection

    def draw(ax):
        ax.add_collection(PathCollection([path], facecolors="black", edgecolors="none"))

    pixels = _agg_pixels(draw, (16, 6))
    x, y = point
    return bool(pixels[pixels.shape[0] - 1 - int(y * 10), int(x * 10), 0] < 128)


def test_no_contested_places_give_no_hatch_path():
    from conflictmap.render.static import _compound

    assert _compound([]) is None


@pytest.mark.parametrize(
    "radius, tolerance",
    [
        (1000.0, 10.0),  # much larger than the tolerance: simplified, still a polygon
        (1000.0, 400.0),  # a few times the tolerance
        (1250.0, 1500.0),  # smaller than the tolerance: Douglas-Peucker would drop it
        (50.0, 1500.0),  # a hamlet at the scale of the whole front
    ],
)
def test_simplified_shapes_are_never_dropped(radius, tolerance):
    import shapely

    from conflictmap.render.static import _simplified

    shape = shapely.Point(0, 0).buffer(radius, quad_segs=16)
    (simple,) = _simplified([shape], tolerance)
    assert not simple.is_empty and simple.geom_type == "Polygon"
    assert shapely.get_num_coordinates(simple) <= shapely.get_num_coordinates(shape)
    assert simple.within(shape.buffer(1e-6))


def _agg_pixels(draw, size=(24, 8)) -> np.ndarray:
    """RGB pixels of a canvas of ``size`` units (10 pixels a unit) on which ``draw(ax)``
    drew, by matplotlib's Agg backend."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(size[0] / 10, size[1] / 10), dpi=100)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, size[0])
    ax.set_ylim(0, size[1])
    ax.axis("off")
    draw(ax)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].astype(int)


@pytest.mark.parametrize(
    "layer, controller, partial",
    [
        ("contested", None, False),  # heavy dashes, no fill
        ("other", "RU", False),  # short dashes over a fill
        ("ru", "RU", True),  # a part claim: dashed
        ("ua", "UA", False),  # solid
    ],
)
def test_one_path_for_a_look_draws_each_shape_as_alone(layer, controller, partial):
    """Shapes of one look are drawn as one path, and look as when each is drawn by itself
    in the same style: each ring's dashes start and run the same way (footprints and
    parts are clockwise, as shapely makes them and the live map draws them)."""
    import shapely
    from shapely.affinity import rotate
    from shapely.geometry import Point, box

    from conflictmap.render.static import PX_TO_PT, _dash, _polygons, _rgba, _styled
    from conflictmap.render.styles import path_style

    shapes = [
        Point(3, 4).buffer(2.6),
        shapely.orient_polygons(rotate(box(8, 1, 13.3, 6.7), 17), exterior_cw=True),
        Point(19, 4).buffer(3.1).difference(box(15, 0, 17.5, 8)),  # a part of a town
    ]
    style = path_style(layer, controller, partial)
    fill = "none" if layer == "contested" else _rgba(style["fillColor"], style["fillOpacity"])
    look = {
        "facecolors": fill,
        "edgecolors": style["color"],
        "linewidths": style["weight"] * PX_TO_PT,
        "linestyles": [_dash(style.get("dashArray"), style["weight"])],
    }

    def alone(ax):
        for shape in shapes:
            _polygons(ax, [shape], **look)

    together = _agg_pixels(lambda ax: _styled(ax, shapes, style, fill, 1))
    apart = _agg_pixels(alone)
    assert (np.abs(together - apart).max(axis=2) > 60).sum() <= 4
    assert (apart.min(axis=2) < 128).sum() > 100  # the outlines are there to compare


def test_warm_up_leaves_no_figure_and_exports_stay_the_same(ws):
    """The background warm-up draws nothing anyone keeps; the label sizes kept from one
    export to the next give the same image as measured afresh."""
    static.warm_up()
    static._LABEL_EXTENTS.clear()
    fresh = png_pixels(S.render(S.take_snapshot(ws, AFTER), "png"))
    assert static._LABEL_EXTENTS  # the names measured are kept
    kept = png_pixels(S.render(S.take_snapshot(ws, AFTER), "png"))
    assert fresh.shape == kept.shape and (fresh == kept).all()


def test_static_exports_never_load_pyplot():
    """pyplot keeps one figure registry for every thread; a server draws exports in
    several threads at once, so the exports must not go through it (a figure closed
    in one thread once took the canvas of a PDF being drawn in another)."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from conflictmap.render import static\n"
        "static.warm_up()\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "False", out.stdout + out.stderr


MAGIC = {"png": b"\x89PNG\r\n", "pdf": b"%PDF-", "svg": b"<?xml"}


def test_exports_drawn_in_several_threads_at_once_are_whole(ws):
    """Exports and the warm-up drawn at the same time, as a server's download threads
    draw them: each comes out whole, and a PNG as it does alone."""
    from concurrent.futures import ThreadPoolExecutor

    alone = png_pixels(S.render(S.take_snapshot(ws, AFTER), "png"))
    formats = ["pdf", "png", "svg"] * 3

    def draw(fmt):
        return fmt, S.render(S.take_snapshot(ws, AFTER, paper="a4"), fmt)

    with ThreadPoolExecutor(4) as pool:
        warm = [pool.submit(static.warm_up) for _ in range(2)]
        results = list(pool.map(draw, formats))
    assert all(w.result() is None for w in warm)
    for fmt, data in results:
        assert data.startswith(MAGIC[fmt]), fmt
        if fmt == "png":
            together = png_pixels(data)
            assert together.shape == alone.shape and (together == alone).all()
