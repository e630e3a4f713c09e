"""The gazetteer's names and its disambiguation traps."""

import pytest

from conflictmap.places.gazetteer import Gazetteer


@pytest.mark.parametrize(
    "spelling, context, canonical",
    [
        ("Krasnoarmeysk", "", "Pokrovsk"),
        ("Krasnoarmiisk", "", "Pokrovsk"),
        ("Красноармейск", "", "Pokrovsk"),
        ("Dimitrov", "", "Myrnohrad"),
        ("Mirnograd", "", "Myrnohrad"),
        ("Volchansk", "", "Vovchansk"),
        ("Volchansk", "Kharkov region", "Vovchansk"),
        # A town named in a story about another region still resolves when it is unique.
        ("Volchansk", "Donetsk region", "Vovchansk"),
        ("Slavyansk", "", "Sloviansk"),
        ("Slovyansk", "Donetsk", "Sloviansk"),
        ("Konstantinovka", "Donetsk region", "Kostiantynivka"),
        ("Kupyansk", "", "Kupiansk"),
        ("Artemovsk", "", "Bakhmut"),
        ("Artyomovsk", "", "Bakhmut"),
        ("Avdeevka", "Donetsk", "Avdiivka"),
        ("Seversk", "", "Siversk"),
        ("Ugledar", "", "Vuhledar"),
        ("Chasov Yar", "", "Chasiv Yar"),
        ("Kurakhovo", "", "Kurakhove"),
        ("Hulyaypole", "", "Huliaipole"),
        ("Gulyaipole", "", "Huliaipole"),
        ("Gulyai-Pole", "", "Huliaipole"),
        ("Guliaipole", "", "Huliaipole"),
        ("Severodonetsk", "", "Sievierodonetsk"),
        ("Siverskodonetsk", "", "Sievierodonetsk"),
    ],
)
def test_aliases_resolve_to_the_news_name(gazetteer, spelling, context, canonical):
    res = gazetteer.resolve(spelling, context)
    assert res.place is not None, res.reason
    assert res.place.name == canonical
    assert res.place.country == "UA"


@pytest.mark.parametrize(
    "geonames_name, news_name",
    [
        ("Slovyansk", "Sloviansk"),
        ("Kupyansk", "Kupiansk"),
        ("Hulyaypole", "Huliaipole"),
        ("Avdiyivka", "Avdiivka"),
        ("Kostyantynivka", "Kostiantynivka"),
        ("Mar'yinka", "Marinka"),
    ],
)
def test_geonames_main_name_is_kept_as_alias(gazetteer, geonames_name, news_name):
    best = gazetteer.candidates(geonames_name, "Donetsk")[0].place
    assert best.name == news_name
    assert geonames_name in best.aliases


@pytest.mark.parametrize(
    "name, context, expected_name, expected_oblast, min_population",
    [
        # Pokrovsk is the Donetsk-oblast city, never Pokrovsk in Sakha, Russia.
        ("Pokrovsk", "", "Pokrovsk", "Donetsk", 50_000),
        ("Pokrovsk", "the Russian army", "Pokrovsk", "Donetsk", 50_000),
        # Huliaipole with Zaporizhzhia is the town, not the Dnipropetrovsk-oblast village.
        ("Huliaipole", "in Zaporizhzhia", "Huliaipole", "Zaporizhzhia", 10_000),
        ("Huliaipole", "Zaporozhye region", "Huliaipole", "Zaporizhzhia", 10_000),
        # Dzerzhinsk with Donetsk is Toretsk, not Romaniv.
        ("Dzerzhinsk", "Donetsk region", "Toretsk", "Donetsk", 20_000),
        # Artemovsk is Bakhmut.
        ("Artemovsk", "", "Bakhmut", "Donetsk", 70_000),
        # Konstantinovka with Donetsk is the city of 67,000, not one of the villages.
        ("Konstantinovka", "Donetsk region", "Kostiantynivka", "Donetsk", 60_000),
        ("Konstantinovka", "in the Donetsk oblast", "Kostiantynivka", "Donetsk", 60_000),
    ],
)
def test_disambiguation_traps(
    gazetteer, name, context, expected_name, expected_oblast, min_population
):
    res = gazetteer.resolve(name, context)
    assert res.place is not None, res.reason
    assert (res.place.name, res.place.oblast) == (expected_name, expected_oblast)
    assert res.place.population >= min_population


def test_pokrovsk_in_sakha_is_a_candidate_but_ranked_below(gazetteer):
    cands = gazetteer.candidates("Pokrovsk")
    countries = [c.place.country for c in cands]
    assert countries[0] == "UA"
    assert "RU" in countries
    sakha = next(c for c in cands if c.place.oblast == "Sakha")
    assert sakha.score < cands[0].score


@pytest.mark.parametrize(
    "name, expected",
    [
        # Nikopol carries a stray GeoNames alias spelled like Sloviansk.
        ("Sloviansk", "Sloviansk"),
        ("Kramatorsk", "Kramatorsk"),
        ("Kupiansk", "Kupiansk"),
    ],
)
def test_a_current_name_beats_an_alias_of_a_similar_place(gazetteer, name, expected):
    res = gazetteer.resolve(name)
    assert res.place is not None and res.place.name == expected


@pytest.mark.parametrize(
    "geonames_id, name",
    [
        (709717, "Donetsk"),
        (704147, "Kremenchuk"),
        (711390, "Brovary"),
        (704901, "Korosten"),
        (706448, "Kherson"),
        (698740, "Odesa"),
        (706483, "Kharkiv"),
        (687700, "Zaporizhzhia"),
    ],
)
def test_cities_carry_their_usual_names(gazetteer, geonames_id, name):
    assert gazetteer.get(geonames_id).name == name


def test_context_can_pick_the_smaller_place(gazetteer):
    res = gazetteer.resolve("Huliaipole", "Dnipropetrovsk region")
    assert res.place is not None and res.place.oblast == "Dnipropetrovsk"


@pytest.mark.parametrize(
    "name, context, reason_part",
    [
        ("Nowhereville", "", "not in the gazetteer"),
        # Several places called Lyman lie in Kharkiv oblast: the region does not decide.
        ("Lyman", "Kharkiv region", "ambiguous"),
        # Only villages elsewhere carry this name; the context names another region.
        ("Dachne", "Donetsk Oblast", ""),
    ],
)
def test_unconfident_names_stay_unresolved_with_candidates(gazetteer, name, context, reason_part):
    res = gazetteer.resolve(name, context)
    assert res.place is None
    assert reason_part in res.reason
    if name != "Nowhereville":
        assert len(res.candidates) >= 2


def test_by_name_raises_with_the_reason(gazetteer):
    with pytest.raises(LookupError, match="ambiguous"):
        gazetteer.by_name("Andriivka")


def test_every_report_place_has_its_news_name(gazetteer, shared_dir):
    import json

    gold = json.loads((shared_dir / "reports" / "gold.json").read_text())
    names = {m for report in gold.values() for m in report["mentions"]}
    names |= {c["place"] for report in gold.values() for c in report["claims"]}
    for name in sorted(names):
        res = gazetteer.resolve(name, "Donetsk Kharkiv region")
        assert res.place is not None and res.place.name == name, (name, res.reason)


def test_place_fields_are_complete(gazetteer):
    p = gazetteer.get(704422)
    assert (p.name, p.country, p.oblast) == ("Pokrovsk", "UA", "Donetsk")
    assert 48.2 < p.lat < 48.4 and 37.1 < p.lon < 37.3
    assert p.population > 50_000
    assert "Krasnoarmeysk" in p.aliases


def test_gazetteer_covers_ukraine_at_500_people(gazetteer):
    ua = [p for p in gazetteer if p.country == "UA" and p.mapped]
    assert len([p for p in ua if p.population >= 500]) > 5000
    # GeoNames' cities500 also lists administrative seats and places whose
    # population it does not know (0); they are kept, and are few.
    assert len([p for p in ua if p.population < 500]) < 0.06 * len(ua)
    assert len({p.oblast for p in ua}) == 27


def test_load_is_cached(gazetteer):
    assert Gazetteer.load() is gazetteer
