"""From a read report to ledger records: the review table a person edits, and back.

The ingest page shows :func:`review_rows` in an editable table; the person edits,
unticks or deletes rows; :func:`records_from_rows` turns the accepted rows and the
source into ledger records, which :meth:`conflictmap.ledger.store.Ledger.import_records`
validates and adds in one transaction (all or nothing, never the same claim twice).
"""

from __future__ import annotations

import math
from datetime import date

from ..places import Gazetteer
from .article import Article, ArticleError, check_text
from .extract import Extraction, extract

COLUMNS = [
    "accept",
    "place",
    "claimant",
    "claimant_org",
    "controller",
    "extent",
    "fraction",
    "part",
    "date",
    "evidence",
    "place_id",
]


class ReviewError(ValueError):
    """Nothing to review or nothing to add; the message says why."""


def read_article(
    article: Article, published: date | None = None, gazetteer: Gazetteer | None = None
) -> Extraction:
    """Read an article; ReviewError when it names no place at all."""
    check_text(article.text, article.name or "the text")
    ex = extract(
        article.text,
        published or article.published,
        gazetteer=gazetteer,
        publisher=article.publisher,
    )
    if not ex.mentions:
        raise ReviewError(
            f"{article.name or 'The text'} names no place the gazetteer knows: nothing to review."
        )
    return ex


def review_rows(ex: Extraction) -> list[dict]:
    """One editable row per candidate claim (evidence as the sentence text)."""
    rows = []
    for c in ex.claims:
        s, e = c.evidence[0]
        rows.append(
            {
                "accept": True,
                "place": c.place.name,
                "claimant": c.claimant,
                "claimant_org": c.claimant_org,
                "controller": c.controller,
                "extent": c.extent or "",
                "fraction": c.fraction,
                "part": c.part or "",
                "date": c.date,
                "evidence": ex.text[s:e],
                "place_id": c.place.geonames_id,
            }
        )
    return rows


def _blank(value) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and not value.strip())
    )


def records_from_rows(rows: list[dict], source: dict, gazetteer: Gazetteer) -> list[dict]:
    """Ledger records for the accepted rows, with the source attached.

    A row whose place was retyped loses its GeoNames id, so the ledger resolves the new
    name (and refuses it, naming the candidates, if it is ambiguous); a region after a
    comma ("Andriivka, Donetsk") chooses among places of one name.
    """
    if _blank(source.get("publisher")) and _blank(source.get("url")):
        raise ReviewError("Give the source: a publisher or a URL (the claims need one).")
    records = []
    for row in rows:
        if not row.get("accept"):
            continue
        place = "" if _blank(row.get("place")) else str(row["place"]).strip()
        place_id = None if _blank(row.get("place_id")) else int(row["place_id"])
        if place_id is not None and place and place_id in gazetteer:
            if gazetteer.get(place_id).name != place:
                place_id = None
        # "Andriivka, Donetsk": a region after a comma picks among places of one name.
        place, _, region = place.partition(",")
        place, region = place.strip(), region.strip()
        day = row.get("date")
        if hasattr(day, "date") and not isinstance(day, date):
            day = day.date()
        records.append(
            {
                "place_id": place_id,
                "place": place,
                "oblast": region,
                "claimant": row.get("claimant") or "",
                "claimant_org": row.get("claimant_org") or "",
                "controller": row.get("controller") or "",
                "claim_date": day.isoformat() if isinstance(day, date) else (day or ""),
                "extent": "" if _blank(row.get("extent")) else row["extent"],
                "fraction": None if _blank(row.get("fraction")) else row["fraction"],
                "part": "" if _blank(row.get("part")) else row["part"],
                "source_publisher": (source.get("publisher") or "").strip(),
                "source_url": (source.get("url") or "").strip(),
                "source_published": source.get("published") or "",
                "source_title": (source.get("title") or "").strip(),
                "note": ""
                if _blank(row.get("evidence"))
                else "evidence: " + str(row["evidence"])[:400],
            }
        )
    if not records:
        raise ReviewError("No claim is ticked: nothing to add.")
    return records


__all__ = [
    "COLUMNS",
    "ReviewError",
    "ArticleError",
    "read_article",
    "review_rows",
    "records_from_rows",
]
