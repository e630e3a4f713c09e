"""Who is writing from this browser session, as the ledger records it, and whether they
may: the Claims page's write controls ask here (see :mod:`ui.auth`)."""

from __future__ import annotations

from . import auth


def author() -> str:
    """The name the ledger records for writes from this session."""
    return auth.current_author()


def can(action: str) -> bool:
    """True when this session may do ``action`` (``add``, ``correct``, ``retract``, ``undo``)."""
    return auth.can(action)


def refusal(action: str) -> str:
    """What to tell someone who may not do ``action``."""
    return auth.refusal(action)
