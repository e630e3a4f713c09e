"""The reader on invented Russian and Ukrainian sentences (tables in cases_ru_uk.py)."""

from __future__ import annotations

from datetime import date

import pytest

from conflictmap.reader import extract
from conflictmap.reader.language import detect_language

from .cases_ru_uk import RU, UK
from .claimkeys import expected as expected_keys
from .claimkeys import found

PUBLISHED = date(2025, 12, 3)


@pytest.mark.parametrize(("text", "expected"), RU)
def test_russian(text, expected):
    assert found(extract(text, PUBLISHED)) == expected_keys(expected, PUBLISHED)


@pytest.mark.parametrize(("text", "expected"), UK)
def test_ukrainian(text, expected):
    assert found(extract(text, PUBLISHED)) == expected_keys(expected, PUBLISHED)


def test_sentences_are_distinct():
    texts = [t for t, _ in RU + UK]
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize(
    ("text", "lang"),
    [(t, "ru") for t, _ in RU] + [(t, "uk") for t, _ in UK],
)
def test_language(text, lang):
    assert detect_language(text) == lang
    assert extract(text, PUBLISHED).language == lang


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Бои идут на окраинах Покровска.", "Pokrovsk"),
        ("Ситуація в Покровську складна.", "Pokrovsk"),
        ("Колонна прошла через Красноармейск.", "Pokrovsk"),
        ("Удары наносились по Димитрову.", "Myrnohrad"),
        ("Окупанти обстрілювали околиці Куп'янська.", "Kupiansk"),
        ("Над Гуляйполем висить дим.", "Huliaipole"),
        ("Під Добропіллям точаться бої.", "Dobropillia"),
    ],
)
def test_declined_names(text, name):
    placed = [m.place.name for m in extract(text, PUBLISHED).mentions if m.place]
    assert name in placed
