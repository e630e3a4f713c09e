"""Claim validation: every bad field is named."""

from datetime import date

import pytest

from conflictmap.ledger.claims import ClaimError, claim_from_record, parse_fraction

GOOD = {
    "place": "Pokrovsk",
    "claimant": "UA",
    "claimant_org": "General Staff of Ukraine",
    "controller": "UA",
    "part": "north",
    "claim_date": "2025-12-02",
    "source_publisher": "Reuters",
    "source_url": "https://example.org/a",
}


def test_a_good_record(gazetteer):
    c = claim_from_record(GOOD, gazetteer)
    assert (c.place_id, c.place, c.extent, c.part) == (704422, "Pokrovsk", "partial", "north")
    assert c.claim_date == date(2025, 12, 2)
    assert c.describe() == "UA holds the north part"


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"place": "Nowhereville"}, "place", "unresolved"),
        ({"place": ""}, "place", "missing"),
        ({"place_id": "99999999999"}, "place_id", "not in the gazetteer"),
        ({"claimant": "NATO"}, "claimant", "not one of"),
        ({"claimant": ""}, "claimant", "missing"),
        ({"controller": "BY"}, "controller", "not one of"),
        ({"claim_date": "02/12/2025"}, "claim_date", "not a date"),
        ({"claim_date": "2025-02-30"}, "claim_date", "not a date"),
        ({"claim_date": ""}, "claim_date", "missing"),
        ({"fraction": "1.7"}, "fraction", "outside"),
        ({"fraction": "most"}, "fraction", "not a number"),
        ({"part": "upstairs"}, "part", "unknown part"),
        ({"extent": "some"}, "extent", "not one of"),
        ({"extent": "full"}, "extent", "partial"),
        ({"source_url": "javascript:alert(1)"}, "source_url", "not an http"),
        ({"source_url": "", "source_publisher": ""}, "source_publisher", "needs a source"),
        ({"note": "x" * 501}, "note", "longer than"),
    ],
)
def test_bad_fields_are_named(gazetteer, change, field, message):
    with pytest.raises(ClaimError) as err:
        claim_from_record({**GOOD, **change}, gazetteer)
    assert err.value.field == field
    assert message in str(err.value)
    assert str(err.value).startswith(field + ":")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("70%", 0.7),
        ("70 %", 0.7),
        ("0.95", 0.95),
        (0.5, 0.5),
        ("", None),
        (None, None),
        ("1", 1.0),
    ],
)
def test_parse_fraction(raw, expected):
    assert parse_fraction(raw) == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    "record, extent",
    [
        ({"controller": "RU", "part": ""}, "full"),
        ({"controller": "RU", "part": "", "fraction": "0.7"}, "partial"),
        ({"controller": "CONTESTED", "part": ""}, None),
        ({"controller": "UA", "part": "outskirts"}, "partial"),
    ],
)
def test_extent_follows_part_and_fraction(gazetteer, record, extent):
    assert claim_from_record({**GOOD, **record}, gazetteer).extent == extent


def test_the_same_claim_from_the_same_source_has_the_same_id(gazetteer):
    a = claim_from_record(GOOD, gazetteer)
    b = claim_from_record({**GOOD, "place": "Krasnoarmeysk", "note": "other words"}, gazetteer)
    c = claim_from_record({**GOOD, "source_url": "https://example.org/b"}, gazetteer)
    assert a.id == b.id
    assert a.id != c.id


NO_URL = {**GOOD, "source_url": "", "source_publisher": "Unknown publisher"}


@pytest.mark.parametrize(
    "change, same",
    [
        # The title of a pasted report is a guess (a headline, a byline): never identity.
        ({"source_title": "By Olena Hrytsenko"}, True),
        ({"source_title": ""}, True),
        ({"note": "evidence: other words"}, True),
        ({"claimant_org": "  general staff "}, True),
        ({"source_published": "2025-12-03"}, False),
        ({"source_publisher": "Another desk"}, False),
        ({"claimant_org": "Ukrainian army spokesman"}, False),
    ],
)
def test_sources_without_url_are_their_publisher_and_date(gazetteer, change, same):
    base = {**NO_URL, "source_title": "Ukraine holds Pokrovsk", "claimant_org": "General Staff"}
    base["source_published"] = "2025-12-02"
    a = claim_from_record(base, gazetteer)
    b = claim_from_record({**base, **change}, gazetteer)
    assert (a.id == b.id) is same
