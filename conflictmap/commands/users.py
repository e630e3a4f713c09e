"""User commands: users add, list, role, password, disable, enable.

The command line acts as the operating-system user (``os:NAME``), who may manage users.
Passwords are read from a prompt, or from standard input with ``--password-stdin``;
never from the command line itself (it would show in ``ps`` and the shell's history).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from ..ledger import ROLES, UserError, os_author


def register(sub: argparse._SubParsersAction) -> None:
    """Add the users commands to the parser."""
    users = sub.add_parser("users", help="people who may sign in, and their roles")
    usub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")

    p = usub.add_parser("add", help="add a user (password from a prompt or --password-stdin)")
    p.add_argument("name")
    p.add_argument("--role", choices=ROLES, required=True)
    p.add_argument("--email", help="the email the identity provider gives (for st.login)")
    how = p.add_mutually_exclusive_group()
    how.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    how.add_argument(
        "--no-password",
        action="store_true",
        help="signs in only through the identity provider (needs --email)",
    )
    p.set_defaults(func=cmd_users_add)

    p = usub.add_parser("list", help="every user with role, email and state")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_users_list)

    p = usub.add_parser("role", help="give a user another role")
    p.add_argument("name")
    p.add_argument("role", choices=ROLES)
    p.set_defaults(func=cmd_users_role)

    p = usub.add_parser("password", help="set a user's password (prompt or --password-stdin)")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(func=cmd_users_password)

    p = usub.add_parser("disable", help="disable a user (never deleted: history names them)")
    p.add_argument("name")
    p.set_defaults(func=cmd_users_disable)

    p = usub.add_parser("enable", help="enable a disabled user again")
    p.add_argument("name")
    p.set_defaults(func=cmd_users_enable)


def _users(args):
    """The users table of the ledger (no gazetteer, no seeding: quick)."""
    from ..ledger import Ledger

    return Ledger(args.db, seed_file=None).users


def read_password(from_stdin: bool) -> str:
    """The new password: one line of standard input, or typed twice at a prompt."""
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    if not sys.stdin.isatty():
        raise UserError("no terminal to prompt for the password: use --password-stdin")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise UserError("the two passwords differ")
    return first


def cmd_users_add(args) -> int:
    if args.no_password and not args.email:
        raise UserError("--no-password needs --email (the identity provider's email)")
    password = None if args.no_password else read_password(args.password_stdin)
    user = _users(args).add(
        args.name, args.role, password=password, email=args.email, by=os_author()
    )
    print(f"added {user.name} ({user.role})")
    return 0


def cmd_users_list(args) -> int:
    users = _users(args).list()
    rows = [
        {
            "name": u.name,
            "role": u.role,
            "email": u.email or "",
            "state": "disabled" if u.disabled else "active",
            "password": u.has_password,
            "created_at": u.created_at.isoformat(timespec="seconds"),
            "created_by": u.created_by,
        }
        for u in users
    ]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print("no users: the app is in local mode (only a browser on this machine may write)")
        return 0
    for r in rows:
        print(
            f"{r['name']}\t{r['role']}\t{r['state']}\t{r['email'] or '-'}\t"
            f"added {r['created_at']} by {r['created_by']}"
        )
    return 0


def cmd_users_role(args) -> int:
    user = _users(args).set_role(args.name, args.role, by=os_author())
    print(f"{user.name} is now {user.role}")
    return 0


def cmd_users_password(args) -> int:
    users = _users(args)
    if users.get(args.name) is None:
        raise UserError(f"no user called {args.name!r}")
    user = users.set_password(args.name, read_password(args.password_stdin), by=os_author())
    print(f"new password set for {user.name}")
    return 0


def cmd_users_disable(args) -> int:
    user = _users(args).disable(args.name, by=os_author())
    print(f"{user.name} is disabled (kept, with their history)")
    return 0


def cmd_users_enable(args) -> int:
    user = _users(args).enable(args.name, by=os_author())
    print(f"{user.name} is enabled")
    return 0
