import pytest

from conflictmap.places.translit import (
    looks_ukrainian,
    name_key,
    romanise_russian,
    romanise_ukrainian,
)


@pytest.mark.parametrize(
    "cyrillic, expected",
    [
        ("Покровськ", "Pokrovsk"),
        ("Мирноград", "Myrnohrad"),
        ("Вовчанськ", "Vovchansk"),
        ("Слов’янськ", "Sloviansk"),
        ("Костянтинівка", "Kostiantynivka"),
        ("Куп'янськ", "Kupiansk"),
        ("Гуляйполе", "Huliaipole"),
        ("Авдіївка", "Avdiivka"),
        ("Торецьк", "Toretsk"),
        ("Часів Яр", "Chasiv Yar"),
        ("Запоріжжя", "Zaporizhzhia"),
        ("Згурівка", "Zghurivka"),
        ("Єнакієве", "Yenakiieve"),
        ("Підлі́сне", "Pidlisne"),
    ],
)
def test_romanise_ukrainian(cyrillic, expected):
    assert romanise_ukrainian(cyrillic) == expected


@pytest.mark.parametrize(
    "cyrillic, expected",
    [
        ("Красноармейск", "Krasnoarmeysk"),
        ("Волчанск", "Volchansk"),
        ("Угледар", "Ugledar"),
        ("Северск", "Seversk"),
        ("Курахово", "Kurakhovo"),
        ("Артёмовск", "Artyomovsk"),
    ],
)
def test_romanise_russian(cyrillic, expected):
    assert romanise_russian(cyrillic) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Покровськ", True),
        ("Артёмовск", False),
        ("Pokrovsk", False),
        ("Бахмут", True),
    ],
)
def test_looks_ukrainian(text, expected):
    assert looks_ukrainian(text) is expected


@pytest.mark.parametrize(
    "a, b",
    [
        ("Kup”yans’k", "Kupyansk"),
        ("Gulyay-Pole", "gulyay pole"),
        ("Vovčansk", "vovcansk"),
        ("  Chasiv   Yar ", "chasiv yar"),
        ("Артёмовск", "артемовск"),
    ],
)
def test_name_key_folds_spelling_noise(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    "cyrillic, variant",
    [
        ("Гуляйполе", "Gulyaipole"),
        ("Гуляйполе", "Guliaipole"),
        ("Гуляй-Поле", "Gulyai-Pole"),
        ("Горлівка", "Gorlivka"),
    ],
)
def test_news_variants(cyrillic, variant):
    from conflictmap.places.translit import news_variants

    assert variant in news_variants(cyrillic)
