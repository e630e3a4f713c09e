"""Who is using the app, and what they may do: the one place pages ask.

- ``current_actor()``: the signed-in user (through the identity provider with
  ``st.login``, or with a name and password from the users table), the local editor
  in local mode, else an anonymous viewer;
- ``current_author()``: the author string every write passes to the ledger;
- ``can(action)``: whether to show a write control (the ledger checks again);
- ``sidebar()``: the sign-in box (app.py shows it on every page).

Local mode lasts until the first user exists: a browser on the machine itself (a
loopback connection to a loopback host name, with no proxy headers) may then write, as
``local``; anyone else reads. A password sign-in lasts for the browser tab's session.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Mapping

import streamlit as st

from conflictmap.ledger import (
    ACTION_WORDS,
    ACTIONS,
    ANONYMOUS,
    LOCAL,
    ROLES,
    Actor,
    NotAllowed,
    TooManyAttempts,
    Users,
    require,
)

from . import data

SESSION_USER = "auth_user"  # session-state key of the password-signed-in user's name
FORWARDING_HEADERS = ("x-forwarded-for", "x-forwarded-host", "forwarded", "x-real-ip")
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}

_log = logging.getLogger(__name__)


def _users() -> Users:
    return data.workspace().ledger.users


def _host_is_loopback(host: str) -> bool:
    name = host.strip().lower()
    if name.startswith("["):
        name = name[1 : name.find("]")] if "]" in name else name[1:]
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_local_client(headers: Mapping[str, str], ip: str | None) -> bool:
    """True when a connection with these request headers and peer address (Streamlit
    reports a loopback peer as None) comes from the machine itself.

    The Host header must be a loopback name (not a rebound DNS name), and no proxy
    header may be present (behind a reverse proxy every visitor would look local).
    Without headers there is no browser connection at all.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    if not lowered:
        return False
    if any(h in lowered for h in FORWARDING_HEADERS):
        return False
    if not _host_is_loopback(lowered.get("host", "")):
        return False
    if ip is None:
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def client_is_local() -> bool:
    """True when this browser session comes from the machine itself (see
    :func:`is_local_client`)."""
    return is_local_client(st.context.headers, st.context.ip_address)


def identity_providers() -> list[tuple[str | None, str]]:
    """The identity providers configured in ``.streamlit/secrets.toml`` ``[auth]``:
    (provider name for ``st.login``, button label), the unnamed one first."""
    try:
        if not st.secrets.load_if_toml_exists():
            return []
        section = st.secrets.get("auth")
    except (FileNotFoundError, KeyError, OSError):
        return []
    if not isinstance(section, Mapping) or not section.get("redirect_uri"):
        return []
    found: list[tuple[str | None, str]] = []
    if section.get("client_id") and section.get("server_metadata_url"):
        found.append((None, "Sign in with your organisation's account"))
    for name, conf in section.items():
        if isinstance(conf, Mapping) and conf.get("client_id"):
            found.append((name, f"Sign in with {name.replace('-', ' ').title()}"))
    return found


def _oidc_identity() -> dict | None:
    """The identity-provider sign-in of this browser (``st.user``), or None."""
    user = st.user.to_dict()
    return user if user.get("is_logged_in") else None


def current_actor() -> Actor:
    """Who is acting in this browser session (see the module's docstring)."""
    users = _users()
    identity = _oidc_identity()
    if identity is not None:
        verified = identity.get("email_verified", True) is not False
        user = users.by_email(identity.get("email") or "") if verified else None
        if user is not None and not user.disabled:
            return user.actor
        return Actor(ANONYMOUS, "viewer")
    name = st.session_state.get(SESSION_USER)
    if name:
        user = users.get(name)
        if user is not None and not user.disabled:
            return user.actor
        st.session_state.pop(SESSION_USER, None)  # removed or disabled meanwhile
    if users.local_mode() and client_is_local():
        return Actor(LOCAL, "admin")
    return Actor(ANONYMOUS, "viewer")


def current_author() -> str:
    """The author string for a write by this browser session (``ledger`` checks it)."""
    return current_actor().author


def can(action: str) -> bool:
    """True when this session may do ``action`` (``add``, ``correct``, ``retract``,
    ``undo``, ``assess``, ``manage_users``): pages show write controls only then."""
    return current_actor().can(action)


def refusal(action: str) -> str:
    """What to tell someone who may not do ``action`` ("" when they may)."""
    actor = current_actor()
    if actor.can(action):
        return ""
    roles = " or ".join(r for r in ROLES if r in ACTIONS[action])
    if actor.author != ANONYMOUS:
        try:
            require(actor, action)
        except NotAllowed as exc:
            return f"Read only: {exc}."
    if _users().local_mode():
        return (
            "Read only: until the first user exists, only a browser on the app's own "
            "machine may write."
        )
    return f"Read only: sign in (in the sidebar) as {roles} to {ACTION_WORDS[action]}."


def _sign_in(users: Users) -> None:
    name = st.session_state.get("signin_name", "")
    password = st.session_state.get("signin_password", "")
    st.session_state["signin_password"] = ""
    try:
        user = users.authenticate(name, password)
    except TooManyAttempts as exc:
        st.session_state["signin_message"] = str(exc).capitalize()
        return
    if user is None:
        _log.info("failed sign-in for %r", name[:64])
        st.session_state["signin_message"] = "Wrong name or password (or the user is disabled)."
        return
    st.session_state.pop("signin_message", None)
    st.session_state[SESSION_USER] = user.name


def _sign_out() -> None:
    st.session_state.pop(SESSION_USER, None)


def sidebar() -> Actor:
    """The sign-in box at the top of the sidebar; returns who is acting."""
    users = _users()
    actor = current_actor()
    box = st.sidebar.container(key="signin_box")
    identity = _oidc_identity()
    if identity is not None:
        shown = identity.get("email") or identity.get("name") or "you"
        if actor.author == ANONYMOUS:
            box.warning(
                f"Signed in as {shown}, who has no role here: you can read. An admin can "
                f"add you with `conflictmap users add NAME --email EMAIL --role editor`."
            )
        else:
            box.caption(f"Signed in as **{actor.author}** ({actor.role})")
        if box.button("Sign out", key="signout_oidc"):
            st.logout()
        return actor
    if actor.author == LOCAL:
        box.caption(
            "**Local mode**: there are no users yet, so this browser on the app's own "
            "machine may write; everyone else reads. Add the first user "
            "(`conflictmap users add NAME --role admin`) to require signing in."
        )
        return actor
    if actor.author != ANONYMOUS:
        box.caption(f"Signed in as **{actor.author}** ({actor.role})")
        box.button("Sign out", key="signout", on_click=_sign_out)
        return actor
    if users.local_mode():
        box.caption("Read only: until the first user exists, only the app's own machine writes.")
        return actor
    with box.expander("Sign in to edit", expanded=False):
        for provider, label in identity_providers():
            if st.button(label, key=f"signin_provider_{provider or 'default'}"):
                st.login(provider)
        with st.form("signin_form", clear_on_submit=False, border=False):
            st.text_input("User name", key="signin_name", autocomplete="username")
            st.text_input(
                "Password", type="password", key="signin_password", autocomplete="current-password"
            )
            st.form_submit_button("Sign in", on_click=_sign_in, args=(users,))
        message = st.session_state.pop("signin_message", None)
        if message:
            st.error(message)
    return actor
