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
ASSESSMENT_COLOURS = {"occupied": "#7F7F7F", "grey_zone": "#BDBDBD", "liberated": "#CCE5CC"}
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
