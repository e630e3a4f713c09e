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
