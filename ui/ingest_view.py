"""Streamlit helpers for the ingest page: state, reading inputs, the review table.

Session-state keys (set here only):

=====================  ==============================================================
``ingest_items``       list of :class:`Item` read and waiting for review, newest last
``ingest_added``       ids of items whose accepted claims went into the ledger
=====================  ==============================================================
"""

from __future__ import annotations

import html
import itertools
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import streamlit as st

from conflictmap.places import PARTS as FOOTPRINT_PARTS
from conflictmap.reader import REVIEW_COLUMNS as COLUMNS
from conflictmap.reader import (
    Article,
    ArticleError,
    Extraction,
    FetchError,
    ReviewError,
    fetch_article,
    from_file,
    from_text,
    read_article,
    records_from_rows,
    review_rows,
)

from .markdown import plain  # noqa: F401  (the pages show report text with it)

ITEMS = "ingest_items"
ADDED = "ingest_added"
_ids = itertools.count(1)

CLAIMANTS = ["RU", "UA", "OTHER"]
CONTROLLERS = ["RU", "UA", "CONTESTED"]
EXTENTS = ["", "full", "partial"]
PARTS = ["", *FOOTPRINT_PARTS]  # "" for a claim on the whole place


@dataclass
class Item:
    """One report read: its article, what the reader found, and its review rows."""

    id: int
    article: Article
    extraction: Extraction
    rows: list[dict] = field(default_factory=list)
    known: int = 0  # claims the report makes that the ledger holds already (not proposed)


def init() -> None:
    """Every key with its default, once per session."""
    st.session_state.setdefault(ITEMS, [])
    st.session_state.setdefault(ADDED, set())


def items() -> list[Item]:
    return st.session_state[ITEMS]


def _keep(article: Article, published: date | None, gazetteer) -> Item:
    ex = read_article(article, published, gazetteer)
    item = Item(next(_ids), article, ex, review_rows(ex))
    st.session_state[ITEMS].append(item)
    return item


def read_pasted(text: str, published: date | None, gazetteer, source: dict) -> Item:
    """Read pasted text (ArticleError/ReviewError with a message when it cannot be)."""
    article = from_text(text, "The pasted text")
    article = Article(
        article.text,
        source.get("title") or article.title,
        published or article.published,
        source.get("publisher") or article.publisher,
        source.get("url") or article.url,
        "The pasted text",
    )
    return _keep(article, published, gazetteer)


def read_uploads(
    files, published: date | None, gazetteer, progress=None
) -> tuple[list[Item], list[str]]:
    """Read uploaded files one by one; (items read, error messages). Bad files add nothing."""
    done, errors = [], []
    files = list(files)
    for n, f in enumerate(files, start=1):
        try:
            article = from_file(f.name, f.getvalue())
            done.append(_keep(article, published, gazetteer))
        except (ArticleError, ReviewError) as exc:
            errors.append(str(exc))
        if progress is not None:
            progress.progress(n / len(files), text=f"Read {n} of {len(files)}: {f.name}")
    return done, errors


def read_url(url: str, published: date | None, gazetteer) -> Item:
    """Fetch and read a web page (FetchError/ArticleError/ReviewError on failure)."""
    article = fetch_article(url)
    return _keep(article, published, gazetteer)


def source_of(item: Item) -> dict:
    """The source the item's claims are stored with (as the page shows it first)."""
    return {
        "publisher": item.article.publisher,
        "url": item.article.url,
        "title": item.article.title,
        "published": item.extraction.published.isoformat(),
    }


def drop_known(item: Item, ledger, gazetteer) -> int:
    """Leave out of the review the claims the ledger holds already (a report read
    again proposes nothing that is there); returns how many were left out."""
    try:
        records = records_from_rows(
            [{**r, "accept": True} for r in item.rows], source_of(item), gazetteer
        )
    except ReviewError:  # no source yet: nothing of it can be stored
        return 0
    stored = ledger.already_stored(records)
    keep = [row for row, claim_id in zip(item.rows, stored) if claim_id is None]
    item.known += len(item.rows) - len(keep)
    item.rows = keep
    return item.known


def added_message(result, ticked: int) -> str:
    """What became of every ticked row: added, corrected, there already, withdrawn."""
    parts = [f"Added {len(result.added)} claim(s) to the ledger"]
    if result.corrected:
        parts.append(f"{len(result.corrected)} corrected a claim stored before with other details")
    parts.append(f"{len(result.skipped)} were there already")
    if result.withdrawn:
        parts.append(f"{len(result.withdrawn)} had been withdrawn and stay withdrawn")
    accounted = (
        len(result.added) + len(result.corrected) + len(result.skipped) + len(result.withdrawn)
    )
    text = "; ".join(parts) + f" ({accounted} of {ticked} ticked row(s))."
    if result.batch:
        text += f" Batch {result.batch}: undo it on the Claims page."
    return text


def rejected_message(exc, rows: list[dict]) -> str:
    """An import refusal with the review table's own row numbers and places."""
    numbers = [n for n, row in enumerate(rows, start=1) if row.get("accept")]
    lines = []
    for n, message in exc.errors:
        if 1 <= n <= len(numbers):
            row = rows[numbers[n - 1] - 1]
            lines.append(f"row {numbers[n - 1]} ({row.get('place') or 'no place'}): {message}")
        else:
            lines.append(message)
    return "Nothing was added. " + "; ".join(lines)


def highlighted(text: str, ex: Extraction) -> str:
    """The report as HTML, everything escaped, evidence sentences marked, places underlined."""
    marks = sorted({span for c in ex.claims for span in c.evidence})
    places = [(m.start, m.end) for m in ex.mentions]
    events = []
    for s, e in marks:
        events += [(s, 1, "<mark>"), (e, 0, "</mark>")]
    for s, e in places:
        if not any(ms < e and s < me and not (ms <= s and e <= me) for ms, me in marks):
            events += [(s, 2, "<u>"), (e, -1, "</u>")]
    events.sort(key=lambda ev: (ev[0], ev[1]))
    out, last = [], 0
    for pos, _, tag in events:
        out.append(html.escape(text[last:pos]))
        out.append(tag)
        last = pos
    out.append(html.escape(text[last:]))
    body = "".join(out).replace("\n", "<br>")
    return f'<div class="report-text" style="max-height:24rem;overflow:auto;">{body}</div>'


def editor(item: Item) -> pd.DataFrame:
    """The editable review table for one item; returns the edited frame."""
    frame = pd.DataFrame(item.rows, columns=COLUMNS)
    if len(frame):
        frame["date"] = pd.to_datetime(frame["date"]).dt.date
    cc = st.column_config
    return st.data_editor(
        frame,
        key=f"ingest_table_{item.id}",
        hide_index=True,
        num_rows="dynamic",
        width="stretch",
        column_config={
            "accept": cc.CheckboxColumn(
                "accept", default=True, help="Untick to leave the claim out"
            ),
            "place": cc.TextColumn(
                "place",
                help="Retype to choose another place; add the "
                "region after a comma to pick among places of one name "
                "(Andriivka, Donetsk)",
            ),
            "claimant": cc.SelectboxColumn("claimant", options=CLAIMANTS, required=True),
            "claimant_org": cc.TextColumn("claimant (who)"),
            "controller": cc.SelectboxColumn("controller", options=CONTROLLERS, required=True),
            "extent": cc.SelectboxColumn("extent", options=EXTENTS),
            "fraction": cc.NumberColumn("fraction", min_value=0.0, max_value=1.0, step=0.05),
            "part": cc.SelectboxColumn("part", options=PARTS),
            "date": cc.DateColumn("claim date", format="YYYY-MM-DD", required=True),
            "evidence": cc.TextColumn("evidence", disabled=True, width="large"),
            "place_id": cc.NumberColumn("place id", disabled=True, format="%d"),
        },
    )


def mention_summary(ex: Extraction, gazetteer=None) -> tuple[str, str]:
    """("Pokrovsk, Myrnohrad", "Dachne (Odesa? Crimea?)") for the places found; villages
    known but not on the map yet are in neither (the page lists them for placing).
    With ``gazetteer`` (this database's), a village placed since the report was read
    counts as placed."""
    placed = sorted(
        {
            m.identified.name
            for m in ex.mentions
            if m.place is not None
            or (
                gazetteer is not None
                and m.identified is not None
                and gazetteer.get(m.identified.geonames_id).mapped
            )
        }
    )
    unresolved = {}
    for m in ex.mentions:
        if m.identified is None:  # a register village without coordinates is known
            unresolved[m.text] = ", ".join(f"{p.name} ({p.oblast})" for p in m.candidates[:3])
    return (
        ", ".join(placed),
        "; ".join(f"{k}: {v or 'no candidate'}" for k, v in sorted(unresolved.items())),
    )


def remove(item_id: int) -> None:
    """Drop a read report from the list (nothing in the ledger changes)."""
    st.session_state[ITEMS] = [i for i in st.session_state[ITEMS] if i.id != item_id]


ERRORS = (ArticleError, ReviewError, FetchError)
