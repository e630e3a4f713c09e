"""Rendering: control layers -> the live Folium map, static images, HTML, KML, tables.

The live map is built by the :mod:`.mapview` module (the app's map page uses it
directly) with the colours of :mod:`.styles`; :func:`take_snapshot` and :func:`render`
make every export format from the same layers.
"""

from . import mapview, styles
from .changes import (
    CHANGES_FORMATS,
    changes_csv,
    changes_file_name,
    changes_geojson,
    changes_map,
    changes_snapshot,
    changes_text,
    render_changes,
)
from .mapview import ASSESSMENT, ASSESSMENT_TITLE
from .snapshot import (
    FORMATS,
    MEDIA_TYPES,
    View,
    check_paper,
    file_name,
    format_for,
    render,
    take_snapshot,
    write,
)

__all__ = [
    "CHANGES_FORMATS",
    "ASSESSMENT",
    "ASSESSMENT_TITLE",
    "FORMATS",
    "MEDIA_TYPES",
    "View",
    "changes_csv",
    "changes_file_name",
    "changes_geojson",
    "changes_map",
    "changes_snapshot",
    "changes_text",
    "check_paper",
    "file_name",
    "format_for",
    "mapview",
    "render",
    "render_changes",
    "styles",
    "take_snapshot",
    "write",
]
