"""python -m conflictmap users ...: add (password from stdin or a prompt, never argv),
list, role, password, disable, enable; the command line writes as the OS user."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from conflictmap.cli import main
from conflictmap.ledger import Ledger, os_author
from conflictmap.paths import ROOT


@pytest.fixture
def run(db_url, capsys, monkeypatch, fast_password_hashes):
    def _run(*argv, stdin=""):
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(["--db", db_url, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def users(db_url, gazetteer):
    return lambda: Ledger(db_url, gazetteer=gazetteer, seed_file=None).users


def test_add_list_role_disable(run, users):
    code, out, _ = run(
        "users", "add", "Alice", "--role", "editor", "--password-stdin", stdin="alice's secret\n"
    )
    assert (code, out.strip()) == (0, "added alice (editor)")
    assert users().authenticate("alice", "alice's secret").name == "alice"
    assert run("users", "role", "alice", "admin")[0] == 0
    code, out, _ = run("users", "list", "--format", "json")
    (row,) = json.loads(out)
    assert (row["name"], row["role"], row["state"], row["created_by"]) == (
        "alice",
        "admin",
        "active",
        os_author(),
    )
    assert run("users", "disable", "alice")[0] == 0
    code, out, _ = run("users", "list")
    assert code == 0 and out.startswith("alice\tadmin\tdisabled")
    assert users().authenticate("alice", "alice's secret") is None
    assert run("users", "enable", "alice")[0] == 0
    assert run("users", "password", "alice", "--password-stdin", stdin="a newer secret\n")[0] == 0
    assert users().authenticate("alice", "a newer secret").name == "alice"
    changes = [c["change"] for c in users().changes("alice")]
    assert changes == ["created", "role", "disabled", "enabled", "password"]


@pytest.mark.parametrize(
    "argv, stdin, message",
    [
        (["users", "add", "bob", "--role", "editor"], "", "use --password-stdin"),
        (["users", "add", "bob", "--role", "editor", "--password-stdin"], "short\n", "at least 8"),
        (
            ["users", "add", "os:bob", "--role", "editor", "--password-stdin"],
            "long enough\n",
            "user name",
        ),
        (["users", "add", "bob", "--role", "editor", "--no-password"], "", "needs --email"),
        (["users", "role", "nobody", "editor"], "", "no user called 'nobody'"),
        (["users", "disable", "nobody"], "", "no user called 'nobody'"),
        (["users", "password", "nobody", "--password-stdin"], "long enough\n", "no user called"),
    ],
)
def test_bad_user_commands_say_why_and_write_nothing(run, users, argv, stdin, message):
    code, _, err = run(*argv, stdin=stdin)
    assert code == 2 and message in err and "Traceback" not in err
    assert users().list() == []


@pytest.mark.parametrize(
    "argv",
    [
        ["users", "add", "bob", "--role", "editor", "--password", "in plain sight"],
        ["users", "add", "bob", "in plain sight", "--role", "editor"],
        ["users", "add", "bob", "--role", "owner", "--password-stdin"],
    ],
)
def test_a_password_is_never_taken_from_the_command_line(run, users, argv, capsys):
    with pytest.raises(SystemExit) as exc:
        run(*argv, stdin="long enough\n")
    assert exc.value.code == 2
    assert users().list() == []


def test_a_user_for_the_identity_provider_only(run, users):
    code, out, _ = run(
        "users",
        "add",
        "jdoe",
        "--role",
        "editor",
        "--email",
        "JDoe@Newsroom.Example",
        "--no-password",
    )
    assert code == 0
    user = users().by_email("jdoe@newsroom.example")
    assert (user.name, user.role, user.has_password) == ("jdoe", "editor", False)


def test_claims_import_writes_as_the_os_user_even_when_users_exist(run, tmp_path):
    run("users", "add", "vera", "--role", "viewer", "--password-stdin", stdin="vera's secret\n")
    path = tmp_path / "one.csv"
    path.write_text(
        "place,claimant,controller,claim_date,oblast,source_publisher\n"
        "Toretsk,RU,RU,2025-11-30,Donetsk,Example Wire\n"
    )
    code, out, _ = run("claims", "import", str(path))
    assert code == 0 and "imported 1 claim(s)" in out  # the OS user is an admin


def test_the_password_prompt_reads_a_real_terminal(db_url, tmp_path):
    """Typed twice at a prompt on a pseudo-terminal: nothing on the command line."""
    import os
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: the command line on the terminal
        os.chdir(ROOT)
        os.execv(
            sys.executable,
            [
                sys.executable,
                "-m",
                "conflictmap",
                "--db",
                db_url,
                "users",
                "add",
                "tty",
                "--role",
                "viewer",
            ],
        )
    output = b""

    def read_until(text: bytes) -> None:
        nonlocal output
        while text not in output:
            chunk = os.read(fd, 1024)
            assert chunk, output
            output += chunk

    read_until(b"Password: ")
    os.write(fd, b"typed secret\n")
    read_until(b"Password again: ")
    os.write(fd, b"typed secret\n")
    read_until(b"added tty (viewer)")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert b"typed secret" not in output  # not echoed
    listed = subprocess.run(
        [sys.executable, "-m", "conflictmap", "--db", db_url, "users", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert listed.stdout.startswith("tty\tviewer\tactive")
