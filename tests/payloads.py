"""Shared by the tests: hostile text (everything shown must be escaped), and reading
the payloads out of the map's script."""

import json
import re

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"

_PARSED = re.compile(r"JSON\.parse\('((?:[^'\\]|\\.)*)'\)")


def decode_argument(script: str, pos: int) -> tuple[object, int]:
    """The value of the call argument at ``pos`` in the map's script (a JSON literal, or
    ``JSON.parse('…')`` for a long one) and the position just after it."""
    m = _PARSED.match(script, pos)
    if m:
        return json.loads(re.sub(r"\\(.)", r"\1", m.group(1))), m.end()
    return json.JSONDecoder().raw_decode(script, pos)


def call_arguments(script: str, name: str) -> list[list]:
    """The decoded arguments of each ``conflictmap.<name>(...)`` call in the map's script,
    after the group it is given (when it is given one)."""
    out = []
    for m in re.finditer(rf"conflictmap\.{name}\((?:[\w.]+,\s*)?", script):
        pos, args = m.end(), []
        while script[pos] in '{["' or script.startswith("JSON.parse(", pos):
            value, pos = decode_argument(script, pos)
            args.append(value)
            pos += 2 if script.startswith(", ", pos) else 0
        out.append(args)
    return out


def resolve_row(row: list, strings: list[str]) -> list:
    """A claimLayer row with its texts looked up in the payload's string table (the
    trailing empty texts a row may leave out put back): [place id, part, style,
    summary, date, organisation, label, note, geometry...]."""
    head = (row[:8] + [0] * 8)[:8]
    return [head[0], strings[head[1]], head[2], *[strings[i] for i in head[3:8]], *row[8:]]
