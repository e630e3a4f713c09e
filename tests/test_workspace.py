"""The Workspace: layers made once per ledger version and date, shared by every caller."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from conflictmap.ledger import LAYERS
from conflictmap.workspace import Workspace

DEC_2, LATER = date(2025, 12, 2), date(2026, 6, 1)
POKROVSK = 704422


def _claim(ws: Workspace, controller: str) -> None:
    ws.ledger.import_records(
        [
            {
                "place": "Pokrovsk",
                "geonames_id": POKROVSK,
                "claimant": "UA",
                "controller": controller,
                "claim_date": "2026-06-01",
                "source_publisher": "Test desk",
                "source_url": "https://example.org/test",
            }
        ],
        author="os:test",
    )


@pytest.mark.parametrize(
    "day, layers, write, same",
    [
        (DEC_2, LAYERS, False, True),  # the same date again: the same tables
        (date(2025, 12, 1), LAYERS, False, False),  # another date
        (DEC_2, ("ru",), False, False),  # other layers
        (DEC_2, LAYERS, True, False),  # a claim written in between: made again
    ],
)
def test_layers_are_made_once_per_version_date_and_layers(workspace, day, layers, write, same):
    first = workspace.layers(DEC_2)
    if write:
        _claim(workspace, "RU")
    assert (workspace.layers(day, layers) is first) is same


def test_a_write_shows_in_the_next_layers(workspace):
    before = workspace.layers(LATER)["ua"]
    _claim(workspace, "RU")
    after = workspace.layers(LATER)["ua"]
    row = after[after["place_id"] == POKROVSK]
    assert list(row["controller"]) == ["RU"]
    assert list(before[before["place_id"] == POKROVSK]["controller"]) != ["RU"]


def test_callers_asking_at_once_share_one_making(workspace):
    got, start = [], threading.Barrier(4)

    def ask():
        start.wait()
        got.append(workspace.layers(DEC_2))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4 and all(g is got[0] for g in got)
