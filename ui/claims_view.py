"""Streamlit helpers for the Claims page: a claim's history, its correction and
withdrawal, the hand-entry form, and the activity log with undo.

Every write passes :func:`ui.editing.author` to the ledger. After a write the page reruns
(the tables then show it) and the message is kept in ``claims_notice`` to show once.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import streamlit as st

from conflictmap.ledger import ClaimError

from . import editing
from .ingest_view import CLAIMANTS, CONTROLLERS, EXTENTS, PARTS
from .markdown import plain

NOTICE = "claims_notice"
HAND_FORM = "claims_hand_entry"


def _done(message: str) -> None:
    st.session_state[NOTICE] = message
    st.rerun()


def show_notice() -> None:
    """The message of the last write, once."""
    message = st.session_state.pop(NOTICE, None)
    if message:
        st.success(message)


def history_frame(versions) -> pd.DataFrame:
    """One row per version: when, who, what kind of write, what the claim said, why."""
    return pd.DataFrame(
        {
            "version": [v.version for v in versions],
            "when (UTC)": [v.created_at.strftime("%Y-%m-%d %H:%M") for v in versions],
            "who": [v.author for v in versions],
            "write": [f"{v.kind} (batch {v.batch})" for v in versions],
            "claim": [
                "withdrawn" if v.withdrawn else f"{v.claim.claimant}: {v.claim.describe()}"
                for v in versions
            ],
            "date": [v.claim.claim_date.isoformat() for v in versions],
            "source": [v.claim.source_publisher or v.claim.source_url for v in versions],
            "why": [v.reason for v in versions],
        }
    )


def batches_frame(batches) -> pd.DataFrame:
    """The activity log as a table, newest first."""
    return pd.DataFrame(
        {
            "batch": [b.id for b in batches],
            "when (UTC)": [b.created_at.strftime("%Y-%m-%d %H:%M") for b in batches],
            "write": [b.kind for b in batches],
            "who": [b.author for b in batches],
            "from": [b.origin for b in batches],
            "what": [b.describe() for b in batches],
            "why": [b.reason for b in batches],
        }
    )


def _blank(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _claim_fields(prefix: str, claim=None) -> dict:
    """The claim's fields as form widgets (prefilled from ``claim``); returns a record."""
    c1, c2, c3 = st.columns(3)
    place = c1.text_input(
        "Place",
        value=claim.place if claim else "",
        key=f"{prefix}_place",
        help="Any place the gazetteer knows, in any spelling",
    )
    region = c2.text_input(
        "Region (to choose among places of one name)",
        value="",
        key=f"{prefix}_oblast",
        placeholder="e.g. Donetsk",
    )
    claim_day = c3.date_input(
        "Claim date",
        value=claim.claim_date if claim else date.today(),
        format="YYYY-MM-DD",
        key=f"{prefix}_claim_date",
    )
    c1, c2, c3 = st.columns(3)
    claimant = c1.selectbox(
        "Claimant",
        CLAIMANTS,
        index=CLAIMANTS.index(claim.claimant) if claim else 0,
        key=f"{prefix}_claimant",
    )
    org = c2.text_input(
        "Claimant (who)", value=claim.claimant_org if claim else "", key=f"{prefix}_org"
    )
    controller = c3.selectbox(
        "Held by",
        CONTROLLERS,
        index=CONTROLLERS.index(claim.controller) if claim else 0,
        key=f"{prefix}_controller",
    )
    c1, c2, c3 = st.columns(3)
    extent = c1.selectbox(
        "Extent",
        EXTENTS,
        index=EXTENTS.index(claim.extent or "") if claim else 0,
        key=f"{prefix}_extent",
    )
    fraction = c2.text_input(
        "Fraction (0..1 or 70%)",
        value=_blank(claim.fraction) if claim else "",
        key=f"{prefix}_fraction",
    )
    part = c3.selectbox(
        "Part",
        PARTS,
        index=PARTS.index(claim.part or "") if claim and (claim.part or "") in PARTS else 0,
        key=f"{prefix}_part",
    )
    c1, c2, c3, c4 = st.columns(4)
    publisher = c1.text_input(
        "Source publisher", value=claim.source_publisher if claim else "", key=f"{prefix}_pub"
    )
    url = c2.text_input("Source URL", value=claim.source_url if claim else "", key=f"{prefix}_url")
    published = c3.date_input(
        "Published on",
        value=claim.source_published if claim else None,
        format="YYYY-MM-DD",
        key=f"{prefix}_published",
    )
    title = c4.text_input(
        "Source title", value=claim.source_title if claim else "", key=f"{prefix}_title"
    )
    note = st.text_input("Note", value=claim.note if claim else "", key=f"{prefix}_note")
    return {
        "place": place,
        "oblast": region,
        "claim_date": claim_day.isoformat() if isinstance(claim_day, date) else "",
        "claimant": claimant,
        "claimant_org": org,
        "controller": controller,
        "extent": extent,
        "fraction": fraction,
        "part": part,
        "source_publisher": publisher,
        "source_url": url,
        "source_published": published.isoformat() if isinstance(published, date) else "",
        "source_title": title,
        "note": note,
    }


def hand_entry(ledger) -> None:
    """The form that adds one claim for any place, without a report."""
    st.caption(
        "Add a claim for any place without a report. Each field is checked; a claim "
        "needs a source (a publisher or a URL)."
    )
    if not editing.can("add"):
        st.info(editing.refusal("add"))
        return
    with st.form(HAND_FORM):
        record = _claim_fields("hand")
        go = st.form_submit_button("Add the claim", type="primary")
    if go:
        try:
            result = ledger.enter(record, author=editing.author())
        except ClaimError as exc:
            st.error(f"Not added. {_field_label(exc.field)}: {exc.message}")
        except (ValueError, PermissionError) as exc:
            st.error(f"Not added. {exc}")
        else:
            if result.added:
                c = result.added[0]
                _done(
                    f"Added {c.place} ({c.claimant}: {c.describe()}, {c.claim_date}) as "
                    f"claim {c.id}, batch {result.batch}."
                )
            elif result.corrected:
                _done(f"Corrected claim {result.corrected[0].id} (batch {result.batch}).")
            elif result.withdrawn:
                st.warning(
                    f"This claim was withdrawn earlier (claim {result.withdrawn[0].id}); "
                    f"correct it below to put it back."
                )
            else:
                st.info(f"The ledger holds this claim already (claim {result.skipped[0].id}).")


_LABELS = {
    "place": "Place",
    "place_id": "Place",
    "oblast": "Region",
    "claim_date": "Claim date",
    "claimant": "Claimant",
    "claimant_org": "Claimant (who)",
    "controller": "Held by",
    "extent": "Extent",
    "fraction": "Fraction",
    "part": "Part",
    "source_publisher": "Source publisher",
    "source_url": "Source URL",
    "source_published": "Published on",
    "source_title": "Source title",
    "note": "Note",
}


def _field_label(name: str) -> str:
    return _LABELS.get(name, name)


def claim_details(ledger, claim_id: str) -> None:
    """A claim's history, and the forms that correct or withdraw it."""
    try:
        versions = ledger.history(claim_id)
    except LookupError:
        st.warning(f"Claim {claim_id} is not in the ledger.")
        return
    current = versions[-1]
    first = versions[0]
    st.markdown(
        f"**History of claim `{claim_id}`**: entered by {plain(first.author)} on "
        f"{first.created_at:%Y-%m-%d %H:%M} UTC; {len(versions)} version(s)."
    )
    st.dataframe(history_frame(versions), hide_index=True, width="stretch")
    if not editing.can("correct"):
        st.caption(editing.refusal("correct"))
        return
    with st.expander("Correct this claim"):
        with st.form(f"correct_{claim_id}"):
            record = _claim_fields(f"correct_{claim_id}", current.claim)
            reason = st.text_input("Why (required)", key=f"correct_reason_{claim_id}")
            go = st.form_submit_button("Save the correction")
        if go:
            before = current.claim.as_record()
            changes = {k: v for k, v in record.items() if _blank(before.get(k)) != _blank(v)}
            if not record.get("oblast"):
                changes.pop("oblast", None)
            try:
                claim = ledger.correct(claim_id, changes, author=editing.author(), reason=reason)
            except ClaimError as exc:
                st.error(f"Not corrected. {_field_label(exc.field)}: {exc.message}")
            except (ValueError, PermissionError) as exc:
                st.error(f"Not corrected. {exc}")
            else:
                _done(f"Corrected claim {claim.id}: {claim.claimant}: {claim.describe()}.")
    if not current.withdrawn and editing.can("retract"):
        with st.expander("Withdraw this claim"):
            with st.form(f"retract_{claim_id}"):
                reason = st.text_input("Why (required)", key=f"retract_reason_{claim_id}")
                go = st.form_submit_button("Withdraw the claim")
            if go:
                try:
                    ledger.retract(claim_id, author=editing.author(), reason=reason)
                except (ValueError, PermissionError) as exc:
                    st.error(f"Not withdrawn. {exc}")
                else:
                    _done(
                        f"Withdrew claim {claim_id}: it has left the map and the exports; "
                        f"its history stays."
                    )


def activity(ledger) -> None:
    """The activity log (every batch) and the button that undoes one."""
    batches = ledger.batches(200)
    if not batches:
        st.info("Nothing written yet.")
        return
    st.dataframe(batches_frame(batches), hide_index=True, width="stretch", key="batches_table")
    st.markdown("**Undo a whole batch**: its new claims are withdrawn, its corrections put back.")
    if not editing.can("undo"):
        st.caption(editing.refusal("undo"))
        chosen, reason, go = None, "", False
    else:
        chosen, reason, go = _undo_form(batches)
    if go and chosen is not None:
        try:
            result = ledger.undo(int(chosen), author=editing.author(), reason=reason)
        except (LookupError, ValueError, PermissionError) as exc:
            st.error(str(exc))
        else:
            if result.batch:
                _done(f"Undid batch {chosen}: {result.summary()}.")
            else:
                st.info(f"Batch {chosen}: nothing to undo ({result.summary()}).")
    _withdrawn_list(ledger)


def _undo_form(batches):
    with st.form("undo_batch"):
        c1, c2 = st.columns([1, 3])
        labels = {b.id: f"batch {b.id}: {b.kind} by {b.author} ({b.describe()})" for b in batches}
        chosen = c1.selectbox("Batch", list(labels), format_func=labels.get, key="undo_batch_id")
        reason = c2.text_input("Why", key="undo_reason")
        go = st.form_submit_button("Undo this batch")
    return chosen, reason, go


def _withdrawn_list(ledger) -> None:
    withdrawn = ledger.claims(withdrawn=True)
    if withdrawn:
        with st.expander(f"Withdrawn claims ({len(withdrawn)})"):
            st.dataframe(
                pd.DataFrame(
                    {
                        "id": [c.id for c in withdrawn],
                        "date": [c.claim_date.isoformat() for c in withdrawn],
                        "place": [c.place for c in withdrawn],
                        "claimant": [c.claimant for c in withdrawn],
                        "claim": [c.describe() for c in withdrawn],
                        "source": [c.source_publisher or c.source_url for c in withdrawn],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
