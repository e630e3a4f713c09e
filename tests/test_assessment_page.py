"""The assessment page (pages/assessment.py) with Streamlit's AppTest: what is stored,
and the claims compared with it."""

from __future__ import annotations

from datetime import date

import pytest
import shapely
import streamlit as st
from streamlit.testing.v1 import AppTest

from conflictmap.assessment import stored_assessment
from conflictmap.paths import ROOT
from conflictmap.workspace import Workspace

PAGE = str(ROOT / "pages" / "assessment.py")


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
    ws.ledger.add_assessments([
        stored_assessment(date(2025, 12, 2), "occupied", pokrovsk.buffer(0.05)),
        stored_assessment(date(2025, 12, 2), "grey_zone", shapely.box(30, 45, 30.1, 45.1)),
    ])
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    stored, compared = at.dataframe[0].value, at.dataframe[1].value
    assert sorted(stored["kind"]) == ["grey_zone", "occupied"]
    assert set(stored["date"]) == {"2025-12-02"}
    ru = compared[(compared["place"] == "Pokrovsk") & (compared["claimant"] == "RU")].iloc[0]
    assert (ru["occupied_share"], ru["verdict"], ru["assessment_date"]) == \
        (1.0, "consistent", "2025-12-02")
    # Claimed on 1 December; the only assessment, of 2 December, agrees: at most a day.
    assert (ru["confirmed_on"], ru["confirmation_lag_days"], ru["lag_exact"]) == \
        ("2025-12-02", 1, False)
