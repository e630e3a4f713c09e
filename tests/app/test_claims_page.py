"""The Claims page with Streamlit's AppTest: hand entry (each field checked, by name), a
claim's history, correction and withdrawal, the activity log and undo."""

from __future__ import annotations

from datetime import date

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conflictmap.paths import ROOT
from conflictmap.workspace import Workspace

PAGE = str(ROOT / "pages" / "claims.py")


@pytest.fixture
def page_db(db_url, monkeypatch, gazetteer):
    monkeypatch.setenv("CONFLICTMAP_DB", db_url)
    st.cache_resource.clear()
    yield Workspace(db_url, gazetteer=gazetteer)
    st.cache_resource.clear()


def claims_page() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=60).run()


GOOD = {
    "hand_place": "Siversk",
    "hand_org": "Russian Defence Ministry",
    "hand_pub": "Example Wire",
    "hand_url": "https://example.org/siversk-hand",
    "hand_fraction": "",
}


def fill(at: AppTest, values: dict, day=date(2025, 12, 2), claimant="RU", controller="RU"):
    for key, value in values.items():
        at.text_input(key=key).set_value(value)
    at.date_input(key="hand_claim_date").set_value(day)
    at.selectbox(key="hand_claimant").select(claimant)
    at.selectbox(key="hand_controller").select(controller)
    next(b for b in at.button if b.label == "Add the claim").click().run()
    return at


def test_a_claim_entered_by_hand_is_stored_with_its_author(page_db):
    before = page_db.ledger.count()
    at = fill(claims_page(), GOOD)
    assert not at.exception and not at.error
    assert any("Added Siversk" in s.value for s in at.success)
    assert page_db.ledger.count() == before + 1
    (claim,) = [c for c in page_db.ledger.claims() if c.source_url == GOOD["hand_url"]]
    (first,) = page_db.ledger.history(claim.id)
    assert (first.author, first.kind) == ("local", "hand")
    table = at.dataframe[0].value
    assert table.loc[table["id"] == claim.id, "entered_by"].tolist() == ["local"]
    # The activity log lists the batch.
    log = next(d.value for d in at.dataframe if "batch" in d.value.columns)
    assert log.iloc[0]["write"] == "hand" and log.iloc[0]["who"] == "local"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"hand_place": "Nowhereville"}, "Place"),
        ({"hand_place": ""}, "Place"),
        ({"hand_fraction": "2"}, "Fraction"),
        ({"hand_fraction": "most"}, "Fraction"),
        ({"hand_pub": "", "hand_url": ""}, "Source publisher"),
        ({"hand_url": "javascript:alert(1)"}, "Source URL"),
        ({"hand_note": "x" * 501}, "Note"),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_written(page_db, change, field):
    before = (page_db.ledger.count(), page_db.ledger.revision())
    at = fill(claims_page(), {**GOOD, **change})
    assert not at.exception
    assert [e.value for e in at.error if e.value.startswith(f"Not added. {field}:")]
    assert (page_db.ledger.count(), page_db.ledger.revision()) == before


def _details_script():
    """Runs inside AppTest: the history and forms of one claim."""
    import os

    import streamlit as st

    from conflictmap.workspace import Workspace
    from ui import claims_view

    ws = Workspace(os.environ["CONFLICTMAP_DB"], seed=False)
    claims_view.show_notice()
    claims_view.claim_details(ws.ledger, st.session_state["claim_id"])


def details(claim_id: str) -> AppTest:
    at = AppTest.from_function(_details_script, default_timeout=60)
    at.session_state["claim_id"] = claim_id
    return at.run()


def test_correct_and_withdraw_from_the_page(page_db):
    pokrovsk = next(c for c in page_db.ledger.claims() if c.place == "Pokrovsk")
    at = details(pokrovsk.id)
    assert not at.exception
    assert len(at.dataframe[0].value) == 1  # one version so far
    prefix = f"correct_{pokrovsk.id}"
    at.selectbox(key=f"{prefix}_controller").select("CONTESTED")
    at.selectbox(key=f"{prefix}_extent").select("")
    at.text_input(key=f"correct_reason_{pokrovsk.id}").set_value("misread the denial")
    next(b for b in at.button if b.label == "Save the correction").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("Corrected claim" in s.value for s in at.success)
    history = at.dataframe[0].value
    assert history["version"].tolist() == [1, 2]
    assert history.iloc[1]["who"] == "local"
    assert history.iloc[1]["why"] == "misread the denial"
    assert page_db.ledger.get(pokrovsk.id).claim.controller == "CONTESTED"
    # Withdraw it: a reason is required.
    next(b for b in at.button if b.label == "Withdraw the claim").click().run()
    assert any("reason" in e.value for e in at.error)
    at.text_input(key=f"retract_reason_{pokrovsk.id}").set_value("duplicate of another")
    next(b for b in at.button if b.label == "Withdraw the claim").click().run()
    assert any("Withdrew claim" in s.value for s in at.success)
    assert page_db.ledger.get(pokrovsk.id).withdrawn
    assert pokrovsk.id not in {c.id for c in page_db.ledger.claims()}
    assert at.dataframe[0].value["claim"].tolist()[-1] == "withdrawn"


def test_undo_a_whole_import_from_the_activity_log(page_db):
    rows = [
        {
            "place": name,
            "oblast": oblast,
            "claimant": "RU",
            "controller": "RU",
            "claim_date": "2025-12-02",
            "source_publisher": "Bad feed",
        }
        for name, oblast in [("Lyman", "Donetsk"), ("Kupiansk", "Kharkiv")]
    ]
    batch = page_db.ledger.import_records(rows, "bad-feed.csv", author="os:alice").batch
    before = page_db.ledger.count()
    at = claims_page()
    at.selectbox(key="undo_batch_id").select(batch)
    at.text_input(key="undo_reason").set_value("a bad feed")
    next(b for b in at.button if b.label == "Undo this batch").click().run()
    assert not at.exception and not at.error
    assert any(f"Undid batch {batch}" in s.value for s in at.success)
    assert page_db.ledger.count() == before - 2
    log = next(d.value for d in at.dataframe if "batch" in d.value.columns)
    assert (log.iloc[0]["write"], log.iloc[0]["from"]) == ("undo", f"batch {batch}")
