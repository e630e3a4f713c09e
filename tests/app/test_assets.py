"""ui/assets.py: the map's script and its bank are written once per content, the bank
gzipped (served as it is) and plain."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from conflictmap.render import mapview
from ui import assets

BANK = {"geoms": {"1|": "[[[371020,482000,0,10,-20,0,0,-10]]]"}, "places": {"1": ["Кам’янка"]}}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(assets, "CACHE_DIR", tmp_path)
    return tmp_path


def test_the_bank_is_written_beside_the_script_gzipped_and_plain(cache):
    text = mapview.bank_json(BANK)
    script, banks = assets.script_file(text, ('{"1":[]}',))
    [name] = re.findall(r'conflictmap\.loadBank\("(bank-[0-9a-f]{16})"\)', script.read_text())
    assert [p.name for p in banks] == [f"{name}.json.gz", f"{name}.json"]
    assert gzip.decompress(banks[0].read_bytes()).decode() == text == banks[1].read_text()
    assert json.loads(text)["places"] == {"1": ["Кам’янка"]}
    # The same content, the same files (gzip's header carries no time): written once.
    assert assets.script_file(text, ('{"1":[]}',)) == (script, banks)
    assert banks[0].read_bytes() == gzip.compress(text.encode(), 9, mtime=0)
    other, other_banks = assets.script_file(mapview.bank_json({**BANK, "places": {}}))
    assert other != script and other_banks[0] != banks[0]
    assert sorted(p.name for p in cache.iterdir() if p.suffix == ".tmp") == []


def test_a_map_without_a_bank_loads_none(cache):
    script, banks = assets.script_file("")
    assert banks == () and "conflictmap.loadBank(" not in script.read_text()
