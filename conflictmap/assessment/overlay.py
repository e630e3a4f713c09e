"""The independent-assessment overlay as the map and the exports receive it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class AssessmentOverlay:
    """Independent assessment geometries (lon/lat) in force on a date.

    ``shapes`` maps a kind (``occupied``, ``grey_zone``, ``liberated``) to a shapely
    geometry. ``assessed_on`` is the assessment's own date (on or before the map date).
    """

    assessed_on: date
    source: str
    shapes: dict = field(default_factory=dict)
