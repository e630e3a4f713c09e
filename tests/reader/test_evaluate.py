"""The evaluation: scoring rules on hand-made gold, and the figures on ../shared/reports."""

from __future__ import annotations

import json
from datetime import date

import pytest

from conflictmap.reader.evaluate import by_language, evaluate, score_report
from conflictmap.reader.extract import extract


def gold_claim(place, claimant, controller, day="2024-02-17", core=True, alt=(), **kw):
    return {
        "place": place,
        "claimant": claimant,
        "controller": controller,
        "date": day,
        "extent": kw.get("extent", "full"),
        "fraction": kw.get("fraction"),
        "part": kw.get("part"),
        "alt": list(alt),
        "core": core,
    }


TEXT = (
    "Russia's Defence Ministry said on Saturday its troops had captured Avdiivka. "
    "Ukraine's army said it still holds the north of Toretsk."
)


def test_scoring_counts_matches_misses_and_extras(gazetteer):
    ex = extract(TEXT, date(2024, 2, 20))
    gold = {
        "mentions": ["Avdiivka", "Toretsk", "Bakhmut"],
        "claims": [
            gold_claim("Avdiivka", "RU", "RU"),
            gold_claim("Kurakhove", "UA", "CONTESTED"),  # missed
            gold_claim("Vuhledar", "OTHER", "RU", core=False),  # not required
        ],
    }
    t = score_report(ex.claims, ex.mentions, gold, gazetteer, "r")
    assert (t.predicted, t.correct) == (2, 1)  # Toretsk UA is an extra
    assert (t.core_gold, t.core_found) == (2, 1)
    assert t.precision == 0.5 and t.recall == 0.5
    assert (t.gold_mentions, t.mentions_found) == (3, 2)
    assert t.attributes["date"] == [1, 1]
    assert any("missed Kurakhove" in e for e in t.errors)
    assert any("extra Toretsk" in e for e in t.errors)


def test_alt_controller_and_attributes(gazetteer):
    ex = extract("Ukraine's army said it still holds the north of Toretsk.", date(2024, 2, 20))
    gold = {
        "mentions": [],
        "claims": [
            gold_claim("Toretsk", "UA", "CONTESTED", day="2024-02-19", alt=["UA"], extent=None)
        ],
    }
    t = score_report(ex.claims, ex.mentions, gold, gazetteer)
    assert t.correct == 1 and t.core_found == 1
    assert t.attributes["date"] == [0, 1]  # claimed on the 20th, gold says the 19th
    assert t.attributes["extent"] == [0, 1]  # partial against none
    assert t.attributes["part"] == [0, 1]


def test_evaluate_reads_a_folder(tmp_path, gazetteer):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    gold = {
        "a.txt": {
            "published": "2024-02-20",
            "mentions": ["Avdiivka"],
            "claims": [gold_claim("Avdiivka", "RU", "RU")],
        }
    }
    (tmp_path / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    total, per = evaluate(tmp_path / "gold.json", tmp_path, gazetteer)
    assert list(per) == ["a.txt"] and total.core_found == 1
    assert total.as_dict()["claims"]["recall"] == 1.0


def test_missing_report_is_an_error(tmp_path, gazetteer):
    (tmp_path / "gold.json").write_text(json.dumps({"nope.txt": {"claims": []}}))
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        evaluate(tmp_path / "gold.json", tmp_path, gazetteer)


@pytest.mark.shared
def test_development_set_meets_the_targets(shared_dir, gazetteer):
    total, per = evaluate(shared_dir / "reports" / "gold.json", shared_dir / "reports", gazetteer)
    assert len(per) >= 7
    assert total.f1 >= 0.9
    assert total.mention_recall >= 0.95


@pytest.mark.shared
def test_russian_and_ukrainian_set_meets_the_targets(shared_dir, gazetteer):
    folder = shared_dir / "reports" / "ru_uk"
    total, per = evaluate(folder / "gold_ru_uk.json", folder, gazetteer)
    langs = by_language(per)
    assert set(langs) == {"ru", "uk"}
    for t in langs.values():
        assert t.f1 >= 0.9 and t.mention_recall >= 0.95
    assert total.not_at_errors == 0


HARD = {
    "language": "uk",
    "mentions": [],
    "hard": [{"name": "Rubizhne", "oblast": "Donetsk", "not_at": [[49.0085, 38.3797]]}],
    "claims": [gold_claim("Rubizhne", "UA", "UA", day=None, core=False)],
}


@pytest.mark.parametrize(
    ("text", "not_at_errors", "correct"),
    [
        # the region named with it decides: the Luhansk namesake is never taken, and
        # the claim is at the Donetsk village the register lists (not yet placed)
        ("Українські військові звільнили Рубіжне Донецької області.", 0, 1),
        # without a region the city in Luhansk oblast is taken: a not_at placement
        ("Українські військові звільнили Рубіжне.", 2, 0),
    ],
)
def test_hard_places_are_scored(text, not_at_errors, correct, gazetteer):
    ex = extract(text, date(2025, 11, 1))
    t = score_report(ex.claims, ex.mentions, HARD, gazetteer, "r")
    assert t.language == "uk"
    assert t.not_at_errors == not_at_errors
    assert t.correct == correct
