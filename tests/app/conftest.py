"""Page tests run the pages in-process with AppTest, which has no browser connection:
by default each test's session counts as a browser on the machine itself (local mode),
as ``streamlit run app.py`` opened on the same machine would. Tests of other clients
set ``client_is_local`` themselves."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def local_client(monkeypatch):
    """AppTest's session is a loopback browser (see ui.auth.client_is_local)."""
    import ui.auth

    monkeypatch.setattr(ui.auth, "client_is_local", lambda: True)
    return ui.auth
