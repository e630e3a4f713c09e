"""No traceback reaches a visitor: pages run inside ui.guard.run_page; stored records
that cannot be used are named on the page, which carries on."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conflictmap.paths import ROOT
from tests.assessment.test_bad_assessments import NAMED, store_unusable

APP = str(ROOT / "app.py")


def _failing_page(kind):
    from ui.guard import run_page

    class Page:
        title = "test page"

        def run(self):
            import streamlit as st

            st.write("before the failure")
            if kind == "domain":
                from conflictmap.reader import FetchError

                raise FetchError("http://x.example/ cannot be reached (*no* [link](http://e))")
            if kind == "rerun":
                st.session_state["runs"] = st.session_state.get("runs", 0) + 1
                if st.session_state["runs"] == 1:
                    st.rerun()
                st.write("after the rerun")
                return
            raise RuntimeError("secret internals: /etc/passwd line 3")

    run_page(Page())


@pytest.mark.parametrize(
    "kind, shown, hidden",
    [
        ("domain", "cannot be reached", "Traceback"),
        ("unexpected", "server's log", "secret internals"),
        ("rerun", "", "went wrong"),
    ],
)
def test_errors_become_messages(kind, shown, hidden, caplog):
    at = AppTest.from_function(_failing_page, args=(kind,))
    at.run(timeout=30)
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert shown in errors
    assert hidden not in errors and all(hidden not in m.value for m in at.markdown)
    if kind == "domain":
        assert "\\[link\\]" in errors  # Markdown in a message is shown as text
    if kind == "unexpected":
        assert "secret internals" in caplog.text  # in the server's log instead
    if kind == "rerun":
        assert any("after the rerun" in m.value for m in at.markdown)


@pytest.fixture
def unusable_app(db_url, monkeypatch):
    store_unusable(db_url)
    monkeypatch.setenv("CONFLICTMAP_DB", db_url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield AppTest.from_file(APP, default_timeout=90)
    st.cache_resource.clear()


@pytest.mark.parametrize("page", ["pages/claims.py", "pages/assessment.py", "pages/map.py"])
def test_a_stored_record_that_cannot_be_used_is_named_and_the_page_carries_on(unusable_app, page):
    at = unusable_app
    if page == "pages/map.py":
        at.query_params["date"] = "2025-12-02"
        at.query_params["layers"] = "ru,ua,contested,assessment"
    at.run()
    if page != "pages/map.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    warnings = " ".join(w.value for w in at.warning).replace("\\", "")  # Markdown escapes
    assert NAMED.split(" (")[0] in warnings and "Old import" in warnings
    assert at.title or at.get("component_instance")


@pytest.mark.parametrize("page", ["pages/claims.py", "pages/map.py", "pages/timeline.py"])
def test_stored_claims_that_cannot_be_used_are_named_on_the_pages(
    db_url, gazetteer, monkeypatch, page
):
    from tests.ledger.test_bad_input import store_unusable_claims

    store_unusable_claims(db_url, gazetteer)
    monkeypatch.setenv("CONFLICTMAP_DB", db_url)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=90).run()
    if page != "pages/map.py":
        at.switch_page(page).run()
    st.cache_resource.clear()
    assert not at.exception and not at.error, [e.value for e in at.error]
    warnings = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "9999-12-31): left out" in warnings and "place 999999999" in warnings
    assert "9999" not in " ".join(str(s.value) for s in at.select_slider)
