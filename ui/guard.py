"""Every page runs inside :func:`run_page`: no traceback reaches a visitor.

A domain error (a file, a report, a date or an address that cannot be used) is shown
as its own message; anything else as a short notice, and in full in the server's log.
Stored records that cannot be used (see
:meth:`conflictmap.ledger.Ledger.unusable_records`) are named under the page, which
carries on without them.
"""

from __future__ import annotations

import logging

import streamlit as st

from conflictmap.assessment import DeepStateError
from conflictmap.ledger import ClaimError, ImportRejected
from conflictmap.reader import ArticleError, FetchError, ReviewError

from .markdown import plain

log = logging.getLogger("conflictmap.app")
DOMAIN_ERRORS = (
    ImportRejected,
    ClaimError,
    DeepStateError,
    FetchError,
    ArticleError,
    ReviewError,
    LookupError,
    PermissionError,  # the ledger's NotAllowed: who may write
)
UNEXPECTED = (
    "Something went wrong on this page, and it could not be shown in full. "
    "The details are in the server's log; the data is unchanged."
)


def run_page(page) -> None:
    """Run a ``st.navigation`` page; errors become messages (Streamlit's own reruns and
    stops are BaseExceptions and pass through)."""
    try:
        page.run()
    except (KeyError, IndexError):  # LookupErrors of a bug, not the domain's own
        log.exception("page %s failed", getattr(page, "title", "?"))
        st.error(UNEXPECTED)
    except DOMAIN_ERRORS as exc:
        log.warning("page %s: %s", getattr(page, "title", "?"), exc)
        st.error(plain(str(exc)))
    except Exception:
        log.exception("page %s failed", getattr(page, "title", "?"))
        st.error(UNEXPECTED)
    show_unusable()


def show_unusable() -> None:
    """Name the stored records this server has had to leave out, if any."""
    from . import data

    try:
        notes = data.workspace().ledger.unusable_records(scan=False)
    except Exception:
        log.exception("listing unusable records failed")
        return
    if notes:
        st.warning(
            "Left out because they cannot be used (the rest is shown): "
            + "; ".join(plain(n) for n in notes[:10])
            + (f"; and {len(notes) - 10} more" if len(notes) > 10 else "")
        )
