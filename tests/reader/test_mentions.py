"""Place mentions: trusted names only, capitalised, not part of people's or
organisations' names, regions apart, ambiguous names left unresolved."""

from __future__ import annotations

import pytest

from conflictmap.places.textnorm import fold
from conflictmap.reader.mentions import MentionFinder, find_mentions, trusted_entries


@pytest.fixture(scope="module")
def finder(gazetteer):
    return MentionFinder.for_gazetteer(gazetteer)


def placed(finder, text):
    return [(m.text, m.place.name if m.place else None) for m in finder.find(text).mentions]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Russian troops entered Selidovo on Monday.", [("Selidovo", "Selydove")]),
        ("Moscow calls the town Artemovsk.", [("Moscow", "Moscow"), ("Artemovsk", "Bakhmut")]),
        (
            "Fighting near Kup’yansk and Kupiansk-Vuzlovyi.",
            [("Kup’yansk", "Kupiansk"), ("Kupiansk-Vuzlovyi", "Kupiansk-Vuzlovyi")],
        ),
        ("Shelling hit Toretsk's centre.", [("Toretsk", "Toretsk")]),
        ("Войска вошли в Покровськ.", [("Покровськ", "Pokrovsk")]),
        ("Бои идут у Покровска.", [("Покровска", "Pokrovsk")]),
        ("Troops left Velyka Novosilka.", [("Velyka Novosilka", "Velyka Novosilka")]),
    ],
)
def test_names_spellings_and_cyrillic_are_found(finder, text, expected):
    assert placed(finder, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Human Rights Watch said civilians suffered.",  # "Human" is an alias of Uman
        "The tor was covered in snow near the river.",  # "Tor", an old name of Sloviansk
        "President Vladimir Putin spoke.",  # Vladimir is a Russian city
        "President Volodymyr Zelenskyy spoke.",  # Volodymyr is a Ukrainian city
        "Kremlin spokesman Dmitry Peskov said so.",  # a surname that is a place
        "The Kyiv Independent could not verify it.",  # a publisher, not the city
        "The Azov Brigade fought there.",  # a unit
        "Ships crossed the Sea of Azov.",
        "the city of pokrovsk",  # not capitalised
    ],
)
def test_words_that_only_look_like_places_are_not_mentions(finder, text):
    assert placed(finder, text) == []


def test_old_names_shared_with_other_towns_are_not_trusted(gazetteer):
    entries = trusted_entries(gazetteer)
    kurakhove = gazetteer.resolve("Kurakhove").place.geonames_id
    sloviansk = gazetteer.resolve("Sloviansk", "Donetsk region").place.geonames_id
    assert kurakhove not in entries.get("petrovka").ids if "petrovka" in entries else True
    assert "tor" not in entries and "yama" not in entries and "roy" not in entries
    assert sloviansk in entries["slovyansk"].ids


@pytest.mark.parametrize(
    "text, regions, settlements",
    [
        ("Fighting in the Donetsk region.", ["Donetsk"], []),
        ("the provinces of Luhansk and Donetsk", ["Luhansk", "Donetsk"], []),
        ("Moscow wants western Donetsk.", ["Donetsk"], ["Moscow"]),
        ("They took Vovchansk in Kharkiv last week.", ["Kharkiv"], ["Vovchansk"]),
        ("Drones struck Kharkiv overnight.", [], ["Kharkiv"]),
        ("Troops entered Avdiivka in the Donetsk People's Republic.", ["Donetsk"], ["Avdiivka"]),
    ],
)
def test_region_names_are_context_not_settlements(finder, text, regions, settlements):
    found = finder.find(text)
    assert [r.region for r in found.regions] == regions
    assert [m.place.name for m in found.mentions] == settlements


def test_ambiguous_names_stay_unresolved_with_candidates(finder):
    (m,) = finder.find("Russian forces attacked near Andriivka.").mentions
    assert m.place is None and len(m.candidates) >= 2
    assert {c.oblast for c in m.candidates} >= {"Donetsk", "Kharkiv"}
    assert m.as_dict()["unresolved"] is True


def test_region_context_picks_among_places_of_one_name(finder):
    (m,) = finder.find("Fighting near Lyman in the Donetsk region.").mentions
    assert m.place.name == "Lyman" and m.place.oblast == "Donetsk"
    # Kharkiv oblast has several villages called Lyman: the region alone does not decide.
    (m,) = finder.find("Fighting near Lyman in the Kharkiv region.").mentions
    assert m.place is None and len(m.candidates) >= 2
    assert {c.oblast for c in m.candidates} == {"Kharkiv"}


def test_small_place_outside_the_named_region_is_not_guessed(finder):
    found = finder.find("In Volyn Oblast, attacks near Slovianka were repelled.")
    (m,) = found.mentions
    assert m.place is None and "region" in m.reason


def test_a_village_only_the_register_lists_is_known_unmapped(finder):
    (m,) = finder.find("In Donetsk Oblast, attacks near Slovianka were repelled.").mentions
    assert m.place is None and m.reason.startswith("unmapped")
    (p,) = m.candidates
    assert (p.name, p.oblast, p.raion) == ("Slovianka", "Donetsk", "Volnovaskyi")
    assert not p.mapped and p.katottg.startswith("UA14")


@pytest.mark.parametrize(
    "text, name, raion",
    [
        # Neuter adjectival names are never their masculine lemma (Hruzkyi near Donetsk).
        ("Сили оборони звільнили Грузьке Донецької області.", "Hruzke", "Pokrovskyi"),
        ("ВСУ выбиты из Грузского в Донецкой области.", "Hruzke", "Pokrovskyi"),
    ],
)
def test_an_adjectival_name_keeps_its_gender(finder, text, name, raion):
    (m,) = [m for m in finder.find(text).mentions if m.text.startswith("Груз")]
    assert m.place is None and m.reason.startswith("unmapped")
    assert [(p.name, p.raion) for p in m.candidates] == [(name, raion)]


@pytest.mark.parametrize(
    "text, far",
    [
        # «Зверове» read as the vocative of «Зверів» would be Zviriv in Volyn oblast.
        ("Сили оборони звільнили Зверове.", "Volyn"),
        # Without a preposition «Зверове» is no locative of a Russian «Зверов» either.
        ("Подразделения освободили Зверове.", "Volyn"),
    ],
)
def test_a_vocative_reading_never_places_a_name(finder, text, far):
    placed = [m.place for m in finder.find(text).mentions if m.place is not None]
    assert all(p.oblast != far for p in placed)


def test_offsets_point_into_the_original_text(finder):
    text = "Near Kup'yansk’s edge and Chasiv  Yar."
    for m in finder.find(text).mentions:
        assert text[m.start : m.end] == m.text
    assert [m.place.name for m in finder.find(text).mentions] == ["Kupiansk", "Chasiv Yar"]


def test_fold_maps_back_to_original_offsets():
    f = fold("A  Kup'yansk")
    assert f.folded == "a kupyansk"
    assert f.original[f.to_original(2) : f.to_original_end(10)] == "Kup'yansk"


def test_find_mentions_uses_the_shared_finder(gazetteer):
    assert [m.place.name for m in find_mentions("Krasnoarmeysk", gazetteer).mentions] == [
        "Pokrovsk"
    ]


@pytest.mark.parametrize(
    "text, name, place, reason",
    [
        ("Russia captured the village of Vugledarr.", "Vugledarr", "Vuhledar", "near-miss"),
        ("Russian troops captured the village of Avdiivkka.", "Avdiivkka", "Avdiivka", "near-miss"),
        (
            "Ukraine retook the village of Robotynne in August.",
            "Robotynne",
            None,
            "unmapped: Robotyne",
        ),
    ],
)
def test_names_in_settlement_slots_missing_from_the_automaton(finder, text, name, place, reason):
    (m,) = finder.find(text).mentions
    assert m.text == name and text[m.start : m.end] == name
    assert (m.place.name if m.place else None) == place
    assert reason in m.reason


def test_a_sentence_naming_another_region_rules_a_place_out(finder):
    found = finder.find("Russia seized Yalta in Ukraine's Dnipropetrovsk region.")
    (m,) = found.mentions
    assert m.place is None and "region the sentence names" in m.reason
    (m,) = finder.find("Tourists left Yalta.").mentions
    assert m.place.oblast == "Crimea"
    # A name only one Ukrainian town bears keeps it whatever region the sentence names.
    (m,) = finder.find("The fall of Pokrovsk exposes the Dnipropetrovsk region.").mentions
    assert m.place.name == "Pokrovsk" and m.place.oblast == "Donetsk"
