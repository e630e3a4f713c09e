"""What changed between two dates: one row per (place, claimant) whose claim changed."""

from datetime import date

import pytest

from conflictmap.ledger import ControlIndex, changes_between
from conflictmap.ledger.changes import CHANGE_COLUMNS, change_kind
from tests.ledger.test_control import claim

START, END = date(2025, 11, 20), date(2025, 12, 2)


def changes_of(gazetteer, spec):
    """spec: (claimant, controller, date, extra) tuples about Siversk."""
    claims = [
        claim(gazetteer, "Siversk", who, ctrl, when, oblast="Donetsk", **extra)
        for who, ctrl, when, extra in spec
    ]
    return changes_between(ControlIndex.from_claims(claims), START, END, gazetteer)


@pytest.mark.parametrize(
    "spec, expected",
    [
        # A new capture claim in the window.
        (
            [("RU", "RU", "2025-12-01", {})],
            [("RU", "capture claim", "no claim", "RU holds all")],
        ),
        # A denial: Ukraine calls contested a place Russia claims.
        (
            [("RU", "RU", "2025-12-01", {}), ("UA", "CONTESTED", "2025-12-02", {})],
            [
                ("RU", "capture claim", "no claim", "RU holds all"),
                ("UA", "denial", "no claim", "contested"),
            ],
        ),
        # "Contested" with no capture claim to deny.
        (
            [("UA", "CONTESTED", "2025-11-25", {})],
            [("UA", "contested", "no claim", "contested")],
        ),
        # A part conceded: Ukraine said it held all, now only the north.
        (
            [
                ("UA", "UA", "2025-10-01", {}),
                ("UA", "UA", "2025-11-30", {"extent": "partial", "part": "north"}),
            ],
            [("UA", "part conceded", "UA holds all", "UA holds the north part")],
        ),
        # A share shrinking is a part conceded; growing is a partial claim.
        (
            [
                ("RU", "RU", "2025-11-01", {"extent": "partial", "fraction": 0.7}),
                ("RU", "RU", "2025-11-28", {"extent": "partial", "fraction": 0.5}),
            ],
            [("RU", "part conceded", "RU holds 70%", "RU holds 50%")],
        ),
        (
            [
                ("RU", "RU", "2025-11-01", {"extent": "partial", "fraction": 0.5}),
                ("RU", "RU", "2025-11-28", {"extent": "partial", "fraction": 0.8}),
            ],
            [("RU", "partial claim", "RU holds 50%", "RU holds 80%")],
        ),
        # A withdrawal (the ledger has no retraction: a side announcing it left says
        # the other side holds the place).
        (
            [("UA", "UA", "2025-10-01", {}), ("UA", "RU", "2025-12-02", {})],
            [("UA", "withdrawal", "UA holds all", "RU holds all")],
        ),
        # Full after partial: a capture claim.
        (
            [
                ("RU", "RU", "2025-11-01", {"extent": "partial", "part": "east"}),
                ("RU", "RU", "2025-11-29", {}),
            ],
            [("RU", "capture claim", "RU holds the east part", "RU holds all")],
        ),
        # A third party's account changed.
        (
            [("OTHER", "UA", "2025-11-01", {}), ("OTHER", "RU", "2025-12-01", {})],
            [("OTHER", "report", "UA holds all", "RU holds all")],
        ),
        # No change: the same claim repeated in the window.
        ([("RU", "RU", "2025-11-01", {}), ("RU", "RU", "2025-12-01", {"source": "Other"})], []),
        # No change: nothing said in the window; after the window does not count.
        ([("RU", "RU", "2025-11-01", {}), ("UA", "CONTESTED", "2025-12-03", {})], []),
    ],
)
def test_changes_between(gazetteer, spec, expected):
    df = changes_of(gazetteer, spec)
    got = [(r.claimant, r.kind, r.before, r.after) for r in df.itertuples()]
    assert got == expected
    assert list(df.columns[: len(CHANGE_COLUMNS)]) == CHANGE_COLUMNS
    assert set(df["place"]) <= {"Siversk"}


def test_the_claims_behind_a_change_are_those_of_the_window(gazetteer):
    df = changes_of(
        gazetteer,
        [
            ("RU", "RU", "2025-11-01", {"extent": "partial", "fraction": 0.5, "source": "Old"}),
            ("RU", "RU", "2025-11-30", {"source": "Wire A", "source_url": "https://a.example/1"}),
            ("RU", "RU", "2025-12-01", {"source": "Wire B"}),
        ],
    )
    row = df.iloc[0]
    assert [c["source_publisher"] for c in row["claims"]] == ["Wire A", "Wire B"]
    assert row["sources"] == "Wire A | Wire B" and row["source_urls"] == "https://a.example/1"
    assert (row["claim_date_before"], row["claim_date_after"]) == ("2025-11-01", "2025-12-01")
    assert len(row["claim_ids"].split(" | ")) == 2


@pytest.mark.parametrize(
    "spec, status_before, status_after",
    [
        (
            [("RU", "RU", "2025-11-01", {}), ("UA", "CONTESTED", "2025-12-01", {})],
            "RU only",
            "contested",
        ),
        ([("RU", "RU", "2025-11-01", {}), ("UA", "RU", "2025-12-01", {})], "RU only", "agreed"),
        ([("OTHER", "UA", "2025-12-01", {})], "no claim", "third party only"),
    ],
)
def test_place_status_before_and_after(gazetteer, spec, status_before, status_after):
    row = changes_of(gazetteer, spec).iloc[-1]
    assert (row["status_before"], row["status_after"]) == (status_before, status_after)


def test_end_before_start_is_refused(gazetteer):
    with pytest.raises(ValueError, match="before"):
        changes_between(ControlIndex.from_claims([]), END, START)


@pytest.mark.parametrize(
    "claimant, before, after, opponent, kind",
    [
        ("RU", None, ("RU", "full", None, None), None, "capture claim"),
        ("UA", None, ("CONTESTED", None, None, None), ("RU", "full", None, None), "denial"),
        ("UA", None, ("CONTESTED", None, None, None), ("UA", "full", None, None), "contested"),
        ("UA", ("UA", "full", None, None), ("RU", "partial", None, 0.5), None, "part conceded"),
        ("RU", None, ("RU", "partial", "north", None), None, "partial claim"),
        ("OTHER", None, ("RU", "full", None, None), None, "report"),
    ],
)
def test_change_kind(claimant, before, after, opponent, kind):
    assert change_kind(claimant, before, after, opponent) == kind


def test_first_ledger_between_20_november_and_2_december(small_ws):
    """The digest of the first ledger: Pokrovsk and Vovchansk claimed, Ukraine's denial."""
    df = small_ws.changes(START, END)
    got = {(r.place, r.claimant): r.kind for r in df.itertuples()}
    assert got[("Pokrovsk", "RU")] == "capture claim"
    assert got[("Vovchansk", "RU")] == "capture claim"
    assert got[("Vovchansk", "UA")] == "denial"
    assert got[("Kupiansk", "UA")] == "contested"
    assert got[("Myrnohrad", "RU")] == "contested"
    assert ("Avdiivka", "OTHER") not in got  # restated, not changed
    assert ("Chasiv Yar", "RU") not in got  # claimed in July
    pokrovsk = df[(df["place"] == "Pokrovsk") & (df["claimant"] == "RU")].iloc[0]
    assert "The Moscow Times" in pokrovsk["sources"]
    assert pokrovsk["status_after"] == "contested"
