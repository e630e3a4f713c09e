"""People and roles (conflictmap.ledger.users): password hashes, roles x actions, the
users table on both engines, who an author is, and the ledger refusing writes."""

from __future__ import annotations

from datetime import date

import pytest
import shapely

from conflictmap.assessment.layers import stored_assessment
from conflictmap.ledger import (
    ACTIONS,
    ROLES,
    Actor,
    Ledger,
    NotAllowed,
    TooManyAttempts,
    UserError,
    Users,
    can,
    hash_password,
    os_author,
    require,
    verify_password,
)
from conflictmap.ledger import users as users_module

OS = "os:tester"
RECORD = {
    "place": "Toretsk",
    "claimant": "RU",
    "controller": "RU",
    "claim_date": "2025-11-30",
    "source_publisher": "Example Wire",
    "oblast": "Donetsk",
}


@pytest.fixture(autouse=True)
def _fast(fast_password_hashes):
    """Light argon2 parameters for these tables (see tests/conftest.py)."""


def test_production_hashes_use_argon2_cffis_default_profile():
    from argon2 import PasswordHasher

    default = PasswordHasher()  # made at import time, before any test swapped the hasher
    assert users_module._DUMMY_HASH.startswith(
        f"$argon2id$v=19$m={default.memory_cost},t={default.time_cost},"
    )


# -- passwords -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "password, attempt, expected",
    [
        ("correct horse battery", "correct horse battery", True),
        ("correct horse battery", "correct horse batterY", False),
        ("correct horse battery", "correct horse battery ", False),
        ("correct horse battery", "", False),
        ("pässwörd-ünïcode", "pässwörd-ünïcode", True),
        ("pässwörd-ünïcode", "passwort-unicode", False),
        ("x" * 1024, "x" * 1024, True),
        ("x" * 1024, "x" * 1023, False),
    ],
)
def test_verify_password(password, attempt, expected):
    assert verify_password(hash_password(password), attempt) is expected


def test_hashes_are_argon2id_and_salted():
    first, second = hash_password("same password"), hash_password("same password")
    assert first.startswith("$argon2id$") and second.startswith("$argon2id$")
    assert first != second  # a fresh salt each time
    assert "same password" not in first


@pytest.mark.parametrize(
    "stored",
    ["", "not a hash", "$argon2id$v=19$m=65536,t=3,p=4$broken", "$2b$12$notbcrypteither"],
)
def test_a_bad_or_empty_hash_verifies_nothing(stored):
    assert verify_password(stored, "anything") is False


# -- roles x actions ------------------------------------------------------------------
ALLOWED = {
    "viewer": {"read"},
    "editor": {"read", "add", "correct", "retract", "undo"},
    "admin": {"read", "add", "correct", "retract", "undo", "assess", "manage_users"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_roles_and_actions(role, action):
    expected = action in ALLOWED[role]
    assert can(role, action) is expected
    actor = Actor("someone", role)
    if expected:
        assert require(actor, action) is actor
    else:
        with pytest.raises(NotAllowed, match=f"someone \\({role}\\) may not"):
            require(actor, action)


@pytest.mark.parametrize(
    "role, action", [("superuser", "add"), ("", "read"), ("admin", "delete"), ("admin", "")]
)
def test_unknown_roles_and_actions_may_do_nothing(role, action):
    assert can(role, action) is False
    with pytest.raises(NotAllowed):
        require(Actor("x", role), action)


# -- validation -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, expected",
    [
        ("alice", "alice"),
        ("  Alice ", "alice"),
        ("j.doe-2@newsroom", "j.doe-2@newsroom"),
        ("os:alice", None),
        ("system:seed", None),
        ("system", None),
        ("local", None),
        ("anonymous", None),
        ("", None),
        ("a b", None),
        ("<script>", None),
        ("-alice", None),
        ("a" * 65, None),
    ],
)
def test_user_names(name, expected):
    if expected is None:
        with pytest.raises(UserError, match="user name"):
            users_module.check_name(name)
    else:
        assert users_module.check_name(name) == expected


@pytest.mark.parametrize(
    "password, name, message",
    [
        ("short", "alice", "at least 8"),
        ("", "alice", "at least 8"),
        ("x" * 1025, "alice", "at most 1024"),
        ("alice123", "alice123", "not be the user name"),
        ("long enough", "alice", None),
    ],
)
def test_passwords_are_checked(password, name, message):
    if message is None:
        assert users_module.check_password(password, name) == password
    else:
        with pytest.raises(UserError, match=message):
            users_module.check_password(password, name)


# -- the users table ------------------------------------------------------------------
@pytest.fixture
def users(any_db_url, gazetteer) -> Users:
    return Ledger(any_db_url, gazetteer=gazetteer, seed_file=None).users


def test_add_list_role_disable_enable_with_a_change_log(users):
    assert users.local_mode() and users.list() == []
    users.add("Alice", "admin", password="alice's password", by=OS)
    users.add("bob", "viewer", email="Bob@Newsroom.Example", password=None, by="alice")
    assert [(u.name, u.role, u.email, u.disabled) for u in users.list()] == [
        ("alice", "admin", None, False),
        ("bob", "viewer", "bob@newsroom.example", False),
    ]
    assert not users.local_mode()
    assert users.set_role("bob", "editor", by="alice").role == "editor"
    assert users.disable("bob", by="alice").disabled is True
    assert users.enable("bob", by=OS).disabled is False
    assert users.by_email("BOB@newsroom.example").name == "bob"
    log = [(c["name"], c["change"], c["value"], c["changed_by"]) for c in users.changes()]
    assert log == [
        ("alice", "created", "admin", OS),
        ("bob", "created", "viewer", "alice"),
        ("bob", "role", "editor", "alice"),
        ("bob", "disabled", "", "alice"),
        ("bob", "enabled", "", OS),
    ]


@pytest.mark.parametrize(
    "name, role, kwargs, message",
    [
        ("alice", "editor", {"password": "another password"}, "exists already"),
        ("ALICE", "editor", {"password": "another password"}, "exists already"),
        ("carol", "boss", {"password": "a fine password"}, "role 'boss'"),
        ("carol", "editor", {}, "give a password, or an email"),
        ("carol", "editor", {"password": "short"}, "at least 8"),
        ("carol", "editor", {"email": "alice@newsroom.example"}, "belongs to another user"),
        ("carol", "editor", {"email": "not-an-email"}, "not an email"),
        ("os:carol", "editor", {"password": "a fine password"}, "user name"),
    ],
)
def test_bad_users_are_refused_and_nothing_is_written(users, name, role, kwargs, message):
    users.add("alice", "admin", password="alice's password", email="alice@newsroom.example", by=OS)
    with pytest.raises(UserError, match=message):
        users.add(name, role, by="alice", **kwargs)
    assert [u.name for u in users.list()] == ["alice"]
    assert len(users.changes()) == 1


@pytest.mark.parametrize(
    "by, allowed",
    [
        (OS, True),
        ("alice", True),  # an admin
        ("edith", False),  # an editor
        ("vera", False),  # a viewer
        ("local", False),  # local mode has ended
        ("anonymous", False),
        ("nobody", False),
    ],
)
def test_only_admins_manage_users(users, by, allowed):
    users.add("alice", "admin", password="alice's password", by=OS)
    users.add("edith", "editor", password="edith's password", by=OS)
    users.add("vera", "viewer", password="vera's password", by=OS)
    if allowed:
        assert users.set_role("vera", "editor", by=by).role == "editor"
    else:
        with pytest.raises(NotAllowed):
            users.set_role("vera", "editor", by=by)
        assert users.get("vera").role == "viewer"


def test_the_first_user_may_be_added_by_a_local_browser(users):
    assert users.add("alice", "admin", password="alice's password", by="local").name == "alice"
    with pytest.raises(NotAllowed, match="has users now"):
        users.add("bob", "editor", password="bob's password", by="local")


@pytest.mark.parametrize(
    "change",
    [
        lambda u: u.disable("alice", by="alice"),
        lambda u: u.set_role("alice", "editor", by="alice"),
    ],
)
def test_the_last_admin_stays_unless_the_command_line_says_so(users, change):
    users.add("alice", "admin", password="alice's password", by=OS)
    with pytest.raises(UserError, match="last active admin"):
        change(users)
    assert users.get("alice").role == "admin" and not users.get("alice").disabled
    users.add("ann", "admin", password="ann's password", by=OS)
    change(users)  # another admin exists now
    assert users.get("ann").role == "admin"


@pytest.mark.parametrize(
    "name, password, expected",
    [
        ("alice", "alice's password", "alice"),
        ("ALICE ", "alice's password", "alice"),
        ("alice", "Alice's password", None),
        ("alice", "", None),
        ("nobody", "alice's password", None),
        ("dora", "dora's password", None),  # disabled
        ("oidc", "", None),  # signs in only through the provider
        ("oidc", "anything at all", None),
    ],
)
def test_authenticate(users, name, password, expected):
    users.add("alice", "editor", password="alice's password", by=OS)
    users.add("dora", "editor", password="dora's password", by=OS)
    users.add("oidc", "editor", email="oidc@newsroom.example", by=OS)
    users.disable("dora", by=OS)
    user = users.authenticate(name, password)
    assert (user.name if user else None) == expected


def test_repeated_failures_lock_a_name_for_a_while(users, monkeypatch):
    monkeypatch.setattr(users_module, "_THROTTLE", users_module._Throttle())
    users.add("alice", "editor", password="alice's password", by=OS)
    for _ in range(users_module.MAX_FAILURES):
        assert users.authenticate("alice", "guess") is None
    with pytest.raises(TooManyAttempts, match="try again in"):
        users.authenticate("alice", "alice's password")
    assert users.authenticate("bob", "guess") is None  # other names are not locked


# -- who an author is -----------------------------------------------------------------
@pytest.mark.parametrize(
    "author, local_mode, expected",
    [
        ("os:alice", True, ("os:alice", "admin")),
        ("os:alice", False, ("os:alice", "admin")),
        ("system:seed", False, ("system:seed", "admin")),
        ("system", False, ("system", "admin")),
        ("local", True, ("local", "admin")),
        ("local", False, "has users now"),
        ("edith", False, ("edith", "editor")),
        ("EDITH", False, ("edith", "editor")),
        ("vera", False, ("vera", "viewer")),
        ("dora", False, "disabled"),
        ("anonymous", False, "not a user"),
        ("anonymous", True, "not a user"),
        ("", True, "not a user"),
        ("os:", False, "not a user"),
    ],
)
def test_actor_of_an_author(users, author, local_mode, expected):
    if not local_mode:
        users.add("edith", "editor", password="edith's password", by=OS)
        users.add("vera", "viewer", password="vera's password", by=OS)
        users.add("dora", "editor", password="dora's password", by=OS)
        users.disable("dora", by=OS)
    if isinstance(expected, tuple):
        actor = users.actor(author)
        assert (actor.author, actor.role) == expected
    else:
        with pytest.raises(NotAllowed, match=expected):
            users.actor(author)


def test_os_author_names_the_operating_system_user():
    assert os_author().startswith("os:") and len(os_author()) > 3


# -- the ledger refuses --------------------------------------------------------------
@pytest.fixture
def ledger(any_db_url, gazetteer) -> Ledger:
    ledger = Ledger(any_db_url, gazetteer=gazetteer, seed_file=None)
    ledger.users.add("edith", "editor", password="edith's password", by=OS)
    ledger.users.add("vera", "viewer", password="vera's password", by=OS)
    ledger.users.add("ann", "admin", password="ann's password", by=OS)
    ledger.users.add("dora", "editor", password="dora's password", by=OS)
    ledger.users.disable("dora", by=OS)
    return ledger


@pytest.mark.parametrize(
    "author, may_add, may_assess",
    [
        ("edith", True, False),
        ("ann", True, True),
        ("os:tester", True, True),
        ("vera", False, False),
        ("dora", False, False),
        ("local", False, False),
        ("anonymous", False, False),
        ("mallory", False, False),
    ],
)
def test_the_ledger_refuses_writes_by_those_not_allowed(ledger, author, may_add, may_assess):
    if may_add:
        assert len(ledger.import_records([RECORD], author=author).added) == 1
    else:
        with pytest.raises(NotAllowed):
            ledger.import_records([RECORD], author=author)
        assert ledger.count() == 0
    item = stored_assessment(date(2025, 12, 2), "occupied", shapely.box(37, 48, 37.1, 48.1))
    if may_assess:
        assert ledger.add_assessments([item], author=author) == 1
    else:
        with pytest.raises(NotAllowed):
            ledger.add_assessments([item], author=author)
        assert ledger.assessments() == []


def test_local_mode_writes_until_the_first_user(any_db_url, gazetteer):
    ledger = Ledger(any_db_url, gazetteer=gazetteer, seed_file=None)
    assert len(ledger.import_records([RECORD], author="local").added) == 1
    ledger.users.add("edith", "editor", password="edith's password", by="local")
    with pytest.raises(NotAllowed, match="sign in"):
        ledger.import_records([dict(RECORD, claim_date="2025-12-01")], author="local")
    assert ledger.count() == 1
