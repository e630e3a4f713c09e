"""The "What changed" page (AppTest): two dates from the URL or the inputs, the list,
the map of the changes, messages for dates that make no sense."""

from __future__ import annotations

from datetime import date

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conflictmap.paths import ROOT

PAGE = str(ROOT / "pages" / "changes.py")


@pytest.fixture
def page(db_url, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_DB", db_url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield AppTest.from_file(PAGE, default_timeout=60)
    st.cache_resource.clear()


def listed(at: AppTest) -> list[tuple[str, str, str]]:
    df = at.dataframe[0].value
    return list(zip(df["place"], df["claimant"], df["kind"]))


def map_html(at: AppTest) -> str:
    frames = [e for e in at.main if e.type == "iframe"]
    return frames[0].proto.srcdoc if frames else ""


@pytest.fixture
def domain(workspace):
    """What the domain says changed between two ISO dates (the same seeded ledger)."""
    return lambda since, until: workspace.changes(
        date.fromisoformat(since), date.fromisoformat(until)
    )


def headline_of(df, since, until) -> str:
    if df.empty:
        return "0 changes at 0 places"
    return f"{len(df)} changes at {df['place'].nunique()} places from {since} to {until}"


@pytest.mark.parametrize(
    "since, until, must_list",
    [
        ("2025-11-20", "2025-12-02", [("Pokrovsk", "RU", "capture claim")]),
        ("2025-12-01", "2025-12-02", []),
        ("2025-07-31", "2025-07-31", []),
    ],
)
def test_url_dates_give_the_list_and_the_map(page, domain, since, until, must_list):
    expected = domain(since, until)
    page.query_params.update({"since": since, "until": until})
    page.run()
    assert not page.exception, page.exception
    assert page.subheader[0].value.startswith(headline_of(expected, since, until))
    rows = list(zip(expected["place"], expected["claimant"], expected["kind"]))
    assert listed(page) == rows
    assert set(must_list) <= set(rows)
    html = map_html(page)
    if rows:
        assert "leaflet" in html.lower() and rows[0][0] in html
        assert 'src="http' not in html  # nothing from the internet
    else:
        assert html == "" and "No claim changed" in page.info[0].value
    assert (page.query_params["since"], page.query_params["until"]) == (since, until)


def test_changing_a_date_redraws_the_list(page, domain):
    wide, narrow = domain("2025-11-20", "2025-12-02"), domain("2025-12-01", "2025-12-02")
    assert len(narrow) < len(wide)
    page.query_params.update({"since": "2025-11-20", "until": "2025-12-02"})
    page.run()
    assert len(listed(page)) == len(wide)
    page.date_input[0].set_value(date(2025, 12, 1)).run()
    assert len(listed(page)) == len(narrow)
    gone = set(zip(wide["place"], wide["claimant"], wide["kind"])) - set(listed(page))
    assert gone and gone.isdisjoint(listed(page))


def test_end_before_start_is_an_error_not_a_traceback(page):
    page.query_params.update({"since": "2025-12-02", "until": "2025-11-20"})
    page.run()
    assert not page.exception
    assert "before" in page.error[0].value and not page.dataframe


def test_an_impossible_url_date_is_reported(page):
    page.query_params.update({"since": "2025-13-45", "until": "2025-12-02"})
    page.run()
    assert not page.exception
    assert "since" in page.warning[0].value and "2025-11-25" in page.warning[0].value
    assert page.subheader[0].value.endswith("to 2025-12-02")


def test_the_claims_behind_each_change_are_tabled(page, domain):
    expected = domain("2025-11-20", "2025-12-02")
    row = expected[(expected["place"] == "Pokrovsk") & (expected["claimant"] == "RU")].iloc[0]
    page.query_params.update({"since": "2025-11-20", "until": "2025-12-02"})
    page.run()
    claims = page.dataframe[1].value
    pokrovsk = claims[(claims["place"] == "Pokrovsk") & (claims["claimant"] == "RU")]
    assert len(pokrovsk) == len(row["claims"]) > 1
    assert "The Moscow Times" in set(pokrovsk["publisher"])
