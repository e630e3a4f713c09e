"""The offline backdrop: approximate oblasts and reference cities from the gazetteer."""

from __future__ import annotations

import pytest
import shapely

from conflictmap.places.backdrop import backdrop

DONBAS = (36.0, 47.5, 39.5, 49.3)


@pytest.mark.parametrize(
    "name, context, country, oblast",
    [
        ("Pokrovsk", "Donetsk", "UA", "Donetsk"),
        ("Kramatorsk", "Donetsk", "UA", "Donetsk"),
        ("Luhansk", "Luhansk", "UA", "Luhansk"),
        ("Lozova", "Kharkiv", "UA", "Kharkiv"),
    ],
)
def test_places_fall_in_their_own_region(gazetteer, name, context, country, oblast):
    bd = backdrop(gazetteer, DONBAS)
    place = gazetteer.by_name(name, context)
    pt = shapely.Point(place.lon, place.lat)
    hits = bd.regions[bd.regions.contains(pt)]
    assert list(zip(hits["country"], hits["oblast"])) == [(country, oblast)]


def test_regions_and_border_cover_both_countries(gazetteer):
    bd = backdrop(gazetteer, DONBAS)
    assert {"UA", "RU"} <= set(bd.countries["country"])
    ua = bd.countries[bd.countries["country"] == "UA"].geometry.iloc[0]
    ru = bd.countries[bd.countries["country"] == "RU"].geometry.iloc[0]
    assert ua.intersection(ru).area < 1e-9  # areas touch, never overlap
    assert ua.boundary.intersection(ru.boundary).length > 1  # a shared border, degrees


def test_reference_cities_are_large_spread_and_not_districts(gazetteer):
    cities = backdrop(gazetteer, DONBAS).cities
    assert 5 <= len(cities) <= 14
    assert not cities["name"].str.contains("raion|rayon", case=False).any()
    assert list(cities["population"]) == sorted(cities["population"], reverse=True)
    pts = list(cities.geometry)
    for i, a in enumerate(pts):
        for b in pts[i + 1 :]:
            assert a.distance(b) > 0.2


def test_an_empty_corner_has_an_empty_backdrop(gazetteer):
    bd = backdrop(gazetteer, (-40.0, -10.0, -39.0, -9.0))  # the South Atlantic
    assert len(bd.regions) == 0 and len(bd.cities) == 0


@pytest.mark.parametrize(
    "box",
    [
        DONBAS,  # inside the wide area: cut from its backdrop
        (30.0, 46.0, 33.0, 47.5),  # the south-west, around Mykolaiv and Odesa
        (44.0, 52.0, 50.0, 58.0),  # beyond the wide area: a backdrop of its own
    ],
)
def test_every_place_in_a_view_falls_in_its_own_region(gazetteer, box):
    """Whether a view's regions are cut from the wide area's or made for the view
    alone, the places in the view lie in the region of their own oblast."""
    import numpy as np

    bd = backdrop(gazetteer, box)
    x0, y0, x1, y1 = box
    places = [p for p in gazetteer.mapped() if x0 <= p.lon <= x1 and y0 <= p.lat <= y1]
    assert len(places) > 20
    points = shapely.points([p.lon for p in places], [p.lat for p in places])
    tree = shapely.STRtree(bd.regions.geometry.values)
    hit_point, hit_region = tree.query(points, predicate="intersects")
    found = {
        (i, (bd.regions["country"].iloc[j], bd.regions["oblast"].iloc[j]))
        for i, j in zip(hit_point, hit_region)
    }
    own = np.array([(i, (p.country, p.oblast)) in found for i, p in enumerate(places)])
    assert own.mean() > 0.995, [places[i].name for i in np.flatnonzero(~own)][:10]
