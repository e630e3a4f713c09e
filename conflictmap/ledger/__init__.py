"""The ledger: claims, their sources, the database that stores them, and control as of a date.

:class:`Ledger` is the one place that writes (every write a batch with its author, nothing
overwritten: corrections and retractions are new versions, see :meth:`Ledger.history`);
:class:`ControlIndex` and
:func:`control_layers` answer "what does each side claim on this day";
:func:`changes_between` answers "what changed between two days";
:func:`csv_text` writes tables with spreadsheet formulas neutralised; :class:`Users`
and :func:`require` say who may write (viewers read, editors add, correct and retract,
admins also manage users and assessments).
"""

from .changes import CHANGE_COLUMNS, changes_between
from .changes import KINDS as CHANGE_KINDS
from .claims import ClaimError, date_range, parse_claim_date, parse_date
from .control import COLUMNS as CONTROL_COLUMNS
from .control import (
    LAYER_TITLES,
    LAYERS,
    ControlIndex,
    control_layers,
    control_layers_near,
    control_table,
    describe_row,
)
from .coordinates import coordinate_problem, geometry_problem
from .placing import PLACEMENT_FIELDS, Placement, PlacementRejected
from .store import (
    AddResult,
    Batch,
    ImportRejected,
    Ledger,
    StoredAssessment,
    UndoResult,
    Version,
)
from .tabular import csv_text, records
from .users import (
    ACTION_WORDS,
    ACTIONS,
    ANONYMOUS,
    LOCAL,
    ROLES,
    Actor,
    NotAllowed,
    TooManyAttempts,
    User,
    UserError,
    Users,
    can,
    hash_password,
    os_author,
    require,
    verify_password,
)

__all__ = [
    "AddResult",
    "Batch",
    "UndoResult",
    "Version",
    "CHANGE_COLUMNS",
    "CHANGE_KINDS",
    "ACTIONS",
    "ACTION_WORDS",
    "ANONYMOUS",
    "LOCAL",
    "ROLES",
    "Actor",
    "NotAllowed",
    "TooManyAttempts",
    "User",
    "UserError",
    "Users",
    "can",
    "hash_password",
    "os_author",
    "require",
    "verify_password",
    "CONTROL_COLUMNS",
    "LAYERS",
    "LAYER_TITLES",
    "PLACEMENT_FIELDS",
    "ClaimError",
    "ControlIndex",
    "ImportRejected",
    "Ledger",
    "Placement",
    "PlacementRejected",
    "StoredAssessment",
    "changes_between",
    "control_layers",
    "control_layers_near",
    "control_table",
    "coordinate_problem",
    "csv_text",
    "records",
    "date_range",
    "describe_row",
    "geometry_problem",
    "parse_claim_date",
    "parse_date",
]
