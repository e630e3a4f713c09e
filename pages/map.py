"""The map: what each side claims as of the chosen date, layer by layer.

Session keys (``as_of``, ``visible_layers``, ``map_center``, ``map_zoom``) are listed
in ui/state.py; the map itself is drawn by ui/live_map.py.
"""

from conflictmap.assessment import annotate_as_of
from conflictmap.render import ASSESSMENT
from ui.data import workspace
from ui.downloads import render_page_downloads
from ui.follow import follow_ledger
from ui.live_map import notes_for, show_map
from ui.search import place_search
from ui.sidebar import date_bar, map_sidebar, map_view
from ui.state import show_notices

view = map_view()  # date and layers chosen (URL, session state: ui/state.py)
show_notices()
date_bar(view.dates, search=place_search)  # on screen on a phone too, with the place search
layers = view.layers  # the claim layers as of view.as_of (annotate them here)
overlay = None  # an AssessmentOverlay drawn under the claims, or None
if ASSESSMENT in view.visible and view.as_of is not None:
    overlay, layers = annotate_as_of(workspace(), layers, view.as_of)
notes = notes_for(view, overlay)  # since when the claims stand; the assessment's date
show_map(view, layers=layers, overlay=overlay, notes=notes)
render_page_downloads(view, overlay=overlay)  # one button per export format
map_sidebar(view, {ASSESSMENT: notes["assessment"]})  # after the map: it loads first
follow_ledger()  # a claim added elsewhere shows within seconds, without a click
