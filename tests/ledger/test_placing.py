"""Placing a village the register knows but GeoNames lacks: inside its oblast only,
stored for every user of the database, used by the map and the reader, and carried by
exports and imports."""

import json
from datetime import date

import pytest

from conflictmap.ledger import ImportRejected, Ledger, PlacementRejected
from conflictmap.reader import MentionFinder, extract
from conflictmap.workspace import Workspace

NOVOSELYDIVKA = 1_141_611_020  # UA14160110200090457, Kurakhivska hromada, Donetsk oblast

CLAIM = {
    "place_id": NOVOSELYDIVKA,
    "claimant": "RU",
    "claimant_org": "Russian Defence Ministry",
    "controller": "RU",
    "claim_date": "2024-10-02",
    "source_publisher": "Example Wire",
    "source_url": "https://example.org/novoselydivka",
}


@pytest.mark.parametrize(
    "lat, lon, author, field, message",
    [
        # Kyiv: another oblast, hundreds of kilometres away.
        (50.45, 30.52, "analyst", "point", "lies in Donetsk oblast"),
        # Kharkiv city: next oblast north.
        (49.99, 36.23, "analyst", "point", "Kharkiv oblast"),
        # The Black Sea south of Odesa: outside Ukraine's land.
        (45.2, 31.5, "analyst", "point", "Not placed"),
        (48.0, 37.3, "", "author", "who places"),
        ("north", 37.3, "analyst", "point", "not a latitude"),
        (95.0, 37.3, "analyst", "point", "not a latitude"),
    ],
)
def test_a_point_outside_the_oblast_is_refused_and_nothing_written(
    any_db_url, gazetteer, lat, lon, author, field, message
):
    ledger = Ledger(any_db_url, gazetteer=gazetteer, seed_file=None)
    with pytest.raises(PlacementRejected, match=message) as info:
        ledger.place(NOVOSELYDIVKA, lat, lon, author=author)
    assert info.value.field == field
    assert ledger.placements() == []
    assert not ledger.gazetteer.get(NOVOSELYDIVKA).mapped


@pytest.mark.parametrize(
    "place_id, message",
    [
        (704422, "already has coordinates"),  # Pokrovsk: GeoNames has it
        (524901, "not a settlement of the register"),  # Moscow
        (42, "not a place in the gazetteer"),
    ],
)
def test_only_unmapped_register_settlements_can_be_placed(db_url, gazetteer, place_id, message):
    ledger = Ledger(db_url, gazetteer=gazetteer, seed_file=None)
    with pytest.raises(PlacementRejected, match=message):
        ledger.place(place_id, 48.0, 37.3, author="analyst")


def test_a_placed_village_is_used_by_the_map_the_reader_and_every_user(any_db_url, gazetteer):
    ws = Workspace(any_db_url, gazetteer=gazetteer, seed=False)
    ws.ledger.import_records([CLAIM])
    # Unplaced: the claim is stored but cannot be drawn.
    assert ws.ledger.count() == 1
    assert all(len(g) == 0 for g in ws.layers(date(2024, 10, 2)).values())
    placed = ws.ledger.place(NOVOSELYDIVKA, 48.0337, 37.3021, author="os:analyst-one")
    assert (placed.katottg, placed.oblast, placed.raion) == (
        "UA14160110200090457",
        "Donetsk",
        "Pokrovskyi",
    )
    layer = ws.layers(date(2024, 10, 2))["ru"]
    assert list(layer["place"]) == ["Novoselydivka"]
    assert layer.geometry.iloc[0].contains(__import__("shapely").Point(37.3021, 48.0337))
    # Another user of the same database sees it placed.
    other = Workspace(any_db_url, gazetteer=gazetteer, seed=False)
    p = other.gazetteer.get(NOVOSELYDIVKA)
    assert p.mapped and (p.lat, p.lon) == (48.0337, 37.3021)
    finder = MentionFinder.for_gazetteer(other.gazetteer)
    (m,) = finder.find("Освобожден населенный пункт Новоселидовка.").mentions
    assert m.place.geonames_id == NOVOSELYDIVKA and m.place.mapped
    # Placing again keeps the first as history; the latest is in force.
    other.ledger.place(NOVOSELYDIVKA, 48.04, 37.31, author="os:analyst-two")
    assert len(other.ledger.placements(history=True)) == 2
    assert [p.author for p in other.ledger.placements()] == ["os:analyst-two"]


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_a_placed_village_travels_with_export_and_import(tmp_path, gazetteer, fmt):
    a = Workspace(f"sqlite:///{tmp_path / 'a.sqlite'}", gazetteer=gazetteer, seed=False)
    a.ledger.import_records([CLAIM])
    a.ledger.place(NOVOSELYDIVKA, 48.0337, 37.3021, author="os:analyst-one")
    path = tmp_path / f"claims.{fmt}"
    if fmt == "csv":
        path.write_text(a.ledger.export_csv())
    else:
        data = a.ledger.export_geojson()
        (feature,) = data["features"]
        assert feature["geometry"]["coordinates"] == [37.3021, 48.0337]
        path.write_text(json.dumps(data))
    b = Workspace(f"sqlite:///{tmp_path / 'b.sqlite'}", gazetteer=gazetteer, seed=False)
    result = b.ledger.import_file(path)
    assert len(result.added) == 1
    (placement,) = b.ledger.placements()
    assert (placement.place_id, placement.lat, placement.lon, placement.author) == (
        NOVOSELYDIVKA,
        48.0337,
        37.3021,
        "os:analyst-one",
    )
    assert b.gazetteer.get(NOVOSELYDIVKA).mapped
    assert list(b.layers(date(2024, 10, 2))["ru"]["place"]) == ["Novoselydivka"]


def test_an_import_with_a_village_placed_outside_its_oblast_writes_nothing(tmp_path, gazetteer):
    ledger = Ledger(f"sqlite:///{tmp_path / 'c.sqlite'}", gazetteer=gazetteer, seed_file=None)
    bad = {**CLAIM, "place_lat": 50.45, "place_lon": 30.52, "placed_by": "someone"}
    with pytest.raises(ImportRejected, match="row 1: point: Novoselydivka lies in Donetsk"):
        ledger.import_records([bad], "claims.csv")
    assert ledger.count() == 0 and ledger.placements() == []


def test_an_unplaced_village_is_exported_without_a_point(tmp_path, gazetteer):
    ledger = Ledger(f"sqlite:///{tmp_path / 'd.sqlite'}", gazetteer=gazetteer, seed_file=None)
    ledger.import_records([CLAIM])
    (feature,) = ledger.export_geojson()["features"]
    assert feature["geometry"] is None
    assert "place_lat" not in ledger.export_csv().splitlines()[0]


def test_a_placing_is_a_batch_with_its_author_and_can_be_undone(any_db_url, gazetteer):
    ledger = Ledger(any_db_url, gazetteer=gazetteer, seed_file=None)
    ledger.place(NOVOSELYDIVKA, 48.0337, 37.3021, author="os:analyst-one")
    (batch,) = ledger.batches()
    assert (batch.kind, batch.author, batch.placings) == ("placing", "os:analyst-one", 1)
    assert "Novoselydivka" in batch.origin and "1 village(s) placed" in batch.describe()
    undone = ledger.undo(batch.id, author="os:analyst-two", reason="wrong village")
    assert undone.placings == 1 and undone.batch
    assert ledger.placements() == [] and not ledger.gazetteer.get(NOVOSELYDIVKA).mapped
    # History keeps both rows; undoing the undo puts the village back.
    assert [p.withdrawn for p in ledger.placements(history=True)] == [False, True]
    ledger.undo(undone.batch, author="os:analyst-one")
    (back,) = ledger.placements()
    assert (back.lat, back.lon, back.author) == (48.0337, 37.3021, "os:analyst-one")
    assert ledger.gazetteer.get(NOVOSELYDIVKA).mapped


def test_an_import_that_places_a_village_writes_one_batch(tmp_path, gazetteer):
    ledger = Ledger(f"sqlite:///{tmp_path / 'e.sqlite'}", gazetteer=gazetteer, seed_file=None)
    rec = {**CLAIM, "place_lat": 48.0337, "place_lon": 37.3021, "placed_by": "os:someone"}
    result = ledger.import_records([rec], "claims.csv", author="os:importer")
    (batch,) = ledger.batches()
    assert (batch.id, batch.added, batch.placings) == (result.batch, 1, 1)
    assert ledger.placements()[0].author == "os:someone"


LIST = (
    "Подразделения группировки войск «Центр» освободили населенные пункты Новоселидовка, "
    "Дальнее, Родинское, Сухой Яр и Удачное Донецкой Народной Республики."
)


@pytest.mark.parametrize("placed", [(), (NOVOSELYDIVKA,), (NOVOSELYDIVKA, 1_141_611_012)])
def test_placing_villages_of_a_list_keeps_a_claim_for_every_village(db_url, gazetteer, placed):
    ledger = Ledger(db_url, gazetteer=gazetteer, seed_file=None)
    for k, place_id in enumerate(placed):
        ledger.place(place_id, 48.03 - k * 0.01, 37.30, author="os:analyst")
    ex = extract(LIST, date(2025, 11, 14), gazetteer=ledger.gazetteer)
    names = [c.place.name for c in ex.claims]
    assert names == ["Novoselydivka", "Dalnie", "Rodynske", "Sukhyi Yar", "Udachne"]
    assert {c.place.geonames_id for c in ex.claims if c.place.mapped} >= set(placed)
