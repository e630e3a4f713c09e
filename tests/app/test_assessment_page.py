"""The assessment page (pages/assessment.py) with Streamlit's AppTest: what is stored,
and the claims compared with it."""

from __future__ import annotations

from datetime import date

import pytest
import shapely
import streamlit as st
from streamlit.testing.v1 import AppTest

from conflictmap.assessment.layers import stored_assessment
from conflictmap.paths import ROOT
from conflictmap.workspace import Workspace

PAGE = str(ROOT / "pages" / "assessment.py")
CLAIMS_PAGE = str(ROOT / "pages" / "claims.py")


@pytest.fixture
def page_db(db_url, monkeypatch, gazetteer):
    """A fresh seeded database the page's cached workspace will open."""
    monkeypatch.setenv("CONFLICTMAP_DB", db_url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield Workspace(db_url, gazetteer=gazetteer)
    st.cache_resource.clear()
    st.cache_data.clear()


def test_page_without_assessments_explains_how_to_import(page_db):
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Independent assessment"
    assert any("assessment import" in i.value for i in at.info)
    assert at.button  # the form's Import button


def test_page_lists_stored_assessments_and_verdicts(page_db):
    ws = page_db
    pokrovsk = ws.footprints.footprint(704422)
    ws.ledger.add_assessments(
        [
            stored_assessment(date(2025, 12, 2), "occupied", pokrovsk.buffer(0.05)),
            stored_assessment(date(2025, 12, 2), "grey_zone", shapely.box(30, 45, 30.1, 45.1)),
        ],
        author="os:test",
    )
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    # Compare as of the assessment's day; later claims are compared with nothing yet.
    at.select_slider(key="assessment_compare_date").set_value(date(2025, 12, 2)).run()
    assert not at.exception
    stored, compared = at.dataframe[0].value, at.dataframe[1].value
    assert sorted(stored["kind"]) == ["grey_zone", "occupied"]
    assert set(stored["date"]) == {"2025-12-02"}
    ru = compared[(compared["place"] == "Pokrovsk") & (compared["claimant"] == "RU")].iloc[0]
    assert (ru["occupied_share"], ru["verdict"], ru["assessment_date"]) == (
        1.0,
        "consistent",
        "2025-12-02",
    )
    # Claimed on 1 December; the only assessment, of 2 December, agrees: at most a day.
    assert (ru["confirmed_on"], ru["confirmation_lag_days"], ru["lag_exact"]) == (
        "2025-12-02",
        1,
        False,
    )


def test_claims_page_shows_verdict_and_lag_columns(page_db):
    ws = page_db
    at = AppTest.from_file(CLAIMS_PAGE, default_timeout=60).run()
    assert not at.exception
    before = at.dataframe[0].value
    assert "verdict" not in before.columns  # nothing to compare with yet
    pokrovsk = ws.footprints.footprint(704422)
    ws.ledger.add_assessments(
        [stored_assessment(date(2025, 12, 1), "occupied", pokrovsk.buffer(0.05))], author="os:test"
    )
    at = AppTest.from_file(CLAIMS_PAGE, default_timeout=60).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == len(before)  # the join adds columns, never rows
    assert {
        "verdict",
        "occupied_share",
        "grey_share",
        "assessment_date",
        "confirmed_on",
        "confirmation_lag_days",
    } <= set(table.columns)
    # Russia's claims to Pokrovsk of 1 December, the day the assessment shows it occupied.
    pokrovsk_ru = table[(table["place"] == "Pokrovsk") & (table["claimant"] == "Russia")]
    ru = pokrovsk_ru[pokrovsk_ru["date"] == date(2025, 12, 1)]
    assert len(ru) >= 1
    assert set(ru["verdict"]) == {"consistent"}
    assert set(ru["confirmation_lag_days"]) == {0}
    old = table[table["date"] < date(2025, 11, 24)]  # more than 7 days before: no verdict
    assert len(old) and old["verdict"].isna().all()
