"""From the review table to ledger records: ticks, retyped places, the source."""

from __future__ import annotations

from datetime import date

import pytest

from conflictmap.ledger.store import ImportRejected
from conflictmap.reader.article import Article
from conflictmap.reader.review import ReviewError, read_article, records_from_rows, review_rows

TEXT = (
    "Russia's Defence Ministry said on Saturday its troops had captured Avdiivka. "
    "Ukraine's army said it still holds the north of Toretsk."
)
SOURCE = {"publisher": "Example Wire", "url": "", "title": "A test", "published": "2024-02-20"}


@pytest.fixture
def rows(gazetteer):
    ex = read_article(Article(TEXT, name="t"), date(2024, 2, 20), gazetteer)
    return review_rows(ex)


def test_rows_carry_the_claims_and_their_evidence(rows):
    assert [(r["place"], r["claimant"], r["controller"]) for r in rows] == [
        ("Avdiivka", "RU", "RU"),
        ("Toretsk", "UA", "UA"),
    ]
    assert rows[0]["evidence"].startswith("Russia's Defence Ministry")
    assert rows[1]["part"] == "north" and rows[1]["extent"] == "partial"


def test_ticked_rows_become_records_that_the_ledger_adds_once(rows, workspace, gazetteer):
    rows[1]["accept"] = False
    records = records_from_rows(rows, SOURCE, gazetteer)
    assert [r["place"] for r in records] == ["Avdiivka"]
    before = workspace.ledger.count()
    first = workspace.ledger.import_records(records, author="os:test")
    again = workspace.ledger.import_records(
        records_from_rows(rows, SOURCE, gazetteer), author="os:test"
    )
    assert (len(first.added), len(again.added), len(again.skipped)) == (1, 0, 1)
    assert workspace.ledger.count() == before + 1
    stored = [c for c in workspace.ledger.claims() if c.source_publisher == "Example Wire"]
    assert [(c.place, c.claim_date.isoformat()) for c in stored] == [("Avdiivka", "2024-02-17")]


def test_retyped_place_is_resolved_by_name(rows, gazetteer):
    rows[0]["place"] = "Kurakhove"
    (rec, _) = records_from_rows(rows, SOURCE, gazetteer)
    assert rec["place_id"] is None and rec["place"] == "Kurakhove"


def test_ambiguous_retyped_place_is_refused_and_nothing_written(rows, workspace, gazetteer):
    rows[0]["place"] = "Andriivka"
    before = workspace.ledger.count()
    with pytest.raises(ImportRejected, match="Andriivka"):
        workspace.ledger.import_records(
            records_from_rows(rows, SOURCE, gazetteer), author="os:test"
        )
    assert workspace.ledger.count() == before


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda rows, src: src.update(publisher="", url=""), "source"),
        (lambda rows, src: [r.update(accept=False) for r in rows], "No claim is ticked"),
    ],
)
def test_nothing_to_add(rows, gazetteer, change, message):
    source = dict(SOURCE)
    change(rows, source)
    with pytest.raises(ReviewError, match=message):
        records_from_rows(rows, source, gazetteer)


def test_report_without_places_is_refused(gazetteer):
    with pytest.raises(ReviewError, match="names no place"):
        read_article(
            Article("The weather was fine and nothing happened.", name="x"), None, gazetteer
        )


def test_a_region_after_a_comma_picks_among_places_of_one_name(rows, workspace, gazetteer):
    rows[0]["place"] = "Lyman, Donetsk"
    rows[1]["accept"] = False
    (rec,) = records_from_rows(rows, SOURCE, gazetteer)
    assert (rec["place"], rec["oblast"], rec["place_id"]) == ("Lyman", "Donetsk", None)
    result = workspace.ledger.import_records([rec], author="os:test")
    (claim,) = result.added
    assert gazetteer.get(claim.place_id).oblast == "Donetsk"
