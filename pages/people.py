"""People: who may sign in and what they may do. Admins add users, change roles and
disable users (nobody is deleted); everyone else sees why they cannot."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from conflictmap.ledger import ROLES, NotAllowed, UserError
from ui import auth, data

st.title("People")
st.caption(
    "Viewers read; editors add, correct and retract claims; admins also import "
    "assessments and manage people. Nobody is deleted: a disabled user can no longer "
    "sign in or write, and everything they wrote keeps their name."
)

users = data.workspace().ledger.users
if not auth.can("manage_users"):
    st.info(auth.refusal("manage_users"))
    st.stop()

message = st.session_state.pop("people_message", None)
if message:
    st.success(message)
rows = users.list()
if rows:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "name": u.name,
                    "role": u.role,
                    "state": "disabled" if u.disabled else "active",
                    "email": u.email or "",
                    "sign-in": "password" if u.has_password else "identity provider",
                    "added": u.created_at.strftime("%Y-%m-%d %H:%M"),
                    "added by": u.created_by,
                }
                for u in rows
            ]
        ),
        hide_index=True,
    )
else:
    st.info("No users yet: the app is in local mode. The first user you add ends it.")

st.subheader("Add someone")
with st.form("people_add", clear_on_submit=True):
    c1, c2 = st.columns(2)
    name = c1.text_input("User name", key="people_name")
    role = c2.selectbox("Role", ROLES, index=1, key="people_role")
    c3, c4 = st.columns(2)
    email = c3.text_input("Email (for the identity provider's sign-in)", key="people_email")
    password = c4.text_input(
        "Password (empty: identity provider only)",
        type="password",
        key="people_password",
        autocomplete="new-password",
    )
    add = st.form_submit_button("Add")
if add:
    try:
        user = users.add(
            name, role, password=password or None, email=email, by=auth.current_author()
        )
    except (UserError, NotAllowed) as exc:
        st.error(str(exc))
    else:
        st.session_state["people_message"] = f"Added {user.name} ({user.role})."
        st.rerun()

if rows:
    st.subheader("Change a role, or disable")
    with st.form("people_change"):
        c1, c2, c3 = st.columns(3)
        who = c1.selectbox("User", [u.name for u in rows], key="people_who")
        action = c2.selectbox(
            "Change", ["make viewer", "make editor", "make admin", "disable", "enable"]
        )
        go = c3.form_submit_button("Apply")
    if go:
        by = auth.current_author()
        try:
            if action.startswith("make "):
                users.set_role(who, action.removeprefix("make "), by=by)
            elif action == "disable":
                users.disable(who, by=by)
            else:
                users.enable(who, by=by)
        except (UserError, NotAllowed) as exc:
            st.error(str(exc))
        else:
            st.session_state["people_message"] = f"{who}: {action}."
            st.rerun()
