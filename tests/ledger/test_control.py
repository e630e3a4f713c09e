"""Control as of a date: the layer rules, the seeded ledger, the fast index."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from conflictmap.ledger.claims import claim_from_record
from conflictmap.ledger.control import (
    LAYERS,
    ControlIndex,
    claims_frame,
    control_layers,
    control_layers_near,
    control_table,
)
from conflictmap.places.footprints import Footprints

D = date(2025, 12, 2)


def claim(gazetteer, place, claimant, controller, when, **extra):
    return claim_from_record(
        {
            "place": place,
            "claimant": claimant,
            "controller": controller,
            "claim_date": when,
            "source_publisher": extra.pop("source", "Test wire"),
            **extra,
        },
        gazetteer,
    )


@pytest.fixture(scope="module")
def footprints(gazetteer):
    return Footprints(gazetteer)


def places_by_layer(gazetteer, footprints, claims, as_of=D):
    layers = control_layers(ControlIndex.from_claims(claims), as_of, footprints)
    return {name: sorted(gdf["place"]) for name, gdf in layers.items()}


@pytest.mark.parametrize(
    "spec, expected",
    [
        # The two sides disagree: contested.
        (
            [("RU", "RU", "2025-12-01"), ("UA", "UA", "2025-12-01")],
            {"ru": ["Siversk"], "ua": ["Siversk"], "contested": ["Siversk"], "agreed": []},
        ),
        # Both name the same controller fully: agreed.
        (
            [("RU", "RU", "2025-12-01"), ("UA", "RU", "2025-12-02")],
            {"contested": [], "agreed": ["Siversk"]},
        ),
        # One side only, no dispute stated: neither contested nor agreed.
        (
            [("RU", "RU", "2025-12-01")],
            {"ru": ["Siversk"], "ua": [], "contested": [], "agreed": []},
        ),
        # One side says contested: contested.
        ([("UA", "CONTESTED", "2025-12-02")], {"ua": ["Siversk"], "contested": ["Siversk"]}),
        # A partial claim is a contested place.
        (
            [("UA", "UA", "2025-12-02", {"part": "north"}), ("RU", "UA", "2025-12-01")],
            {"contested": ["Siversk"], "agreed": []},
        ),
        # The latest claim wins: Ukraine later concedes the place.
        (
            [("RU", "RU", "2025-11-01"), ("UA", "UA", "2025-11-01"), ("UA", "RU", "2025-11-20")],
            {"contested": [], "agreed": ["Siversk"]},
        ),
        # Claims made after the date are not known yet.
        (
            [("RU", "RU", "2025-12-01"), ("UA", "UA", "2025-12-05")],
            {"ua": [], "contested": [], "agreed": []},
        ),
        # Third parties are their own layer and do not make a place contested.
        (
            [("OTHER", "RU", "2025-12-01"), ("RU", "RU", "2025-12-01")],
            {"other": ["Siversk"], "contested": [], "agreed": []},
        ),
    ],
)
def test_layer_rules(gazetteer, footprints, spec, expected):
    claims = [
        claim(gazetteer, "Siversk", c, ctl, d, **(extra[0] if extra else {}))
        for c, ctl, d, *extra in spec
    ]
    got = places_by_layer(gazetteer, footprints, claims)
    for layer, places in expected.items():
        assert got[layer] == places, layer


def test_same_day_claims_the_most_specific_wins(gazetteer):
    claims = [
        claim(gazetteer, "Pokrovsk", "UA", "CONTESTED", "2025-12-02", source="A"),
        claim(gazetteer, "Pokrovsk", "UA", "UA", "2025-12-02", part="north", source="B"),
        claim(gazetteer, "Pokrovsk", "UA", "UA", "2025-12-02", source="C"),
    ]
    for order in (claims, claims[::-1]):
        latest = ControlIndex.from_claims(order).latest(D)
        assert list(latest["part"]) == ["north"]


@pytest.fixture
def seeded_layers(workspace):
    return workspace.layers(D)


def row(layers, layer, place):
    gdf = layers[layer]
    hit = gdf[gdf["place"] == place]
    assert len(hit) == 1, f"{place} not in {layer}: {list(gdf['place'])}"
    return hit.iloc[0]


@pytest.mark.parametrize(
    "layer, place, controller, extent, part",
    [
        ("ru", "Pokrovsk", "RU", "full", None),
        ("ua", "Pokrovsk", "UA", "partial", "north"),
        ("contested", "Pokrovsk", "CONTESTED", None, None),
        ("contested", "Vovchansk", "CONTESTED", None, None),
        ("other", "Kramatorsk", "UA", "full", None),
        ("other", "Sloviansk", "UA", "full", None),
    ],
)
def test_seeded_ledger_on_2_december(seeded_layers, layer, place, controller, extent, part):
    r = row(seeded_layers, layer, place)
    assert r["controller"] == controller
    assert (r["extent"] if isinstance(r["extent"], str) else None) == extent
    assert (r["part"] if isinstance(r["part"], str) else None) == part
    assert r["source_url"] or r["source_publisher"]


def test_ukraine_northern_part_is_drawn_north_of_the_centre(seeded_layers, workspace):
    north = row(seeded_layers, "ua", "Pokrovsk").geometry
    whole = row(seeded_layers, "ru", "Pokrovsk").geometry
    centre = workspace.gazetteer.get(704422)
    assert north.bounds[1] == pytest.approx(centre.lat, abs=1e-4)
    assert north.area == pytest.approx(whole.area / 2, rel=0.02)


def test_kramatorsk_and_sloviansk_are_not_contested(seeded_layers):
    assert not {"Kramatorsk", "Sloviansk"} & set(seeded_layers["contested"]["place"])


def test_before_the_kremlin_claim_pokrovsk_is_unclaimed(small_ws):
    """In the first ledger nobody claims Pokrovsk before the Kremlin does on 1 December."""
    layers = small_ws.layers(date(2025, 11, 25))
    assert "Pokrovsk" not in set(control_table(layers)["place"])
    assert "Chasiv Yar" in set(layers["contested"]["place"])


def test_contested_row_names_both_sides(seeded_layers):
    r = row(seeded_layers, "contested", "Pokrovsk")
    assert r["claimant"] == "RU+UA"
    assert (
        "Russia: RU holds all" in r["summary"]
        and "Ukraine: UA holds the north part" in r["summary"]
    )


def test_layers_carry_the_claim_columns(seeded_layers):
    for name in LAYERS:
        gdf = seeded_layers[name]
        assert gdf.crs.to_epsg() == 4326
        for col in (
            "place",
            "layer",
            "controller",
            "extent",
            "fraction",
            "part",
            "claim_date",
            "claimant",
            "claimant_org",
            "source_url",
            "source_publisher",
        ):
            assert col in gdf.columns
        assert (gdf["layer"] == name).all()


def test_before_any_claim_everything_is_empty(workspace):
    assert all(len(g) == 0 for g in workspace.layers(date(2000, 1, 1)).values())


def test_history_is_ordered_and_stops_at_the_date(workspace):
    hist = workspace.history(704422, date(2025, 12, 1))
    assert len(hist) > 0
    assert list(hist["claim_date"]) == sorted(hist["claim_date"])
    assert max(hist["claim_date"]) <= date(2025, 12, 1)


def naive_latest(frame: pd.DataFrame, as_of: date) -> set:
    """The obvious computation, to check the index against."""
    df = frame[frame["claim_date"] <= as_of]
    df = df.sort_values(["place_id", "claimant", "claim_date"])
    last = df.groupby(["place_id", "claimant"]).tail(1)
    return set(zip(last["place_id"], last["claimant"], last["claim_date"]))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_index_agrees_with_a_plain_groupby(seed):
    rng = np.random.default_rng(seed)
    n = 5000
    start = date(2022, 2, 24)
    frame = pd.DataFrame(
        {
            "claim_id": [f"c{i}" for i in range(n)],
            "place_id": rng.integers(1, 300, n),
            "claimant": rng.choice(["RU", "UA", "OTHER"], n),
            "controller": rng.choice(["RU", "UA"], n),  # full claims only: no same-day tie-break
            "claim_date": [start + timedelta(days=int(x)) for x in rng.integers(0, 1400, n)],
            "part": None,
            "fraction": np.nan,
            "extent": "full",
        }
    )
    frame = frame.drop_duplicates(["place_id", "claimant", "claim_date"])
    index = ControlIndex(frame)
    for offset in (-5, 0, 100, 700, 1399, 2000):
        as_of = start + timedelta(days=offset)
        got = index.latest(as_of)
        assert set(zip(got["place_id"], got["claimant"], got["claim_date"])) == naive_latest(
            frame, as_of
        )


def test_empty_index():
    index = ControlIndex(claims_frame([]))
    assert len(index) == 0 and index.dates == []
    assert len(index.latest(D)) == 0


def _same_layers(got: dict, want: dict) -> None:
    assert list(got) == list(want)
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], check_dtype=False, obj=name)
        assert list(got[name].geometry.to_wkb()) == list(want[name].geometry.to_wkb()), name
        assert got[name].crs == want[name].crs


def _date_pairs(dates: list[date]) -> list[tuple[date, date]]:
    """Each claim date from the one before and after it, the first from the last, a
    day before any claim from the last, and the same date from itself."""
    steps = list(zip(dates, dates[1:]))
    before_all = dates[0] - timedelta(days=3)
    return [
        *steps,
        *[(b, a) for a, b in steps],
        (dates[-1], dates[0]),
        (dates[-1], before_all),
        (before_all, dates[-1]),
        (dates[2], dates[2]),
    ]


def test_layers_made_from_a_near_date_equal_layers_made_from_scratch(workspace):
    """On the curated ledger (parts, shares, contested and agreed places, same-day
    claims): for every step between claim dates, and far jumps, the rows, their order,
    shapes and CRS are the same."""
    index, footprints = workspace.index, workspace.footprints
    dates = index.dates
    assert len(dates) > 5
    for near, as_of in _date_pairs(dates):
        base = control_layers(index, near, footprints)
        got = control_layers_near(index, as_of, footprints, (near, base))
        _same_layers(got, control_layers(index, as_of, footprints))


@pytest.mark.parametrize("seed", [1, 2])
def test_changed_places_are_those_whose_latest_claims_differ(seed):
    rng = np.random.default_rng(seed)
    n, start = 3000, date(2024, 1, 1)
    frame = pd.DataFrame(
        {
            "claim_id": [f"c{i}" for i in range(n)],
            "place_id": rng.integers(1, 200, n),
            "claimant": rng.choice(["RU", "UA", "OTHER"], n),
            "controller": rng.choice(["RU", "UA"], n),
            "claim_date": [start + timedelta(days=int(x)) for x in rng.integers(0, 400, n)],
            "part": None,
            "fraction": np.nan,
            "extent": "full",
        }
    ).drop_duplicates(["place_id", "claimant", "claim_date"])
    index = ControlIndex(frame)
    for a, b in ((10, 11), (11, 10), (0, 399), (-5, 30), (200, 200), (250, 260)):
        before, after = start + timedelta(days=a), start + timedelta(days=b)
        old, new = naive_latest(frame, before), naive_latest(frame, after)
        want = {pid for pid, *_ in old ^ new}
        assert set(index.changed_places(before, after).tolist()) == want


def test_a_workspace_gives_the_same_layers_whatever_dates_it_made_before(
    workspace, db_url, gazetteer
):
    from conflictmap.workspace import Workspace

    dates = workspace.index.dates
    for day in (dates[-1], dates[-2], dates[0], dates[len(dates) // 2]):
        workspace.layers(day)  # each made from the nearest date made before it
    fresh = Workspace(db_url, gazetteer=gazetteer)
    for day in (dates[-2], dates[0], dates[len(dates) // 2]):
        _same_layers(workspace.layers(day), fresh.layers(day))
