"""A layer's change from one date's payload to another's: what it carries, that it
makes the new date's rows from the old ones, and that it is sent only from a payload
the process still holds."""

from __future__ import annotations

import json
from datetime import date

import pytest

from conflictmap.render import deltas, mapview
from tests.payloads import call_arguments

RED = {"color": "#D55E00", "weight": 2}
RED_DASHED = {"color": "#D55E00", "weight": 2.5, "dashArray": "6 4"}
BLUE = {"color": "#0072B2", "weight": 2}


def payload(rows: list[tuple]) -> dict:
    """A layer_rows payload from (place id, part, style, summary, date[, geometry])."""
    resolved = []
    for pid, part, style, summary, day, *geometry in rows:
        row = (pid, part, json.dumps(style, sort_keys=True), summary, day)
        resolved.append(
            row + ((json.dumps(geometry[0], separators=(",", ":")),) if geometry else (None,))
        )
    return deltas.encode("ru", "cm-ru", resolved)


def apply(old: dict, change: dict) -> dict:
    """What the browser does with a delta, over resolved rows."""
    rows = dict(deltas.rows_by_shape(old))
    for key in change["drop"]:
        rows.pop(key)
    rows.update(deltas.rows_by_shape(change))
    return rows


POINT = {"type": "Point", "coordinates": [37.1, 48.3]}
BASE = [
    (1, "", RED, "RU holds all", "2025-12-01"),
    (2, "east", BLUE, "UA holds east", "2025-11-30"),
]
CASES = [
    # name, new rows, shapes in the delta's rows, shapes dropped
    ("nothing changed", BASE, [], []),
    ("a place added", BASE + [(3, "", RED, "RU holds all", "2025-12-02")], ["3|"], []),
    ("a place gone", BASE[:1], [], ["2|east"]),
    ("a new claim date", [(1, "", RED, "RU holds all", "2025-12-02"), BASE[1]], ["1|"], []),
    (
        "restyled: a part conceded",
        [(1, "", RED_DASHED, "RU holds part", "2025-12-02"), BASE[1]],
        ["1|"],
        [],
    ),
    (
        "another part of a place",
        [BASE[0], (2, "west", BLUE, "UA holds west", "2025-12-02")],
        ["2|west"],
        ["2|east"],
    ),
    (
        "a shape the bank lacks",
        BASE + [(4, "", RED, "RU holds all", "2025-12-02", POINT)],
        ["4|"],
        [],
    ),
]


@pytest.mark.parametrize("name, new_rows, changed, dropped", CASES, ids=[c[0] for c in CASES])
def test_a_delta_carries_only_the_change(name, new_rows, changed, dropped):
    old, new = payload(BASE), payload(new_rows)
    old_text, new_text = mapview.js_json(old), mapview.js_json(new)
    a, b = deltas.token_of(old_text), deltas.token_of(new_text)
    deltas.remember(a, old_text)
    deltas.remember(b, new_text)
    change = deltas.delta("ru", "cm-ru", a, b, "layer-x.json")
    assert [f"{r[0]}|{change['strings'][r[1]]}" for r in change["rows"]] == changed, name
    assert change["drop"] == dropped, name
    assert (change["base"], change["token"], change["full"]) == (a, b, "layer-x.json")
    assert apply(old, change) == deltas.rows_by_shape(new), name


def test_no_delta_from_a_payload_no_longer_held():
    text = mapview.js_json(payload(BASE))
    deltas.remember(deltas.token_of(text), text)
    assert deltas.delta("ru", "cm-ru", "0" * 16, deltas.token_of(text), "f.json") is None


@pytest.mark.parametrize(
    "rows",
    [BASE, BASE + [(4, "", RED, "", "", POINT)], [(5, "north", RED_DASHED, "", "")]],
    ids=["texts", "geometry, empty texts", "trailing empty texts left out"],
)
def test_encoding_keeps_every_row_as_it_draws(rows):
    resolved = deltas.rows_by_shape(payload(rows))
    assert deltas.rows_by_shape(deltas.encode("ru", "cm-ru", list(resolved.values()))) == resolved


def test_the_live_map_sends_the_next_date_as_a_change(workspace):
    known = frozenset(mapview.live_bank(workspace)[1])
    published: dict[str, str] = {}

    def publish(token: str, text: str) -> str:
        published[token] = text
        return f"layer-{token}.json"

    first, second = date(2025, 12, 1), date(2025, 12, 2)
    groups = mapview.feature_groups(workspace.layers(first), first, known=known)
    shown = {g.cm_key: g.cm_token for g in groups if hasattr(g, "cm_token")}
    groups = mapview.feature_groups(
        workspace.layers(second), second, known=known, shown=shown, publish=publish
    )
    script = "".join(
        c.script_text() for g in groups for c in g._children.values() if hasattr(c, "call")
    )
    sent = {args[0]["key"]: args[0] for args in call_arguments(script, "claimLayer")}
    whole = mapview.feature_groups(workspace.layers(second), second, known=known)
    for g in whole:
        if not hasattr(g, "cm_token"):
            continue
        change, text = sent[g.cm_key], published[g.cm_token]
        assert change["base"] == shown[g.cm_key] and change["token"] == g.cm_token
        assert json.loads(text)["token"] == g.cm_token  # what a frame that missed it fetches
        before = json.loads(deltas._TEXTS[shown[g.cm_key]])
        assert apply(before, change) == deltas.rows_by_shape(json.loads(text)), g.cm_key
