"""geodata/claims.csv covers what a careful reader takes from the reports."""

import csv
import json
from urllib.parse import urlparse

import pytest

from conflictmap.ledger.claims import claim_from_record
from conflictmap.paths import CLAIMS_FILE


@pytest.fixture(scope="module")
def curated(gazetteer):
    with CLAIMS_FILE.open(newline="") as fh:
        return [claim_from_record(r, gazetteer) for r in csv.DictReader(fh)]


# Ukraine's bounds (lat, lon), a little generous at the edges.
UKRAINE_LAT = (44.0, 52.5)
UKRAINE_LON = (22.0, 40.3)


@pytest.fixture(scope="module")
def rows():
    with CLAIMS_FILE.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_row_is_valid_and_unique(curated):
    assert len({c.id for c in curated}) == len(curated)


def _has_source_url(row, place):
    url = urlparse(row["source_url"])
    return url.scheme in {"http", "https"} and bool(url.netloc)


def _has_publication_date(row, place):
    return len(row["source_published"]) == 10 and row["source_published"][4] == "-"


def _is_a_place_in_ukraine(row, place):
    return (
        place.country == "UA"
        and UKRAINE_LAT[0] <= place.lat <= UKRAINE_LAT[1]
        and UKRAINE_LON[0] <= place.lon <= UKRAINE_LON[1]
    )


def _names_its_place(row, place):
    return place.name == row["place"]


def _claim_date_not_after_publication(row, place):
    return row["claim_date"] <= row["source_published"]


@pytest.mark.parametrize(
    "check",
    [
        _has_source_url,
        _has_publication_date,
        _is_a_place_in_ukraine,
        _names_its_place,
        _claim_date_not_after_publication,
    ],
    ids=lambda v: v.__name__.strip("_"),
)
def test_every_bundled_claim(rows, gazetteer, check):
    failing = [
        (i, r["place"], r["source_url"])
        for i, r in enumerate(rows)
        if not check(r, gazetteer.get(int(r["geonames_id"])))
    ]
    assert failing == []


@pytest.mark.parametrize(
    "fields",
    [
        ("place", "claimant", "controller", "claim_date", "source_url"),
        ("place", "claimant", "claimant_org", "claim_date", "source_url"),
    ],
    ids=["same-claim", "same-speaker-same-day"],
)
def test_no_two_rows_are_the_same_claim(rows, fields):
    keys = [tuple(r[f] for f in fields) for r in rows if r["source_url"]]
    dupes = {k for k in keys if keys.count(k) > 1}
    assert dupes == set()


def test_every_core_gold_claim_is_in_the_ledger(curated, shared_dir):
    gold = json.loads((shared_dir / "reports" / "gold.json").read_text())
    missing = []
    for report, data in gold.items():
        for g in data["claims"]:
            if not g["core"]:
                continue
            accepted = {g["controller"], *g.get("alt", [])}
            hit = [
                c
                for c in curated
                if c.place == g["place"]
                and c.claimant == g["claimant"]
                and c.controller in accepted
                and c.claim_date.isoformat() == g["date"]
                and (
                    c.source_published is None
                    or c.source_published.isoformat() == data["published"]
                )
            ]
            if not hit:
                missing.append((report, g["place"], g["claimant"], g["controller"], g["date"]))
    assert missing == []


def test_urls_from_gold_are_kept(curated, shared_dir):
    gold = json.loads((shared_dir / "reports" / "gold.json").read_text())
    urls = {d["url"] for d in gold.values() if d["url"]}
    assert urls <= {c.source_url for c in curated}


def test_notes_are_our_own_words(curated, shared_dir):
    """No note repeats eight consecutive words of a report."""
    texts = [p.read_text() for p in (shared_dir / "reports").rglob("*.txt")]
    shingles = set()
    for text in texts:
        words = text.lower().split()
        shingles |= {" ".join(words[i : i + 8]) for i in range(len(words) - 7)}
    for c in curated:
        words = c.note.lower().split()
        copied = [
            " ".join(words[i : i + 8])
            for i in range(len(words) - 7)
            if " ".join(words[i : i + 8]) in shingles
        ]
        assert copied == [], c.note
