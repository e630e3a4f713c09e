"""Colours, line styles and labels shared by the live map and every snapshot.

The palette is Okabe-Ito (safe for the common forms of colour blindness) and each
layer also differs by line style, so a greyscale print still tells them apart:
contested is hatched with a heavy dashed outline, partial claims are dashed, third
parties dotted.
"""

from __future__ import annotations

# Controller colours (Okabe-Ito).
CONTROLLER_COLOURS = {
    "RU": "#D55E00",  # vermillion
    "UA": "#0072B2",  # blue
    "CONTESTED": "#E69F00",  # orange
}
# One colour per layer: its edge; fills come from the controller.
LAYER_COLOURS = {
    "ru": "#D55E00",
    "ua": "#0072B2",
    "other": "#009E73",  # bluish green
    "contested": "#000000",  # black outline over an orange hatch
    "agreed": "#56B4E9",  # sky blue
}
LAYER_DASH = {  # Leaflet dashArray; None = solid
    "ru": None,
    "ua": None,
    "other": "2 4",
    "contested": "8 4",
    "agreed": None,
}
PARTIAL_DASH = "6 3"
LAYER_WEIGHT = {"ru": 2, "ua": 2, "other": 2, "contested": 3, "agreed": 1}
HATCH_COLOUR = "#E69F00"
# The independent assessment as DeepStateMap readers know it: occupied red, grey zone
# grey. Told apart without colour too: occupied is hatched over a light red wash under a
# solid edge, the grey zone a flat grey under a dashed edge.
ASSESSMENT_COLOURS = {"occupied": "#B2182B", "grey_zone": "#8C8C8C", "liberated": "#CCE5CC"}
ASSESSMENT_STYLES = {
    "occupied": {
        "fill": "#B2182B",
        "fill_opacity": 0.18,
        "hatch": "#B2182B",  # diagonal lines over the fill (pattern ``cm-occupied``)
        "hatch_opacity": 0.55,
        "edge": "#8E1022",
        "edge_dash": None,
    },
    "grey_zone": {
        "fill": "#8C8C8C",
        "fill_opacity": 0.45,
        "hatch": None,
        "hatch_opacity": 0.0,
        "edge": "#5F5F5F",
        "edge_dash": "4 3",
    },
}
# Colours of the map's furniture (caption, legend, labels, popups, controls), set
# explicitly so that a dark colour scheme or theme cannot wash them out.
INK = "#111111"  # text
PAPER = "#FFFFFF"  # panels behind text
MUTED = "#4A4A4A"  # secondary text
MARKER = {"fill": "#111111", "edge": "#FFFFFF", "radius": 3.5}  # every place's dot
LAYER_DESCRIPTIONS = {
    "ru": "what Russian officials claim",
    "ua": "what Ukrainian officials claim",
    "other": "what third parties report (agencies, open-source maps)",
    "contested": "the two sides' latest claims disagree",
    "agreed": "both sides name the same controller",
}


def fill_colour(controller: str | None) -> str:
    """Fill colour for a controller (grey when unknown)."""
    return CONTROLLER_COLOURS.get(controller or "", "#999999")


# Layers bottom to top, on the live map and in every export.
DRAW_ORDER = ("agreed", "other", "ru", "ua", "contested")
# Fill opacity of a claim shape on the live map and in every export.
FILL_OPACITY = {"full": 0.6, "partial": 0.45}
# The controller a legend swatch of each layer is drawn with (its fill colour).
LEGEND_CONTROLLER = {"ru": "RU", "ua": "UA", "other": "UA", "contested": None, "agreed": "RU"}
# Landscape paper for PDF exports, in inches (width, height).
PAPER_SIZES = {"a4": (11.69, 8.27), "letter": (11.0, 8.5)}
DEFAULT_PAPER = "a4"


def _blank(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and value != value)


def is_partial(extent=None, part=None, fraction=None) -> bool:
    """Whether a claim names only part of a place (an extent, a part or a share)."""
    return extent == "partial" or not _blank(part) or not _blank(fraction)


def path_style(layer: str, controller=None, partial: bool = False) -> dict:
    """Leaflet path options for one claim shape of a layer (the static maps read the same).

    Fill says who holds it (by controller); the outline says whose claim it is (by
    layer); a partial claim has a dashed outline and a lighter fill; contested is
    hatched with a heavy dashed black outline.
    """
    if layer == "contested":
        return {
            "color": LAYER_COLOURS["contested"],
            "weight": 3.5,
            "opacity": 1,
            "dashArray": LAYER_DASH["contested"],
            "fillColor": "url(#cm-hatch)",
            "fillOpacity": 1,
        }
    style = {
        "color": LAYER_COLOURS[layer],
        "opacity": 1,
        "weight": LAYER_WEIGHT[layer] + (0.5 if partial else 0),
        "fillColor": fill_colour(controller),
        "fillOpacity": FILL_OPACITY["partial" if partial else "full"],
    }
    dash = PARTIAL_DASH if partial else LAYER_DASH[layer]
    if dash:
        style["dashArray"] = dash
    return style


def share_label(layer: str, controller=None, extent=None, fraction=None, part=None) -> str:
    """The label of a claim known only as a share ('RU 95%', 'UA part'); '' otherwise.

    >>> share_label("ru", "RU", "partial", 0.95)
    'RU 95%'
    >>> share_label("ru", "RU", "partial", None, "north")
    ''
    """
    if layer not in ("ru", "ua", "other") or not is_partial(extent, part, fraction):
        return ""
    if not _blank(part):
        return ""
    share = "part" if _blank(fraction) else f"{round(float(fraction) * 100)}%"
    return f"{'' if _blank(controller) else controller} {share}".strip()
