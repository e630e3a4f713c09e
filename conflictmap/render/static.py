"""Static snapshots (PNG, SVG, PDF) drawn with matplotlib, no browser needed.

The map is drawn in the UTM zone of the view's centre, so the scale bar measures
true metres. Layers use the live map's colours, line styles and weights from
:mod:`conflictmap.render.styles`; contested places are hatched. Without basemap tiles the
background shows approximate oblast and country areas and the largest cities (see
:mod:`conflictmap.places.backdrop`), so a reader still sees where things are. Below the
map: the legend, a caption with the date and the layers, and the numbered sources.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading

import geopandas as gpd
import matplotlib
import matplotlib.patheffects as pe
import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath
from matplotlib_scalebar.scalebar import ScaleBar

from ..ledger import LAYER_TITLES
from ..places import backdrop, utm_epsg
from .styles import (
    ASSESSMENT_COLOURS,
    ASSESSMENT_STYLES,
    CONTROLLER_COLOURS,
    DRAW_ORDER,
    HATCH_COLOUR,
    LAYER_DESCRIPTIONS,
    LEGEND_CONTROLLER,
    PAPER_SIZES,
    PARTIAL_DASH,
    is_partial,
    path_style,
    share_label,
)

WIDTH_IN = 11.0  # PNG and SVG width, inches (PDF: the paper's, see styles.PAPER_SIZES)
MAP_HEIGHT_IN = 7.2
DPI = {"png": 130, "svg": 72, "pdf": 72}
PX_TO_PT = 0.75  # a Leaflet pixel in points
MAX_LABELS = 400  # place names tried, largest places first
FORCE_LABELS_UP_TO = 60  # with this few places every name is drawn, crowded or not
MIN_MAP_IN = 4.2  # the least height of the map on a page
MIN_VIEW_M = 60_000  # the smallest view, so a single town keeps its surroundings
DEFAULT_VIEW = (36.4, 47.6, 38.6, 49.2)  # lon/lat box of the eastern front
BACKGROUND = "#E4ECF1"  # beyond the places we know: sea or sparse land
LAND = {"UA": "#FAF8F2", "RU": "#ECE9E2", "BY": "#ECE9E2"}
WRAP = 180  # characters per caption line
MAX_SOURCES_SHOWN = 30


def _dash(dash: str | None, weight: float):
    """A Leaflet dashArray ('8 4', in pixels) as a matplotlib line style."""
    if not dash:
        return "solid"
    return (0, tuple(float(v) / weight for v in dash.split()))


def _path(geom) -> MplPath:
    """A matplotlib Path of a (multi)polygon, holes included."""
    verts, codes = [], []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            verts.append(xy)
            codes.append(np.full(len(xy), MplPath.LINETO, dtype=np.uint8))
            codes[-1][0] = MplPath.MOVETO
            codes[-1][-1] = MplPath.CLOSEPOLY
    if not verts:
        return MplPath(np.zeros((1, 2)), [MplPath.MOVETO])
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _ragged(geoms):
    """(coordinates, path codes, each shape's first index and the end) of (multi)polygons,
    holes included, from one flat array of every coordinate (shapely's ragged arrays);
    None when they are not all (multi)polygons."""
    try:
        kind, coords, offsets = shapely.to_ragged_array(
            np.asarray(geoms, dtype=object), include_z=False
        )
    except (ValueError, TypeError):
        return None
    if kind == shapely.GeometryType.POLYGON:
        rings, per_geom = offsets
        first_ring = per_geom
    elif kind == shapely.GeometryType.MULTIPOLYGON:
        rings, per_poly, per_geom = offsets
        first_ring = per_poly[per_geom]
    else:
        return None
    codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
    codes[rings[:-1]] = MplPath.MOVETO
    codes[rings[1:] - 1] = MplPath.CLOSEPOLY
    return coords, codes, rings[first_ring]


def _drawn(geoms) -> list:
    return [g for g in geoms if g is not None and not g.is_empty]


def _paths(geoms) -> list[MplPath]:
    """Matplotlib Paths of (multi)polygons, one a shape, holes included (ring by ring
    for any other kind of geometry)."""
    geoms = _drawn(geoms)
    if not geoms:
        return []
    ragged = _ragged(geoms)
    if ragged is None:
        return [_path(g) for g in geoms]
    coords, codes, bounds = ragged
    return [
        MplPath(coords[a:b], codes[a:b]) if b > a else MplPath(np.zeros((1, 2)), [MplPath.MOVETO])
        for a, b in zip(bounds[:-1], bounds[1:])
    ]


def _simplified(geoms, tolerance: float) -> np.ndarray:
    """Shapes simplified to ``tolerance`` (Douglas-Peucker, ten times faster than the
    topology-keeping kind); a shape smaller than that, which it would drop, is simplified
    the topology-keeping way instead, which keeps a ring of it: every place is still
    drawn."""
    geoms = np.asarray(geoms, dtype=object)
    simple = shapely.simplify(geoms, tolerance, preserve_topology=False)
    gone = shapely.is_empty(simple) & ~shapely.is_empty(geoms)
    simple[gone] = shapely.simplify(geoms[gone], tolerance)
    return simple


def _compound(geoms) -> MplPath | None:
    """One matplotlib Path of many (multi)polygons, their union as filled: outer rings
    clockwise and holes counter-clockwise, so overlaps stay filled under the non-zero
    rule the Agg, PDF and SVG backends use. Clockwise as shapely makes footprints and
    parts (and as the live map draws them): an outline's dashes then start and run as
    on the map. None when there is nothing to draw."""
    geoms = _drawn(shapely.orient_polygons(np.asarray(geoms, dtype=object), exterior_cw=True))
    if not geoms:
        return None
    ragged = _ragged(geoms)
    if ragged is None:
        return MplPath.make_compound_path(*[_path(g) for g in geoms])
    coords, codes, _ = ragged
    return MplPath(coords, codes)


def _polygons(ax, geoms, **style) -> None:
    """Draw polygons as one collection (no geopandas.plot: it redraws each time)."""
    paths = _paths(geoms)
    if paths:
        ax.add_collection(PathCollection(paths, **style), autolim=False)


def _lines(ax, geoms, **style) -> None:
    """Draw (multi)lines as one collection."""
    segs = []
    for geom in geoms:
        for line in getattr(geom, "geoms", [geom]):
            if line.geom_type == "LineString" and not line.is_empty:
                segs.append(np.asarray(line.coords)[:, :2])
    if segs:
        ax.add_collection(LineCollection(segs, **style), autolim=False)


def _label(ax, method: str, *args, halo: float = 2.0, **kw):
    """A text with a white halo drawn as a separate copy beneath it, so SVG output
    keeps the text itself as text (path effects would turn it into outlines)."""
    under = getattr(ax, method)(
        *args, **{**kw, "color": "white", "zorder": kw.get("zorder", 1) - 0.01}
    )
    under.set_path_effects([pe.Stroke(linewidth=halo, foreground="white")])
    text = getattr(ax, method)(*args, **kw)
    text.halo = under
    return text


def _drop(text) -> None:
    text.halo.remove()
    text.remove()


def view_box(snap) -> tuple[float, float, float, float]:
    """The lon/lat box to draw: the snapshot's view, else its features, else the front."""
    if snap.view is not None:
        # Leaflet's metres per pixel at this zoom, for a 1000-pixel-wide map.
        mpp = 156_543.03 * math.cos(math.radians(snap.view.lat)) / 2**snap.view.zoom
        half_w = 500 * mpp / (111_320 * math.cos(math.radians(snap.view.lat)))
        half_h = 330 * mpp / 110_574
        return (
            snap.view.lon - half_w,
            snap.view.lat - half_h,
            snap.view.lon + half_w,
            snap.view.lat + half_h,
        )
    shown = [gdf for gdf in snap.layers.values() if len(gdf)]
    if not shown:
        return DEFAULT_VIEW
    bounds = [gdf.total_bounds for gdf in shown]
    x0, y0 = min(b[0] for b in bounds), min(b[1] for b in bounds)
    x1, y1 = max(b[2] for b in bounds), max(b[3] for b in bounds)
    return (x0, y0, x1, y1)


def _projected_extent(box, epsg: int, aspect: float):
    """The box in metres, padded to at least MIN_VIEW_M and to the figure's aspect."""
    x0, y0, x1, y1 = (
        gpd.GeoSeries.from_xy([box[0], box[2]], [box[1], box[3]], crs=4326)
        .to_crs(epsg)
        .total_bounds
    )
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w = max(x1 - x0, MIN_VIEW_M) * 1.25
    h = max(y1 - y0, MIN_VIEW_M) * 1.25
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _draw_backdrop(ax, snap, extent, epsg):
    gaz = snap.workspace.gazetteer if snap.workspace is not None else None
    if gaz is None:
        return None, []
    box = (
        gpd.GeoSeries.from_xy([extent[0], extent[2]], [extent[1], extent[3]], crs=epsg)
        .to_crs(4326)
        .total_bounds
    )
    bd = backdrop(gaz, tuple(box))
    region_labels: list[tuple[float, float, str]] = []
    if len(bd.regions):
        regions = bd.regions.to_crs(epsg)
        regions["geometry"] = regions.geometry.make_valid()
        _polygons(
            ax,
            regions.geometry,
            facecolors=[LAND.get(c, "#EEEEEE") for c in regions["country"]],
            edgecolors="none",
            zorder=1,
        )
        _lines(
            ax, _shared_edges(regions.geometry.values), colors="#B8B2A6", linewidths=0.6, zorder=2
        )
        countries = bd.countries.to_crs(epsg)
        _lines(
            ax,
            _shared_edges(shapely.make_valid(countries.geometry.values)),
            colors="#8C857A",
            linewidths=1.4,
            linestyles=[(0, (6, 2, 1, 2))],
            zorder=2,
        )
        x0, y0, x1, y1 = extent
        for _, row in regions.iterrows():
            clip = row.geometry.intersection(_box(extent))
            if clip.is_empty or clip.area < 0.04 * (x1 - x0) * (y1 - y0):
                continue
            pt = clip.representative_point()
            label = row["oblast"].upper() + (
                "" if row["country"] == "UA" else f" ({row['country']})"
            )
            region_labels.append((pt.x, pt.y, label))
    return bd.cities.to_crs(epsg), region_labels


def _shared_edges(geoms) -> list:
    """The boundaries two areas share (borders), leaving out coasts and outer edges.

    An area repaired by ``make_valid`` may be a collection of polygons and stray lines,
    which has no boundary: only its polygons count.
    """
    geoms = np.array([_areas(g) for g in geoms], dtype=object)
    rings = shapely.boundary(geoms)
    out = []
    for i in range(len(rings)):
        for j in range(i + 1, len(rings)):
            if shapely.intersects(geoms[i], geoms[j]):
                edge = _linework(shapely.intersection(rings[i], rings[j]))
                if edge is not None:
                    out.append(edge)
    return out


def _areas(geom):
    """The polygons of a geometry as one (Multi)Polygon; an empty polygon when none."""
    from shapely.geometry import MultiPolygon, Polygon

    if geom is None or geom.is_empty:
        return Polygon()
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    parts = [p for g in polys for p in shapely.get_parts(g)]
    return MultiPolygon(parts) if parts else Polygon()


def _linework(geom):
    """The lines of a geometry, merged (None when it holds none).

    Two areas that touch only at corners share points, not lines, and
    ``line_merge`` of a mix of points and lines gives nothing usable.
    """
    if geom is None or geom.is_empty:
        return None
    parts = shapely.get_parts(geom)
    lines = [g for g in shapely.get_parts(parts) if g.geom_type == "LineString" and not g.is_empty]
    if not lines:
        return None
    merged = shapely.line_merge(shapely.multilinestrings(lines))
    return None if merged is None or merged.is_empty else merged


def _box(extent):
    from shapely.geometry import box

    return box(*extent)


def assessment_look(kind: str) -> dict:
    """How the static maps draw an assessment area, as the live map does
    (``styles.ASSESSMENT_STYLES``): fill colour and opacity, hatch colour (None for a
    flat fill), edge colour and matplotlib line style. Kinds without a style (liberated)
    get a flat fill of ``styles.ASSESSMENT_COLOURS``.

    >>> assessment_look("occupied")["hatch"] is not None, assessment_look("grey_zone")["hatch"]
    (True, None)
    """
    st = ASSESSMENT_STYLES.get(kind)
    if st is None:
        colour = ASSESSMENT_COLOURS.get(kind, "#CCCCCC")
        return {"fill": _rgba(colour, 0.3), "hatch": None, "edge": "#555555", "dash": "solid"}
    return {
        "fill": _rgba(st["fill"], st["fill_opacity"]),
        "hatch": _rgba(st["hatch"], st["hatch_opacity"]) if st["hatch"] else None,
        "edge": st["edge"],
        "dash": _dash(st["edge_dash"], ASSESSMENT_EDGE),
    }


ASSESSMENT_EDGE = 1.2  # px, as on the live map


def _draw_overlay(ax, overlay, epsg):
    for kind, shape in sorted(overlay.shapes.items()):
        if shape is None or shape.is_empty:
            continue
        geoms = gpd.GeoSeries([shape], crs=4326).to_crs(epsg)
        look = assessment_look(kind)
        _polygons(ax, geoms, facecolors=[look["fill"]], edgecolors="none", zorder=4)
        if look["hatch"]:
            _polygons(
                ax,
                geoms,
                facecolors="none",
                hatch="////",
                hatchcolor=look["hatch"],
                edgecolors="none",
                linewidths=0,
                zorder=4.05,
            )
        _polygons(
            ax,
            geoms,
            facecolors="none",
            edgecolors=look["edge"],
            linewidths=ASSESSMENT_EDGE * PX_TO_PT,
            linestyles=[look["dash"]],
            zorder=4.1,
        )


def _projected(snap, epsg) -> dict:
    """The visible layers in the map's UTM zone, projected once per figure."""
    key = ("_projected", epsg)
    cache = snap.__dict__.setdefault("_static_cache", {})
    if key not in cache:
        cache[key] = {name: gdf.to_crs(epsg) for name, gdf in snap.layers.items() if len(gdf)}
    return cache[key]


def _draw_layer(ax, name, proj, z, tolerance: float = 0.0):
    """One layer (already projected) in the live map's styles (:func:`styles.path_style`).
    Shapes are simplified to ``tolerance`` metres (about half a pixel): no visible
    change, far fewer vertices to draw on a map of the whole front."""
    if proj is None or not len(proj):
        return
    if tolerance > 0:
        proj = proj.set_geometry(_simplified(proj.geometry.values, tolerance))
    if name == "contested":
        style = path_style(name)
        # The hatch as one path of every contested place: matplotlib hatches a
        # collection path by path, which on the whole front took most of the drawing.
        hatch = _compound(proj.geometry.values)
        if hatch is not None:
            ax.add_collection(
                PathCollection(
                    [hatch],
                    facecolors="none",
                    hatch="////",
                    edgecolors=HATCH_COLOUR,
                    linewidths=0,
                    zorder=z,
                ),
                autolim=False,
            )
        _styled(ax, proj.geometry.values, style, "none", z + 0.1)
        return
    partial = [
        is_partial(e, p, f) for e, p, f in zip(proj["extent"], proj["part"], proj["fraction"])
    ]
    groups: dict[tuple, list] = {}
    for geom, controller, flag in zip(proj.geometry.values, proj["controller"], partial):
        style = path_style(name, controller, flag)
        key = (flag, style["fillColor"], style["fillOpacity"])
        groups.setdefault(key, [style, []])[1].append(geom)
    for (_, fill, opacity), (style, geoms) in sorted(groups.items(), key=lambda kv: kv[0]):
        _styled(ax, geoms, style, _rgba(fill, opacity), z)


def _styled(ax, geoms, style: dict, fill, z) -> None:
    """Shapes of one look drawn as one compound path: filled as their union (outer rings
    counter-clockwise, holes clockwise) and outlined ring by ring, the dashes starting
    afresh on each ring as the Agg, PDF and SVG renderers do (as on the live map). One
    path instead of one a shape: the static exports of the whole front draw 12,000
    shapes, and each path costs the PDF and SVG writers far more than its vertices."""
    path = _compound(geoms)
    if path is None:
        return
    ax.add_collection(
        PathCollection(
            [path],
            facecolors=fill,
            edgecolors=style["color"],
            linewidths=style["weight"] * PX_TO_PT,
            linestyles=[_dash(style.get("dashArray"), style["weight"])],
            zorder=z,
        ),
        autolim=False,
    )


def _rgba(colour: str, alpha: float) -> tuple:
    from matplotlib.colors import to_rgba

    return to_rgba(colour, alpha)


def legend_swatch(layer: str) -> dict:
    """The legend swatch of a layer as the live map draws it: fill colour and opacity,
    edge colour, weight and dashes (from :func:`styles.path_style`)."""
    return path_style(layer, LEGEND_CONTROLLER[layer])


def _legend_handles(snap):
    handles = []
    for name in snap.visible:
        style = legend_swatch(name)
        label = f"{LAYER_TITLES[name]}: {LAYER_DESCRIPTIONS[name]}"
        contested = name == "contested"
        handles.append(
            Patch(
                facecolor="white" if contested else _mix(style["fillColor"], style["fillOpacity"]),
                hatch="////" if contested else None,
                edgecolor=style["color"],
                linestyle=_dash(style.get("dashArray"), style["weight"]),
                linewidth=min(style["weight"], 3) * PX_TO_PT,
                label=label,
                gid=f"legend-{name}",
            )
        )
    if any(name in snap.visible for name in ("ru", "ua", "other")):
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="#444444",
                linewidth=1.5,
                linestyle=_dash(PARTIAL_DASH, 2),
                label="dashed outline: a partial claim (a part or a share)",
            )
        )
        handles.append(
            Patch(
                facecolor=_mix(CONTROLLER_COLOURS["RU"], path_style("ru", "RU")["fillOpacity"]),
                edgecolor="none",
                label="fill: the controller claimed (vermillion RU, blue UA, orange contested)",
            )
        )
        if any(_share_labels(snap)):
            handles.append(
                Patch(
                    facecolor="white",
                    edgecolor="none",
                    label="RU 95%: the share claimed, when only that is known",
                )
            )
    if snap.overlay is not None:
        for kind, shape in snap.overlay.shapes.items():
            if shape is not None and not shape.is_empty:
                look = assessment_look(kind)
                handles.append(
                    Patch(
                        facecolor=look["fill"],
                        hatch="////" if look["hatch"] else None,
                        hatchcolor=look["hatch"] or "none",
                        edgecolor=look["edge"],
                        linestyle=look["dash"],
                        linewidth=ASSESSMENT_EDGE * PX_TO_PT,
                        label=f"{snap.overlay.source}: {kind.replace('_', ' ')} "
                        f"({snap.overlay.assessed_on.isoformat()})",
                    )
                )
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            color="none",
            markerfacecolor="#6B6B6B",
            markeredgewidth=0,
            markersize=4,
            label="reference city",
        )
    )
    handles.append(
        Patch(
            facecolor=LAND["UA"],
            edgecolor="#B8B2A6",
            linewidth=0.6,
            label="oblast (approximate, from the gazetteer)",
        )
    )
    return handles


def _mix(colour: str, alpha: float) -> tuple:
    """A colour blended with white at ``alpha``, for legend swatches."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return (1 - alpha + alpha * r, 1 - alpha + alpha * g, 1 - alpha + alpha * b)


def _caption_lines(snap) -> list[str]:
    lines = textwrap.wrap(snap.caption(), WRAP)
    lines.append("Sources:" if snap.sources else "Sources: none (no features shown).")
    shown = snap.sources[:MAX_SOURCES_SHOWN]
    for s in shown:
        lines.extend(textwrap.wrap(s.label(), WRAP, subsequent_indent="      "))
    if len(snap.sources) > len(shown):
        lines.append(
            f"... and {len(snap.sources) - len(shown)} more sources: "
            "see the GeoJSON, CSV or KML export of this snapshot."
        )
    lines.append(
        "Backdrop: places from GeoNames (CC BY 4.0); oblast areas approximated "
        "from them. No basemap tiles."
    )
    return lines


def _layout(snap, caption: list[str], legend_rows: int, paper: str | None):
    """(width, height, map height, caption lines) in inches; on paper the height is
    the page's, and sources that do not fit are cut with a pointer to the full list."""
    line_in = 0.16
    title_in = 0.75

    def foot(lines: int) -> float:
        return 0.25 + legend_rows * 0.2 + lines * line_in + 0.2

    if paper is None:
        return WIDTH_IN, title_in + MAP_HEIGHT_IN + foot(len(caption)), MAP_HEIGHT_IN, caption
    width, height = PAPER_SIZES[paper]
    room = int((height - title_in - MIN_MAP_IN - foot(0)) / line_in)
    if len(caption) > room:
        keep = caption[: max(room - 2, 1)]
        keep.append(
            f"... {len(caption) - len(keep) - 1} more lines of sources: see the GeoJSON or "
            "CSV export."
        )
        keep.append(caption[-1])
        caption = keep
    return width, height, height - title_in - foot(len(caption)), caption


def figure(snap, paper: str | None = None):
    """The matplotlib Figure of a snapshot, on an Agg canvas of its own. With ``paper``
    (``a4``, ``letter``) the figure is that page, landscape.

    The figure is not pyplot's: pyplot's figure registry is shared by every thread, and
    a server draws exports in several at once (a figure closed in one thread took its
    canvas from a figure being drawn in another). Nothing needs closing."""
    box = view_box(snap)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    epsg = utm_epsg(cx, cy)
    handles = _legend_handles(snap)
    legend_rows = math.ceil(len(handles) / 2)
    width_in, height, map_in, caption = _layout(snap, _caption_lines(snap), legend_rows, paper)
    foot_in = height - 0.75 - map_in
    fig = Figure(figsize=(width_in, height))
    FigureCanvasAgg(fig)
    margin = 0.3 / width_in
    ax = fig.add_axes((margin, foot_in / height, 1 - 2 * margin, map_in / height))
    ax.set_xticks([])
    ax.set_yticks([])
    aspect = (width_in * (1 - 2 * margin)) / map_in
    extent = _projected_extent(box, epsg, aspect)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal")
    ax.set_facecolor(BACKGROUND)
    cities, region_labels = _draw_backdrop(ax, snap, extent, epsg)
    if snap.overlay is not None:
        _draw_overlay(ax, snap.overlay, epsg)
    projected = _projected(snap, epsg)
    px = ax.get_window_extent().width
    tolerance = 0.5 * (extent[2] - extent[0]) / max(px, 1)
    for z, name in enumerate(n for n in DRAW_ORDER if n in snap.visible):
        _draw_layer(ax, name, projected.get(name), 10 + z, tolerance)
    _draw_labels(ax, snap, epsg, cities, region_labels)
    ax.add_artist(
        ScaleBar(
            1,
            "m",
            location="lower right",
            box_alpha=0.8,
            length_fraction=0.2,
            font_properties={"size": 8},
        )
    )
    fig.text(
        margin,
        1 - 0.22 / height,
        snap.title or f"Territorial-control claims as of {snap.as_of.isoformat()}",
        fontsize=15,
        fontweight="bold",
        va="top",
    )
    fig.text(
        margin,
        1 - 0.47 / height,
        "Who claims control of what, on whose word. Layers: "
        + (", ".join(snap.layer_titles()) or "none"),
        fontsize=9.5,
        color="#333333",
        va="top",
    )
    legend_top = (foot_in - 0.12) / height
    legend = fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(margin, legend_top),
        ncol=2,
        fontsize=8,
        frameon=False,
        handlelength=2.4,
        handleheight=1.1,
        columnspacing=2.0,
        borderaxespad=0,
    )
    for orig, drawn in zip(handles, legend.legend_handles):
        if orig.get_gid():
            drawn.set_gid(orig.get_gid())  # the SVG names each layer's swatch
    text_top = foot_in - 0.2 - legend_rows * 0.2
    fig.text(
        margin,
        text_top / height,
        "\n".join(caption),
        fontsize=7.2,
        va="top",
        color="#222222",
        linespacing=1.35,
        family="DejaVu Sans",
    )
    return fig


# Place labels' sizes (display pixels) by figure dpi and text, kept from one export to
# the next: measuring a text takes FreeType half a millisecond, and the same few hundred
# names are measured for every export.
_LABEL_EXTENTS: dict[tuple[float, str], tuple[float, float]] = {}
_LABEL_EXTENTS_KEPT = 50_000

# Label anchors tried in turn: above, below, right, left of the place's shapes.
_OFFSETS = (
    ("top", (0, 3), "center", "bottom"),
    ("bottom", (0, -3), "center", "top"),
    ("right", (4, 0), "left", "center"),
    ("left", (-4, 0), "right", "center"),
)


class _Placed:
    """Boxes already drawn (display pixels), bucketed in a grid so that checking a new
    box looks only at its neighbours (thousands of labels stay fast)."""

    CELL = 64.0

    def __init__(self, boxes=()):
        self._cells: dict[tuple[int, int], list] = {}
        for box in boxes:
            self.append(box)

    def _keys(self, box):
        c = self.CELL
        x0, y0, x1, y1 = box
        for i in range(int(x0 // c), int(x1 // c) + 1):
            for j in range(int(y0 // c), int(y1 // c) + 1):
                yield (i, j)

    def append(self, box) -> None:
        """Add a box: (x0, y0, x1, y1) or a matplotlib Bbox."""
        box = _extents(box)
        for key in self._keys(box):
            self._cells.setdefault(key, []).append(box)

    def overlaps(self, box) -> bool:
        """Whether a box touches or overlaps one added before (as ``Bbox.overlaps``)."""
        x0, y0, x1, y1 = box = _extents(box)
        return any(
            a0 <= x1 and x0 <= a1 and b0 <= y1 and y0 <= b1
            for key in self._keys(box)
            for a0, b0, a1, b1 in self._cells.get(key, ())
        )


def _extents(box) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of a box given as such or as a matplotlib Bbox, x0 <= x1."""
    if hasattr(box, "extents"):
        box = box.extents
    x0, y0, x1, y1 = (float(v) for v in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _share_labels(snap) -> list[tuple[int, str]]:
    """(place_id, 'RU 95%') for each visible claim known only as a share, as on the map."""
    out = []
    for name, gdf in snap.layers.items():
        if name not in ("ru", "ua", "other") or not len(gdf):
            continue
        for pid, c, e, f, p in zip(
            gdf["place_id"], gdf["controller"], gdf["extent"], gdf["fraction"], gdf["part"]
        ):
            text = share_label(name, c, e, f, p)
            if text:
                out.append((int(pid), text))
    return out


def _place_boxes(snap, epsg) -> dict:
    """Per place: its label (name, then share and change notes) and the projected
    bounds of everything drawn for it."""
    out: dict = {}
    notes: dict = {}
    for pid, text in _share_labels(snap):
        notes.setdefault(pid, []).append(text)
    for gdf in _projected(snap, epsg).values():
        bounds = gdf.bounds.to_numpy()
        changes = gdf["change"] if "change" in gdf.columns else [None] * len(gdf)
        for pid, name, b, change in zip(gdf["place_id"], gdf["place"], bounds, changes):
            pid = int(pid)
            if isinstance(change, str) and change:
                notes.setdefault(pid, []).append(change)
            if pid in out:
                _, old = out[pid]
                b = (min(old[0], b[0]), min(old[1], b[1]), max(old[2], b[2]), max(old[3], b[3]))
            out[pid] = (name, tuple(b))
    return {
        pid: ("\n".join([name, *dict.fromkeys(notes.get(pid, []))]), b)
        for pid, (name, b) in out.items()
    }


def _draw_labels(ax, snap, epsg, cities, region_labels) -> None:
    """Place names of the features (bold), then reference cities and oblast names
    where room is left inside the map."""
    from matplotlib.font_manager import FontProperties

    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    boxes = _place_boxes(snap, epsg)
    # Display pixels of every place's bounds in one transform (the axes are linear, so
    # each label anchor is a mix of these corners).
    corners = np.array([b for _, b in boxes.values()], dtype=float).reshape(-1, 4)
    low = ax.transData.transform(corners[:, :2]) if len(corners) else corners[:, :2]
    high = ax.transData.transform(corners[:, 2:]) if len(corners) else corners[:, 2:]
    shown = dict(zip(boxes, np.hstack([low, high]).tolist()))
    placed = _Placed(shown.values())
    # Every place gets a marker; names go to the largest places first, and on a
    # crowded map a name that finds no free spot is left out rather than put by
    # another place.
    few = len(boxes) <= FORCE_LABELS_UP_TO
    centres = np.array([((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for _, b in boxes.values()])
    if len(centres):
        size = 2.5 if few else 1.2  # on a crowded map the dots must not hide the fills
        ax.scatter(centres[:, 0], centres[:, 1], s=size**2, color="#111111", zorder=29, lw=0)
    gaz = snap.workspace.gazetteer if snap.workspace is not None else None

    def population(pid) -> int:
        try:
            return gaz.get(int(pid)).population if gaz is not None else 0
        except LookupError:
            return 0

    order = sorted(boxes, key=lambda pid: -population(pid))[:MAX_LABELS]
    font = FontProperties(size=10, weight="bold")
    line = renderer.get_text_width_height_descent("lp", font, ismath=False)[1]
    points = ax.figure.dpi / 72

    def lines(name) -> list[str]:
        return name.split("\n")

    def extent(name) -> tuple[float, float]:
        key = (ax.figure.dpi, name)
        if key not in _LABEL_EXTENTS:
            sizes = [
                renderer.get_text_width_height_descent(t, font, ismath=False) for t in lines(name)
            ]
            w = max(size[0] for size in sizes)
            h = max(max(size[1] for size in sizes), line) * (1 + 1.2 * (len(sizes) - 1))
            if len(_LABEL_EXTENTS) >= _LABEL_EXTENTS_KEPT:
                _LABEL_EXTENTS.clear()
            _LABEL_EXTENTS[key] = (w, h)
        return _LABEL_EXTENTS[key]

    def predicted(name, anchor, offset, ha, va):
        """The box a label would take (display pixels), without drawing it."""
        w, h = extent(name)
        x, y = anchor[0] + offset[0] * points, anchor[1] + offset[1] * points
        x0 = {"center": x - w / 2, "left": x, "right": x - w}[ha]
        y0 = {"center": y - h / 2, "bottom": y, "top": y - h}[va]
        return (x0, y0, x0 + w, y0 + h)

    def free(bbox) -> bool:
        """Inside the map's frame and clear of every label placed so far."""
        x0, y0, x1, y1 = _extents(bbox)
        inside = frame.x0 <= x0 and x1 <= frame.x1 and frame.y0 <= y0 and y1 <= frame.y1
        return inside and not placed.overlaps((x0, y0, x1, y1))

    for pid in order:
        name, (x0, y0, x1, y1) = boxes[pid]
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        d0, e0, d1, e1 = shown[pid]
        dx, dy = (d0 + d1) / 2, (e0 + e1) / 2
        if not (frame.x0 <= dx <= frame.x1 and frame.y0 <= dy <= frame.y1):
            continue
        anchors = {"top": (cx, y1), "bottom": (cx, y0), "right": (x1, cy), "left": (x0, cy)}
        on_screen = {"top": (dx, e1), "bottom": (dx, e0), "right": (d1, dy), "left": (d0, dy)}
        # The first free spot, found from predicted boxes; the label is drawn once, there,
        # and its real box checked (else every spot is tried for real, as below).
        spot = next(
            (spot for spot in _OFFSETS if free(predicted(name, on_screen[spot[0]], *spot[1:]))),
            None,
        )
        if spot is not None or few:
            side, offset, ha, va = spot or _OFFSETS[-1]
            text = _label(ax, "annotate", name, anchors[side], xytext=offset,
                          textcoords="offset points", ha=ha, va=va, fontsize=10,
                          fontweight="bold", color="#111111", zorder=30, halo=3)  # fmt: skip
            bbox = text.get_window_extent(renderer)
            if spot is None or free(bbox):
                placed.append(bbox)
                continue
            _drop(text)
        else:
            continue
        for side, offset, ha, va in _OFFSETS:
            text = _label(
                ax,
                "annotate",
                name,
                anchors[side],
                xytext=offset,
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=10,
                fontweight="bold",
                color="#111111",
                zorder=30,
                halo=3,
            )
            bbox = text.get_window_extent(renderer)
            if free(bbox) or (few and side == _OFFSETS[-1][0]):
                placed.append(bbox)
                break
            _drop(text)

    def fits(text) -> bool:
        bbox = text.get_window_extent(renderer)
        if not free(bbox):
            _drop(text)
            return False
        placed.append(bbox)
        return True

    if cities is not None:
        for geom, name, gid in zip(cities.geometry, cities["name"], cities["geonames_id"]):
            if gid in boxes:
                continue
            text = _label(
                ax,
                "annotate",
                name,
                (geom.x, geom.y),
                xytext=(4, -3),
                textcoords="offset points",
                ha="left",
                va="top",
                fontsize=7.5,
                color="#555555",
                zorder=8,
            )
            if fits(text):
                ax.plot(
                    [geom.x],
                    [geom.y],
                    marker="o",
                    markersize=3,
                    color="#6B6B6B",
                    markeredgewidth=0,
                    zorder=8,
                )
    for x, y, label in region_labels:
        fits(
            _label(
                ax,
                "text",
                x,
                y,
                label,
                fontsize=9,
                color="#9A9284",
                ha="center",
                va="center",
                style="italic",
                zorder=3,
            )
        )


def warm_up() -> None:
    """Load what a first static export would otherwise load as the user waits: this
    module's matplotlib (imported with it), the fonts of the labels, halos and caption
    (bold, italic and regular), and Agg's first drawing. A server calls it in the
    background once its map is shown; it draws nothing anyone sees."""
    fig = Figure(figsize=(1, 1), dpi=DPI["png"])
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    _label(ax, "text", 0.5, 0.5, "Pokrovsk 95%", fontsize=10, fontweight="bold", halo=3)
    ax.text(0.5, 0.2, "Oblast", fontsize=9, style="italic")
    fig.text(0.1, 0.1, "Sources [1]", fontsize=7.2, family="DejaVu Sans")
    for fmt in ("png", "pdf"):  # PDF loads its own writer and font embedding
        fig.savefig(io.BytesIO(), format=fmt)


# SVG text stays text through an rc setting, which matplotlib reads from its one
# process-wide rcParams: SVG writes take turns, so that one export's setting and its
# restoring never cross another's.
_SVG_RC_LOCK = threading.Lock()


def render_static(snap, fmt: str) -> bytes:
    """The snapshot as PNG, SVG or PDF bytes."""
    if fmt not in DPI:
        raise ValueError(f"static formats are png, svg, pdf; not {fmt!r}")
    fig = figure(snap, snap.paper if fmt == "pdf" else None)
    buf = io.BytesIO()
    title = snap.title or f"Territorial-control claims as of {snap.as_of.isoformat()}"
    meta = {
        "png": {"Title": f"Claims map {snap.as_of.isoformat()}"},
        "pdf": {"Title": title},
        "svg": {"Title": title},
    }
    if fmt == "svg":  # the text stays text (searchable, editable in a drawing program)
        with _SVG_RC_LOCK, matplotlib.rc_context({"svg.fonttype": "none"}):
            fig.savefig(buf, format=fmt, dpi=DPI[fmt], metadata=meta[fmt])
    else:
        fig.savefig(buf, format=fmt, dpi=DPI[fmt], metadata=meta[fmt])
    return buf.getvalue()
