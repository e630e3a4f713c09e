"""The reader on invented sentences in three languages (tables in cases_*.py)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from conflictmap.reader import extract
from conflictmap.reader.language import detect_language

from . import cases_en, cases_ru, cases_ru_uk, cases_uk
from .claimkeys import expected as expected_keys
from .claimkeys import found

PUBLISHED = date(2025, 12, 3)


def _expand(module, forms: bool) -> list[tuple[str, set, str]]:
    out = []
    for template, expected in module.CASES:
        for a, b in module.PAIRS:
            if forms:
                text = template.format(
                    a=SimpleNamespace(**module.PLACES[a]), b=SimpleNamespace(**module.PLACES[b])
                )
            else:
                text = template.format(a=a, b=b)
            names = {"A": a, "B": b}
            want = {(names[p], claimant, controller) for p, claimant, controller in expected}
            out.append((text, want, a if "{a" in template else ""))
    return out


RU = _expand(cases_ru, True)
UK = _expand(cases_uk, True)
EN = _expand(cases_en, False)


def _claims(text: str) -> set[tuple[str, str, str]]:
    return {(c.place.name, c.claimant, c.controller) for c in extract(text, PUBLISHED).claims}


@pytest.mark.parametrize(("text", "expected", "place"), RU)
def test_russian(text, expected, place):
    ex = extract(text, PUBLISHED)
    assert ex.language == "ru"
    assert {(c.place.name, c.claimant, c.controller) for c in ex.claims} == expected


@pytest.mark.parametrize(("text", "expected", "place"), UK)
def test_ukrainian(text, expected, place):
    ex = extract(text, PUBLISHED)
    assert ex.language == "uk"
    assert {(c.place.name, c.claimant, c.controller) for c in ex.claims} == expected


@pytest.mark.parametrize(("text", "expected", "place"), EN)
def test_english(text, expected, place):
    assert _claims(text) == expected


@pytest.mark.parametrize(("text", "expected"), cases_en.SENTENCES)
def test_english_sentences(text, expected):
    ex = extract(text, PUBLISHED)
    assert ex.language == "en"
    assert found(ex) == expected_keys(expected, PUBLISHED)


@pytest.mark.parametrize(("text", "expected", "place"), [c for c in RU + UK if c[2]])
def test_the_place_is_found_in_every_case(text, expected, place):
    placed = {m.place.name for m in extract(text, PUBLISHED).mentions if m.place}
    assert place in placed


def test_tables_are_large_enough():
    # distinct sentences: each template once, plus the sentences written once
    russian = len(cases_ru.CASES) + len(cases_ru_uk.RU)
    ukrainian = len(cases_uk.CASES) + len(cases_ru_uk.UK)
    english = len(cases_en.CASES) + len(cases_en.SENTENCES)
    assert russian + ukrainian >= 150
    assert english >= 100
    assert len(RU) + len(UK) >= 150
    assert len(EN) >= 100
    assert detect_language(RU[0][0]) == "ru" and detect_language(UK[0][0]) == "uk"
