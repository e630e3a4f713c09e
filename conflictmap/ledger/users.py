"""People and roles: who may read, who may write, and who is writing.

Viewers read; editors add, correct and retract claims (and undo a batch); admins may
also import assessments and manage users. Users live in the database with an argon2
password hash (salted by argon2-cffi) or, for a newsroom with an identity provider,
the email the provider vouches for. Nobody is deleted: a user is disabled, and every
change to a user is kept in ``user_changes``.

Every write names its author, a string:

- a user's name (``alice``): the user's role decides;
- ``os:NAME``: the command line, run by that operating-system user (an admin);
- ``system`` or ``system:WHAT``: the app itself (seeding the curated claims);
- ``local``: a browser on the machine itself while no user exists (local mode); once
  the first user exists, ``local`` may write nothing.

:func:`require` is the one check; the ledger calls it before every write, so a hidden
button is never the only thing that keeps a visitor out.
"""

from __future__ import annotations

import getpass
import re
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from . import schema

ROLES = ("viewer", "editor", "admin")

# Each action and the roles that may do it.
ACTIONS: dict[str, frozenset[str]] = {
    "read": frozenset(ROLES),
    "add": frozenset({"editor", "admin"}),
    "correct": frozenset({"editor", "admin"}),
    "retract": frozenset({"editor", "admin"}),
    "undo": frozenset({"editor", "admin"}),
    "assess": frozenset({"admin"}),
    "manage_users": frozenset({"admin"}),
}
ACTION_WORDS = {
    "read": "read the ledger",
    "add": "add claims",
    "correct": "correct claims",
    "retract": "retract claims",
    "undo": "undo a batch",
    "assess": "import assessments",
    "manage_users": "manage users",
}

LOCAL = "local"
ANONYMOUS = "anonymous"
SYSTEM = "system"
TRUSTED_PREFIXES = ("os:", "system:")
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
EMAIL_PATTERN = re.compile(r"[^@\s]{1,200}@[^@\s]{1,100}")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
MAX_FAILURES = 5
LOCKOUT_SECONDS = 60.0

_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("not anyone's password")


class UserError(ValueError):
    """A user could not be added or changed; the message says why."""


class NotAllowed(PermissionError):
    """The author may not do this; the message names who, what, and who may."""


class TooManyAttempts(NotAllowed):
    """Too many failed sign-ins for one name in a short time."""


@dataclass(frozen=True)
class Actor:
    """Who is acting: ``author`` is what every write records, ``role`` what they may do."""

    author: str
    role: str

    def can(self, action: str) -> bool:
        """True when this actor's role allows ``action``."""
        return can(self.role, action)


@dataclass(frozen=True)
class User:
    """One row of the users table."""

    name: str
    role: str
    email: str | None
    disabled: bool
    has_password: bool
    created_at: datetime
    created_by: str

    @property
    def actor(self) -> Actor:
        """This user as an actor (a disabled user is a viewer)."""
        return Actor(self.name, "viewer" if self.disabled else self.role)


def can(role: str, action: str) -> bool:
    """True when ``role`` may do ``action``; an unknown action or role may do nothing.

    >>> can("editor", "add"), can("editor", "assess"), can("viewer", "read")
    (True, False, True)
    """
    return role in ACTIONS.get(action, frozenset())


def require(actor: Actor, action: str) -> Actor:
    """Return ``actor`` if it may do ``action``; raise :class:`NotAllowed` otherwise."""
    if action not in ACTIONS:
        raise NotAllowed(f"unknown action {action!r}")
    if not actor.can(action):
        allowed = " and ".join(f"{r}s" for r in ROLES if r in ACTIONS[action])
        raise NotAllowed(
            f"{actor.author} ({actor.role}) may not {ACTION_WORDS[action]}: only {allowed} may"
        )
    return actor


def os_author() -> str:
    """The author the command line writes as: ``os:`` and the operating-system user."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return f"os:{name}"


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` with a fresh random salt (argon2-cffi)."""
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``; False for a mismatch or a bad hash."""
    if not stored_hash:
        return False
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_name(name: str) -> str:
    """The user name in lower case, or :class:`UserError` naming what is wrong."""
    clean = (name or "").strip().lower()
    if clean in (LOCAL, ANONYMOUS, SYSTEM):
        raise UserError(f"user name {clean!r} is reserved")
    if not NAME_PATTERN.fullmatch(clean):
        raise UserError(
            f"user name {name!r}: 1 to 64 letters, digits, '.', '_', '-' or '@', "
            "starting with a letter or digit"
        )
    return clean


def check_role(role: str) -> str:
    """The role, or :class:`UserError` listing the roles."""
    if role not in ROLES:
        raise UserError(f"role {role!r}: choose one of {', '.join(ROLES)}")
    return role


def check_password(password: str, name: str = "") -> str:
    """The password, or :class:`UserError` saying why it is refused."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise UserError(f"password: at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"password: at most {MAX_PASSWORD} characters")
    if name and password.strip().lower() == name.lower():
        raise UserError("password: must not be the user name")
    return password


def check_email(email: str | None) -> str | None:
    """The email in lower case (None when empty), or :class:`UserError`."""
    clean = (email or "").strip().lower()
    if not clean:
        return None
    if not EMAIL_PATTERN.fullmatch(clean):
        raise UserError(f"email {email!r} is not an email address")
    return clean


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _user_from_row(row) -> User:
    m = row._mapping
    return User(
        name=m["name"],
        role=m["role"],
        email=m["email"],
        disabled=bool(m["disabled"]),
        has_password=bool(m["password_hash"]),
        created_at=m["created_at"],
        created_by=m["created_by"],
    )


class _Throttle:
    """Failed sign-ins per name: after MAX_FAILURES, refuse for LOCKOUT_SECONDS."""

    def __init__(self):
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def check(self, name: str) -> None:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._failures.get(name, []) if now - t < LOCKOUT_SECONDS]
            self._failures[name] = recent
        if len(recent) >= MAX_FAILURES:
            wait = int(LOCKOUT_SECONDS - (now - recent[0])) + 1
            raise TooManyAttempts(
                f"too many failed sign-ins for {name!r}: try again in {wait} seconds"
            )

    def failed(self, name: str) -> None:
        with self._lock:
            self._failures.setdefault(name, []).append(time.monotonic())

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)


_THROTTLE = _Throttle()


class Users:
    """The users table: add, list, change role, disable; sign-in; who an author is."""

    def __init__(self, engine: Engine):
        self.engine = engine

    # -- reading -----------------------------------------------------------------
    def list(self) -> list[User]:
        """Every user, disabled ones included, by name."""
        t = schema.users
        with self.engine.connect() as conn:
            return [_user_from_row(r) for r in conn.execute(select(t).order_by(t.c.name))]

    def get(self, name: str) -> User | None:
        """The user of that name (any case), or None."""
        t = schema.users
        with self.engine.connect() as conn:
            row = conn.execute(select(t).where(t.c.name == (name or "").strip().lower())).first()
        return _user_from_row(row) if row else None

    def by_email(self, email: str) -> User | None:
        """The user with that email (any case), or None."""
        t = schema.users
        clean = (email or "").strip().lower()
        if not clean:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(t).where(t.c.email == clean)).first()
        return _user_from_row(row) if row else None

    def count(self) -> int:
        """How many users exist, disabled ones included (0 means local mode)."""
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(schema.users)))

    def local_mode(self) -> bool:
        """True until the first user exists."""
        return self.count() == 0

    def changes(self, name: str | None = None) -> list[dict]:
        """The change log of users (one user's if ``name``), oldest first."""
        t = schema.user_changes
        q = select(t).order_by(t.c.id)
        if name:
            q = q.where(t.c.name == name.strip().lower())
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    # -- who is acting -----------------------------------------------------------
    def actor(self, author: str) -> Actor:
        """The actor an author string stands for; :class:`NotAllowed` if it stands for
        no one who may act (an unknown or disabled user, ``local`` once users exist)."""
        author = (author or "").strip()
        if author == SYSTEM or (author.startswith(TRUSTED_PREFIXES) and len(author) > 4):
            return Actor(author, "admin")
        if author == LOCAL:
            if not self.local_mode():
                raise NotAllowed(
                    "this ledger has users now: sign in as an editor to write "
                    "(local mode ends when the first user is added)"
                )
            return Actor(LOCAL, "admin")
        user = self.get(author) if author else None
        if user is None:
            raise NotAllowed(f"{author or 'nobody'!r} is not a user: sign in to write")
        if user.disabled:
            raise NotAllowed(f"user {user.name!r} is disabled")
        return user.actor

    def require(self, author: str, action: str) -> Actor:
        """The author's actor if it may do ``action``; :class:`NotAllowed` otherwise."""
        return require(self.actor(author), action)

    def authenticate(self, name: str, password: str) -> User | None:
        """The active user whose name and password these are, else None.

        Unknown names cost as much time as wrong passwords; after
        MAX_FAILURES failures in LOCKOUT_SECONDS a name is refused with
        :class:`TooManyAttempts` for the rest of that time.
        """
        key = (name or "").strip().lower()
        _THROTTLE.check(key)
        t = schema.users
        with self.engine.connect() as conn:
            row = conn.execute(select(t).where(t.c.name == key)).first()
        stored = row._mapping["password_hash"] if row else ""
        ok = verify_password(stored or _DUMMY_HASH, password or "")
        if not ok or row is None or not stored or row._mapping["disabled"]:
            _THROTTLE.failed(key)
            return None
        _THROTTLE.succeeded(key)
        if _HASHER.check_needs_rehash(stored):
            with self.engine.begin() as conn:
                conn.execute(
                    update(t).where(t.c.name == key).values(password_hash=hash_password(password))
                )
        return _user_from_row(row)

    # -- writing -----------------------------------------------------------------
    def add(
        self,
        name: str,
        role: str,
        *,
        password: str | None = None,
        email: str | None = None,
        by: str,
    ) -> User:
        """Add a user. ``by`` must be an admin, except for the very first user, whom the
        command line (``os:``) or a local-mode browser may add."""
        self._require_admin(by)
        name, role, email = check_name(name), check_role(role), check_email(email)
        if password is None and email is None:
            raise UserError("give a password, or an email for signing in through the provider")
        digest = hash_password(check_password(password, name)) if password is not None else ""
        now = _now()
        t = schema.users
        try:
            with self.engine.begin() as conn:
                if conn.scalar(select(t.c.name).where(t.c.name == name)):
                    raise UserError(f"user {name!r} exists already")
                if email and conn.scalar(select(t.c.name).where(t.c.email == email)):
                    raise UserError(f"email {email!r} belongs to another user")
                conn.execute(
                    insert(t),
                    [
                        {
                            "name": name,
                            "role": role,
                            "password_hash": digest,
                            "email": email,
                            "disabled": False,
                            "created_at": now,
                            "created_by": by,
                        }
                    ],
                )
                self._log(conn, name, "created", role, by, now)
        except IntegrityError:
            raise UserError(f"user {name!r} or email {email!r} exists already") from None
        return self.get(name)

    def set_role(self, name: str, role: str, *, by: str) -> User:
        """Give a user another role."""
        return self._change(name, "role", {"role": check_role(role)}, role, by)

    def set_password(self, name: str, password: str, *, by: str) -> User:
        """Give a user a new password (the old hash is replaced; the change is logged)."""
        user = self._existing(name)
        digest = hash_password(check_password(password, user.name))
        return self._change(name, "password", {"password_hash": digest}, "", by)

    def disable(self, name: str, *, by: str) -> User:
        """Disable a user: they can no longer sign in or write; their history stays."""
        return self._change(name, "disabled", {"disabled": True}, "", by)

    def enable(self, name: str, *, by: str) -> User:
        """Enable a disabled user again."""
        return self._change(name, "enabled", {"disabled": False}, "", by)

    def _existing(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            raise UserError(f"no user called {name!r}")
        return user

    def _require_admin(self, by: str) -> None:
        require(self.actor(by), "manage_users")

    def _change(self, name: str, change: str, values: dict, shown: str, by: str) -> User:
        self._require_admin(by)
        user = self._existing(name)
        if change == "role" and user.role == values["role"]:
            return user
        if not by.startswith(TRUSTED_PREFIXES):  # the command line may always repair
            self._refuse_removing_last_admin(user, change, values)
        now = _now()
        t = schema.users
        with self.engine.begin() as conn:
            conn.execute(update(t).where(t.c.name == user.name).values(**values))
            self._log(conn, user.name, change, shown, by, now)
        return self.get(user.name)

    def _refuse_removing_last_admin(self, user: User, change: str, values: dict) -> None:
        losing = user.role == "admin" and not user.disabled
        losing &= change == "disabled" or (change == "role" and values["role"] != "admin")
        if not losing:
            return
        admins = [u for u in self.list() if u.role == "admin" and not u.disabled]
        if len(admins) <= 1:
            raise UserError(
                f"{user.name!r} is the last active admin: make another admin first "
                "(`conflictmap users add NAME --role admin`)"
            )

    @staticmethod
    def _log(conn, name: str, change: str, value: str, by: str, when: datetime) -> None:
        conn.execute(
            insert(schema.user_changes),
            [
                {
                    "name": name,
                    "change": change,
                    "value": value,
                    "changed_by": by,
                    "changed_at": when,
                }
            ],
        )
