"""geodata/claims.csv covers what a careful reader takes from the reports."""

import csv
import json

import pytest

from conflictmap.ledger.claims import claim_from_record
from conflictmap.paths import CLAIMS_FILE


@pytest.fixture(scope="module")
def curated(gazetteer):
    with CLAIMS_FILE.open(newline="") as fh:
        return [claim_from_record(r, gazetteer) for r in csv.DictReader(fh)]


def test_every_row_is_valid_and_unique(curated):
    assert len({c.id for c in curated}) == len(curated)


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
