"""The README documents every command and every setting (a test fails when one is not)."""

import re

import pytest

from conflictmap.cli import build_parser
from conflictmap.paths import ROOT

README = (ROOT / "README.md").read_text()


def commands():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(sub.choices)


@pytest.mark.parametrize("command", commands())
def test_every_command_is_in_the_readme(command):
    assert f"`{command}" in README


def subcommands():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    found = []
    for name, group in sorted(sub.choices.items()):
        for action in group._actions:
            if action.__class__.__name__ == "_SubParsersAction":
                found += [f"{name} {verb}" for verb in sorted(action.choices)]
    return found


@pytest.mark.parametrize("command", subcommands())
def test_every_subcommand_is_in_the_readme(command):
    assert f"`{command}" in README


def settings_in_code():
    found = set()
    for path in (ROOT / "conflictmap").rglob("*.py"):
        found |= set(re.findall(r"\b(CONFLICTMAP_[A-Z_]+)\b", path.read_text()))
    return sorted(found)


@pytest.mark.parametrize("setting", settings_in_code())
def test_every_setting_is_in_the_readme(setting):
    assert f"`{setting}`" in README


def test_readme_shows_the_two_commands():
    assert "streamlit run app.py" in README
    assert "bash scripts/test.sh" in README


def test_every_requirement_is_explained():
    reqs = [
        line.split(">=")[0].split("[")[0].strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    missing = [r for r in reqs if r.lower() not in README.lower()]
    assert missing == []
