import pytest

from conflictmap.places.regions import region_phrases, regions_in


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Pokrovsk in the Donetsk region", {"Donetsk"}),
        ("Zaporozhye and Kharkov", {"Zaporizhzhia", "Kharkiv"}),
        ("nothing here", set()),
        ("", set()),
        ("DONETSK OBLAST", {"Donetsk"}),
        ("Kyiv's General Staff denied it", set()),
        ("Kyiv’s forces in Kharkiv", {"Kharkiv"}),
        ("forces of the DPR", {"Donetsk"}),
    ],
)
def test_regions_in(text, expected):
    assert regions_in(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("in the Donetsk region", ["Donetsk"]),
        ("Kharkiv Oblast and Sumy oblast", ["Kharkiv", "Sumy"]),
        ("the region of Zaporizhzhia", ["Zaporizhzhia"]),
        ("the city of Donetsk", []),
        ("the Donetsk and Luhansk oblasts", ["Luhansk"]),
        ("the Donetsk People's Republic", ["Donetsk"]),
    ],
)
def test_region_phrases_are_context_not_settlements(text, expected):
    assert [name for _, _, name in region_phrases(text)] == expected
