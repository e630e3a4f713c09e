"""Independent assessments (DeepStateMap) beside the claims: import, shares, verdicts, lags.

:func:`import_files` / :func:`import_uploads` store DeepStateMap files in the ledger;
:func:`overlay_as_of` gives the :class:`AssessmentOverlay` in force on a date;
:func:`annotate_layers`, :func:`claim_verdicts` and :func:`compare_claims` read the
claims against it.
"""

from .compare import CONTRADICTION, TOLERANCE, AssessmentIndex, to_crs, utm_epsgs
from .deepstate import DeepStateError
from .layers import (
    COMPARE_COLUMNS,
    StoredOverlay,
    annotate_as_of,
    annotate_layers,
    claim_verdicts,
    compare_claims,
    import_files,
    import_uploads,
    overlay_as_of,
    overlay_key,
    place_shares,
    stored_summary,
)
from .overlay import AssessmentOverlay

__all__ = [
    "COMPARE_COLUMNS",
    "CONTRADICTION",
    "TOLERANCE",
    "AssessmentIndex",
    "AssessmentOverlay",
    "DeepStateError",
    "StoredOverlay",
    "annotate_as_of",
    "annotate_layers",
    "claim_verdicts",
    "compare_claims",
    "import_files",
    "import_uploads",
    "overlay_as_of",
    "overlay_key",
    "place_shares",
    "stored_summary",
    "to_crs",
    "utm_epsgs",
]
