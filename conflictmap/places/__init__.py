"""Places: the gazetteer of settlements and their footprints (the bottom stage).

Every spelling of a settlement (Latin and Cyrillic, old and new names) leads to one
:class:`Place`; :class:`Footprints` turns a place, or a part of it, into a polygon in
metres. Nothing here knows about claims.
"""

from . import regions
from .areas import TOLERANCE_KM, OblastAreas, PlacementCheck
from .backdrop import backdrop
from .build import build as build_gazetteer
from .footprints import PARTS, Footprints, normalise_part, radius_m, utm_epsg
from .gazetteer import (
    CONFIDENT_MARGIN,
    HOME_COUNTRY,
    W_CONTEXT,
    W_OTHER_REGION,
    Candidate,
    Gazetteer,
    Place,
    PlaceContext,
    Resolution,
    UnmappedPlace,
)
from .spellings import russian_spellings, ukrainian_spellings
from .textnorm import FoldedText, fold
from .translit import is_cyrillic, name_key

__all__ = [
    "PARTS",
    "CONFIDENT_MARGIN",
    "HOME_COUNTRY",
    "W_CONTEXT",
    "W_OTHER_REGION",
    "Candidate",
    "OblastAreas",
    "PlacementCheck",
    "TOLERANCE_KM",
    "FoldedText",
    "Footprints",
    "Gazetteer",
    "Place",
    "PlaceContext",
    "Resolution",
    "UnmappedPlace",
    "backdrop",
    "build_gazetteer",
    "fold",
    "is_cyrillic",
    "name_key",
    "normalise_part",
    "radius_m",
    "regions",
    "russian_spellings",
    "ukrainian_spellings",
    "utm_epsg",
]
