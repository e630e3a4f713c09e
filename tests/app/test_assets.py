"""The map's files beside its script: a date's layers for a frame that missed a render."""

from __future__ import annotations

import pytest

from ui import assets


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(assets, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(assets, "_LAYER_FILES", [])
    monkeypatch.setattr(assets, "LAYER_FILES_MAX", 2)
    return tmp_path


CASES = [
    # tokens written in turn, the files left
    (["a" * 16], ["a" * 16]),
    (["a" * 16, "a" * 16, "b" * 16], ["a" * 16, "b" * 16]),
    (["a" * 16, "b" * 16, "c" * 16], ["b" * 16, "c" * 16]),
]


@pytest.mark.parametrize("tokens, left", CASES, ids=["one", "written once", "oldest goes"])
def test_a_process_keeps_its_newest_layer_files(cache, tokens, left):
    names = [assets.layer_file(t, '{"rows":[]}') for t in tokens]
    assert all(name.startswith(f"layer-{t}-") for name, t in zip(names, tokens))
    assert sorted(p.name.split("-")[1] for p in cache.glob("layer-*.json")) == left


def test_files_another_process_wrote_are_never_let_go(cache):
    theirs = cache / f"layer-{'a' * 16}-00000000.json"  # the same rows, another server's
    theirs.write_text('{"rows":[]}', encoding="utf-8")
    for t in "abcd":
        assets.layer_file(t * 16, '{"rows":[]}')
    assert theirs.exists()
    assert len(list(cache.glob(f"layer-*-{assets._MARK}.json"))) == 2
