"""Who may write in the app (ui/auth.py) with AppTest: local mode, the password sign-in
in the sidebar, the identity provider's sign-in (st.user), and the pages' write
controls shown only to those allowed."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conflictmap.paths import ROOT
from conflictmap.workspace import Workspace

INGEST = str(ROOT / "pages" / "ingest.py")
ASSESSMENT = str(ROOT / "pages" / "assessment.py")
OS = "os:tester"
REPORT = (
    "Russia's Defence Ministry said on Tuesday its troops had taken full control of "
    "Toretsk in the Donetsk region."
)
PROVIDER = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "a test secret that is long enough",
        "newsroom": {
            "client_id": "conflictmap",
            "client_secret": "not a real one",
            "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
        },
    }
}


@pytest.fixture
def ws(db_url, monkeypatch, gazetteer, fast_password_hashes):
    monkeypatch.setenv("CONFLICTMAP_DB", db_url)
    st.cache_resource.clear()
    yield Workspace(db_url, gazetteer=gazetteer)
    st.cache_resource.clear()


def with_users(ws):
    users = ws.ledger.users
    users.add("edith", "editor", password="edith's password", by=OS)
    users.add("vera", "viewer", password="vera's password", by=OS)
    users.add("ann", "admin", password="ann's password", by=OS)
    users.add("jdoe", "editor", email="jdoe@newsroom.example", by=OS)
    users.add("dora", "editor", password="dora's password", by=OS)
    users.disable("dora", by=OS)


def read_report(at: AppTest) -> AppTest:
    at.run()
    at.text_area(key="ingest_text").set_value(REPORT)
    at.text_input(key="ingest_publisher").set_value("Example Wire")
    next(b for b in at.button if b.label == "Read the text").click().run()
    return at


def add_buttons(at):
    return [b for b in at.button if (b.key or "").startswith("add_")]


@pytest.mark.parametrize(
    "users, local, signed_in, may_add, says",
    [
        (False, True, None, True, None),
        (False, False, None, False, "only a browser on the app's own machine"),
        (True, True, None, False, "sign in (in the sidebar) as editor or admin"),
        (True, False, None, False, "sign in (in the sidebar)"),
        (True, False, "edith", True, None),
        (True, False, "ann", True, None),
        (True, True, "vera", False, "vera (viewer) may not add claims"),
        (True, True, "dora", False, "sign in"),  # disabled since signing in
        (True, False, "nobody", False, "sign in"),
    ],
)
def test_add_the_ticked_claims_only_for_those_allowed(
    ws, local_client, monkeypatch, users, local, signed_in, may_add, says
):
    if users:
        with_users(ws)
    monkeypatch.setattr(local_client, "client_is_local", lambda: local)
    at = AppTest.from_file(INGEST, default_timeout=60)
    if signed_in:
        at.session_state["auth_user"] = signed_in
    read_report(at)
    assert not at.exception
    before = ws.ledger.count()
    if may_add:
        add_buttons(at)[0].click().run()
        assert any("Added 1 claim(s)" in s.value for s in at.success)
        assert ws.ledger.count() == before + 1
    else:
        assert add_buttons(at) == []
        assert any(says in c.value for c in at.caption), [c.value for c in at.caption]
        assert ws.ledger.count() == before


@pytest.mark.parametrize(
    "users, local, signed_in, may_import",
    [
        (False, True, None, True),
        (False, False, None, False),
        (True, True, None, False),
        (True, False, "ann", True),
        (True, False, "edith", False),
        (True, False, "vera", False),
    ],
)
def test_the_assessment_upload_only_for_admins(
    ws, local_client, monkeypatch, users, local, signed_in, may_import
):
    if users:
        with_users(ws)
    monkeypatch.setattr(local_client, "client_is_local", lambda: local)
    at = AppTest.from_file(ASSESSMENT, default_timeout=60)
    if signed_in:
        at.session_state["auth_user"] = signed_in
    at.run()
    assert not at.exception
    has_form = any(b.label == "Import" for b in at.button)
    assert has_form is may_import
    if not may_import:
        assert any("Read only" in c.value for c in at.caption)


def sidebar_script():
    import streamlit as st

    from ui import auth

    actor = auth.sidebar()
    st.text(f"acting as {actor.author} ({actor.role}); may add: {auth.can('add')}")


def acting(at: AppTest) -> str:
    return at.text[-1].value


def test_sign_in_and_out_with_a_password(ws, local_client, monkeypatch):
    with_users(ws)
    monkeypatch.setattr(local_client, "client_is_local", lambda: True)
    at = AppTest.from_function(sidebar_script, default_timeout=60).run()
    assert acting(at) == "acting as anonymous (viewer); may add: False"
    at.sidebar.text_input(key="signin_name").set_value("edith")
    at.sidebar.text_input(key="signin_password").set_value("wrong password")
    next(b for b in at.sidebar.button if b.label == "Sign in").click().run()
    assert [e.value for e in at.sidebar.error] == [
        "Wrong name or password (or the user is disabled)."
    ]
    assert acting(at).startswith("acting as anonymous")
    at.sidebar.text_input(key="signin_name").set_value("Edith")
    at.sidebar.text_input(key="signin_password").set_value("edith's password")
    next(b for b in at.sidebar.button if b.label == "Sign in").click().run()
    assert acting(at) == "acting as edith (editor); may add: True"
    assert any("Signed in as **edith** (editor)" in c.value for c in at.sidebar.caption)
    assert at.session_state["signin_password"] == ""  # not kept once used
    next(b for b in at.sidebar.button if b.label == "Sign out").click().run()
    assert acting(at) == "acting as anonymous (viewer); may add: False"
    assert [b.label for b in at.sidebar.button] == ["Sign in"]


def test_a_user_disabled_while_signed_in_can_no_longer_write(ws):
    with_users(ws)
    at = AppTest.from_function(sidebar_script, default_timeout=60)
    at.session_state["auth_user"] = "edith"
    assert acting(at.run()) == "acting as edith (editor); may add: True"
    ws.ledger.users.disable("edith", by=OS)
    assert acting(at.run()) == "acting as anonymous (viewer); may add: False"


def test_a_disabled_user_cannot_sign_in(ws):
    with_users(ws)
    at = AppTest.from_function(sidebar_script, default_timeout=60).run()
    at.sidebar.text_input(key="signin_name").set_value("dora")
    at.sidebar.text_input(key="signin_password").set_value("dora's password")
    next(b for b in at.sidebar.button if b.label == "Sign in").click().run()
    assert at.sidebar.error and acting(at).startswith("acting as anonymous")


@pytest.mark.parametrize(
    "users, local, expected",
    [
        (False, True, ("local (admin)", "Local mode")),
        (False, False, ("anonymous (viewer)", "only the app's own machine writes")),
    ],
)
def test_local_mode_in_the_sidebar(ws, local_client, monkeypatch, users, local, expected):
    monkeypatch.setattr(local_client, "client_is_local", lambda: local)
    at = AppTest.from_function(sidebar_script, default_timeout=60).run()
    who, note = expected
    assert who in acting(at)
    assert any(note in c.value for c in at.sidebar.caption)
    assert not [b for b in at.sidebar.button if b.label == "Sign in"]


@pytest.mark.parametrize(
    "identity, expected, note",
    [
        ({"email": "JDoe@Newsroom.Example"}, "acting as jdoe (editor); may add: True", "jdoe"),
        (
            {"email": "jdoe@newsroom.example", "email_verified": False},
            "acting as anonymous (viewer); may add: False",
            "has no role here",
        ),
        (
            {"email": "stranger@elsewhere.example"},
            "acting as anonymous (viewer); may add: False",
            "has no role here",
        ),
    ],
)
def test_the_identity_providers_email_maps_to_a_users_role(ws, identity, expected, note):
    with_users(ws)
    at = AppTest.from_function(sidebar_script, default_timeout=60)
    at.secrets = PROVIDER
    at.user = {"is_logged_in": True, **identity}
    at.run()
    assert not at.exception
    assert acting(at) == expected
    shown = [c.value for c in at.sidebar.caption] + [w.value for w in at.sidebar.warning]
    assert any(note in s for s in shown)
    assert [b.label for b in at.sidebar.button] == ["Sign out"]


def test_a_configured_provider_offers_its_sign_in_button(ws):
    with_users(ws)
    at = AppTest.from_function(sidebar_script, default_timeout=60)
    at.secrets = PROVIDER
    at.user = {"is_logged_in": False}
    at.run()
    labels = [b.label for b in at.sidebar.button]
    assert labels == ["Sign in with Newsroom", "Sign in"]


def test_without_a_provider_only_the_password_form(ws):
    with_users(ws)
    at = AppTest.from_function(sidebar_script, default_timeout=60).run()
    assert [b.label for b in at.sidebar.button] == ["Sign in"]


PEOPLE = str(ROOT / "pages" / "people.py")


@pytest.mark.parametrize(
    "signed_in, may_manage",
    [("ann", True), ("edith", False), ("vera", False), (None, False)],
)
def test_the_people_page_only_for_admins(ws, signed_in, may_manage):
    with_users(ws)
    at = AppTest.from_file(PEOPLE, default_timeout=60)
    if signed_in:
        at.session_state["auth_user"] = signed_in
    at.run()
    assert not at.exception
    assert any(b.label == "Add" for b in at.button) is may_manage
    if not may_manage:
        assert at.info and "Read only" in at.info[0].value
        assert not at.dataframe  # nobody's email is shown to them


def test_an_admin_adds_changes_and_disables_people(ws):
    with_users(ws)
    at = AppTest.from_file(PEOPLE, default_timeout=60)
    at.session_state["auth_user"] = "ann"
    at.run()
    at.text_input(key="people_name").set_value("Neil")
    at.selectbox(key="people_role").set_value("editor")
    at.text_input(key="people_password").set_value("neil's password")
    next(b for b in at.button if b.label == "Add").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == "Added neil (editor)."
    assert ws.ledger.users.authenticate("neil", "neil's password").role == "editor"
    at.selectbox(key="people_who").set_value("neil")
    at.selectbox[-1].set_value("disable")
    next(b for b in at.button if b.label == "Apply").click().run()
    assert ws.ledger.users.get("neil").disabled
    assert ws.ledger.users.changes("neil")[-1]["changed_by"] == "ann"
    at.selectbox(key="people_who").set_value("ann")
    at.selectbox[-1].set_value("make viewer")
    next(b for b in at.button if b.label == "Apply").click().run()
    assert "last active admin" in at.error[0].value
    assert ws.ledger.users.get("ann").role == "admin"
