"""The assessment in force on a date, claims annotated against it, confirmation lag, the
import (all or nothing) and the ``assessment`` commands."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pandas as pd
import pytest
import shapely

from conflictmap.assessment.deepstate import DeepStateError
from conflictmap.assessment.layers import (
    MAP_KINDS,
    annotate_as_of,
    annotate_layers,
    claim_verdicts,
    compare_claims,
    confirmation_lags,
    import_files,
    overlay_as_of,
    place_shares,
    stored_assessment,
    stored_summary,
)
from conflictmap.assessment.overlay import AssessmentOverlay
from conflictmap.cli import main
from conflictmap.workspace import Workspace

POKROVSK, KRAMATORSK = 704422, 704508
README_CITIES = [
    "Pokrovsk",
    "Myrnohrad",
    "Vovchansk",
    "Kupiansk",
    "Siversk",
    "Huliaipole",
    "Avdiivka",
    "Bakhmut",
    "Kramatorsk",
    "Sloviansk",
]


@pytest.fixture
def bare(db_url, gazetteer):
    """A workspace with no claims and no assessments."""
    return Workspace(db_url, gazetteer=gazetteer, seed=False)


def claim(ws, **fields):
    record = {"source_publisher": "Test desk", "claimant_org": "", **fields}
    ws.ledger.import_records([record], author="os:test")


def box_around(ws, place_id, *, south_of_centre=False, pad=0.05):
    """A lon/lat box around a place's footprint (or its half south of the centre)."""
    x0, y0, x1, y1 = ws.footprints.footprint(place_id).bounds
    if south_of_centre:
        y1 = ws.gazetteer.get(place_id).lat
    return shapely.box(x0 - pad, y0 - pad, x1 + pad, y1)


# -- which assessment ------------------------------------------------------------------
@pytest.mark.parametrize(
    "as_of, expected",
    [
        (date(2025, 11, 30), None),
        (date(2025, 12, 1), date(2025, 12, 1)),
        (date(2025, 12, 5), date(2025, 12, 1)),
        (date(2025, 12, 11), date(2025, 12, 11)),
        (date(2026, 6, 1), date(2025, 12, 11)),
    ],
)
def test_overlay_as_of_is_nearest_on_or_before(bare, as_of, expected):
    square = shapely.box(37, 48, 37.1, 48.1)
    bare.ledger.add_assessments(
        [
            stored_assessment(date(2025, 12, 1), "occupied", square),
            stored_assessment(
                date(2025, 12, 1), "grey_zone", square.buffer(0.01).difference(square)
            ),
            stored_assessment(date(2025, 12, 11), "occupied", square.buffer(0.05)),
        ],
        author="os:test",
    )
    overlay = overlay_as_of(bare.ledger, as_of)
    if expected is None:
        assert overlay is None
    else:
        assert overlay.assessed_on == expected
        assert isinstance(overlay, AssessmentOverlay)
        assert hash(overlay) == hash(overlay_as_of(bare.ledger, as_of))  # callers cache on it
        assert "occupied" in overlay.shapes
        assert ("grey_zone" in overlay.shapes) == (expected == date(2025, 12, 1))


def test_overlay_kinds(bare):
    square = shapely.box(37, 48, 37.1, 48.1)
    bare.ledger.add_assessments(
        [
            stored_assessment(date(2025, 8, 3), kind, square.buffer(i))
            for i, kind in enumerate(["occupied", "grey_zone", "liberated"])
        ],
        author="os:test",
    )
    assert sorted(overlay_as_of(bare.ledger, date(2025, 8, 3)).shapes) == [
        "grey_zone",
        "liberated",
        "occupied",
    ]
    assert sorted(overlay_as_of(bare.ledger, date(2025, 8, 3), MAP_KINDS).shapes) == [
        "grey_zone",
        "occupied",
    ]
    overlay, _ = annotate_as_of(bare, bare.layers(date(2025, 8, 3)), date(2025, 8, 3))
    assert sorted(overlay.shapes) == ["grey_zone", "occupied"]


# -- claims against it ------------------------------------------------------------------
def test_annotate_layers_uses_the_claimed_part(bare):
    day = date(2025, 12, 2)
    claim(bare, place="Pokrovsk", claimant="RU", controller="RU", claim_date="2025-12-01")
    claim(
        bare,
        place="Pokrovsk",
        claimant="UA",
        controller="UA",
        part="north",
        claim_date="2025-12-02",
    )
    claim(bare, place_id=KRAMATORSK, claimant="OTHER", controller="UA", claim_date="2025-12-02")
    # DeepState (hand-made): the southern half of Pokrovsk occupied, a grey strip north.
    south = box_around(bare, POKROVSK, south_of_centre=True)
    bare.ledger.add_assessments([stored_assessment(day, "occupied", south)], author="os:test")
    overlay = overlay_as_of(bare.ledger, day)
    layers = annotate_layers(bare.layers(day), overlay, bare.footprints)

    ru = layers["ru"].set_index("place").loc["Pokrovsk"]
    assert ru["occupied_share"] == pytest.approx(0.5, abs=0.01)
    assert ru["verdict"] == "unclear"  # half occupied, half free: neither
    assert ru["assessment_date"] == "2025-12-02"
    assert "50% occupied" in ru["assessment_summary"]
    ua = layers["ua"].set_index("place").loc["Pokrovsk"]
    assert ua["occupied_share"] == pytest.approx(0.0, abs=0.01)  # the north part
    assert ua["verdict"] == "consistent"
    other = layers["other"].set_index("place").loc["Kramatorsk"]
    assert (other["occupied_share"], other["verdict"]) == (0.0, "consistent")
    contested = layers["contested"].set_index("place").loc["Pokrovsk"]
    assert contested["verdict"] == "consistent"  # split between the sides
    # Geometry and the original columns are kept.
    assert layers["ru"].geometry.iloc[0].equals(bare.layers(day)["ru"].geometry.iloc[0])
    assert {"claim_id", "summary", "source_publisher"} <= set(layers["ru"].columns)


@pytest.mark.parametrize(
    "occupied, expected",
    [
        ("all", "consistent"),
        ("none", "inconsistent"),
        ("grey", "unclear"),
    ],
)
def test_russian_capture_claim_verdicts(bare, occupied, expected):
    day = date(2025, 12, 2)
    claim(bare, place="Pokrovsk", claimant="RU", controller="RU", claim_date="2025-12-01")
    around = box_around(bare, POKROVSK)
    items = {
        "all": [stored_assessment(day, "occupied", around)],
        "none": [stored_assessment(day, "occupied", shapely.box(30, 45, 30.1, 45.1))],
        "grey": [stored_assessment(day, "grey_zone", around)],
    }[occupied]
    bare.ledger.add_assessments(items, author="os:test")
    layers = annotate_layers(bare.layers(day, ("ru",)), overlay_as_of(bare.ledger, day))
    assert layers["ru"]["verdict"].tolist() == [expected]


def test_no_overlay_leaves_layers_unchanged(bare):
    claim(bare, place="Pokrovsk", claimant="RU", controller="RU", claim_date="2025-12-01")
    layers = bare.layers(date(2025, 12, 2))
    assert annotate_layers(layers, None, bare.footprints) is layers
    assert "verdict" not in layers["ru"].columns


@pytest.mark.parametrize(
    "agreeing, disagreeing, as_of, confirmed, lag, exact",
    [
        # 30 Nov agrees but is before the claim; 2 Dec disagrees; 3 Dec agrees: exact.
        ([-1, 2], [1], None, 2, 2, True),
        # A gap: nothing stored between 1 Dec and 5 Dec, so 4 days is an upper bound.
        ([4], [0], None, 4, 4, False),
        # Already agreeing on the claim date.
        ([0], [], None, 0, 0, True),
        # Not yet confirmed as of 2 Dec.
        ([4], [0], 1, None, None, None),
        ([], [0, 3], None, None, None, None),
    ],
)
def test_confirmation_lag(bare, agreeing, disagreeing, as_of, confirmed, lag, exact):
    claim_day = date(2025, 12, 1)
    claim(bare, place="Pokrovsk", claimant="RU", controller="RU", claim_date="2025-12-01")
    claim(bare, place="Pokrovsk", claimant="UA", controller="CONTESTED", claim_date="2025-12-01")
    around, elsewhere = box_around(bare, POKROVSK), shapely.box(30, 45, 30.1, 45.1)
    bare.ledger.add_assessments(
        [stored_assessment(claim_day + timedelta(days=d), "occupied", around) for d in agreeing]
        + [
            stored_assessment(claim_day + timedelta(days=d), "occupied", elsewhere)
            for d in disagreeing
        ],
        author="os:test",
    )
    frame = bare.index.latest(date(2025, 12, 31))
    lags = confirmation_lags(
        bare.ledger,
        frame,
        bare.footprints,
        as_of=None if as_of is None else claim_day + timedelta(days=as_of),
    )
    assert len(lags) == 1  # only the Russian capture claim
    row = lags.iloc[0]
    expected_on = None if confirmed is None else (claim_day + timedelta(days=confirmed)).isoformat()
    assert row["confirmed_on"] == expected_on
    days = row["confirmation_lag_days"]
    assert (None if pd.isna(days) else int(days)) == lag
    assert row["lag_exact"] == exact


def test_lags_reach_the_layers(bare):
    claim(bare, place="Pokrovsk", claimant="RU", controller="RU", claim_date="2025-12-01")
    claim(bare, place="Pokrovsk", claimant="UA", controller="CONTESTED", claim_date="2025-12-02")
    bare.ledger.add_assessments(
        [stored_assessment(date(2025, 12, 3), "occupied", box_around(bare, POKROVSK))],
        author="os:test",
    )
    day = date(2025, 12, 5)
    lags = confirmation_lags(bare.ledger, bare.index.latest(day), bare.footprints, as_of=day)
    layers = annotate_layers(
        bare.layers(day), overlay_as_of(bare.ledger, day), bare.footprints, lags=lags
    )
    ru = layers["ru"].iloc[0]
    assert (ru["confirmed_on"], int(ru["confirmation_lag_days"]), ru["lag_exact"]) == (
        "2025-12-03",
        2,
        False,
    )
    assert layers["ua"].iloc[0]["confirmed_on"] is None  # not a capture claim
    contested = layers["contested"].iloc[0]  # carries both sides' claim ids
    assert contested["confirmed_on"] == "2025-12-03"


def test_annotate_as_of_brings_overlay_and_lags(bare):
    claim(bare, place="Pokrovsk", claimant="RU", controller="RU", claim_date="2025-12-01")
    around = box_around(bare, POKROVSK)
    bare.ledger.add_assessments(
        [
            stored_assessment(date(2025, 12, 1), "grey_zone", around),
            stored_assessment(date(2025, 12, 2), "occupied", around),
        ],
        author="os:test",
    )
    layers = bare.layers(date(2025, 12, 1))
    assert annotate_as_of(bare, layers, date(2025, 11, 30)) == (None, layers)
    overlay, annotated = annotate_as_of(bare, layers, date(2025, 12, 1))
    ru = annotated["ru"].iloc[0]
    assert overlay.assessed_on == date(2025, 12, 1)
    assert (ru["grey_share"], ru["verdict"], ru["confirmed_on"]) == (1.0, "unclear", None)
    overlay, annotated = annotate_as_of(bare, bare.layers(date(2025, 12, 2)), date(2025, 12, 2))
    ru = annotated["ru"].iloc[0]
    # 1 December stored no occupied polygon: the lag of one day is only an upper bound.
    assert (ru["verdict"], ru["confirmed_on"], ru["lag_exact"]) == (
        "consistent",
        "2025-12-02",
        False,
    )


@pytest.mark.parametrize(
    "claim_date, assessed, expected_date",
    [
        ("2025-12-02", ["2025-12-02"], "2025-12-02"),  # same day
        ("2025-12-05", ["2025-12-02", "2025-12-09"], "2025-12-02"),  # the one in force
        ("2025-12-09", ["2025-12-02"], "2025-12-02"),  # 7 days old: still used
        ("2025-12-10", ["2025-12-02"], None),  # 8 days old: too old
        ("2025-12-01", ["2025-12-02"], None),  # only later ones
    ],
)
def test_claim_verdicts_use_the_assessment_of_the_claim_date(
    bare, claim_date, assessed, expected_date
):
    claim(bare, place="Pokrovsk", claimant="RU", controller="RU", claim_date=claim_date)
    bare.ledger.add_assessments(
        [
            stored_assessment(date.fromisoformat(d), "occupied", box_around(bare, POKROVSK))
            for d in assessed
        ],
        author="os:test",
    )
    got = claim_verdicts(bare, bare.index.frame, labels={"RU": "Russia"})
    row = got.iloc[0]
    assert (row["date"], row["place_id"], row["claimant"], row["claim"]) == (
        date.fromisoformat(claim_date),
        POKROVSK,
        "Russia",
        "RU holds all",
    )
    assert row["assessment_date"] == expected_date
    assert row["verdict"] == ("consistent" if expected_date else None)
    first_on_or_after = min((d for d in assessed if d >= claim_date), default=None)
    assert row["confirmed_on"] == first_on_or_after


def test_claim_verdicts_measure_the_claimed_part(bare):
    day = date(2025, 12, 2)
    claim(
        bare,
        place="Pokrovsk",
        claimant="UA",
        controller="UA",
        part="north",
        claim_date="2025-12-02",
    )
    claim(bare, place="Pokrovsk", claimant="RU", controller="RU", claim_date="2025-12-02")
    claim(
        bare,
        place="Pokrovsk",
        claimant="RU",
        controller="RU",
        part="south",
        claim_date="2025-12-02",
        source_publisher="Another desk",
    )
    bare.ledger.add_assessments(
        [stored_assessment(day, "occupied", box_around(bare, POKROVSK, south_of_centre=True))],
        author="os:test",
    )
    got = claim_verdicts(bare, bare.index.frame).set_index("claim")
    assert got.loc["UA holds the north part", "occupied_share"] == pytest.approx(0, abs=0.01)
    assert got.loc["RU holds the south part", "occupied_share"] == pytest.approx(1, abs=0.01)
    assert got.loc["RU holds all", "occupied_share"] == pytest.approx(0.5, abs=0.01)
    assert got.loc["UA holds the north part", "verdict"] == "consistent"
    assert got.loc["RU holds the south part", "verdict"] == "consistent"
    assert got.loc["RU holds all", "confirmed_on"] is None  # half occupied, centre on the edge


# -- import -----------------------------------------------------------------------------
def write(path, data):
    path.write_text(json.dumps(data))
    return path


def test_import_is_all_or_nothing(bare, tmp_path):
    good = write(
        tmp_path / "occupied_2025-12-02.geojson",
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"kind": "occupied"},
                    "geometry": shapely.geometry.mapping(shapely.box(37, 48, 38, 49)),
                }
            ],
        },
    )
    bad = tmp_path / "greyzone_2025-12-02.geojson"
    bad.write_text("{ this is not json")
    with pytest.raises(DeepStateError, match="greyzone_2025-12-02.geojson: not valid JSON"):
        import_files(bare.ledger, [good, bad], author="os:test")
    assert bare.ledger.assessment_dates() == []
    results = import_files(bare.ledger, [good], on=date(2025, 12, 3), author="os:test")
    assert [r.assessed_on for r in results] == [date(2025, 12, 3)]
    assert bare.ledger.assessment_dates() == [date(2025, 12, 3)]
    summary = stored_summary(bare.ledger)
    assert summary[["date", "kind"]].values.tolist() == [["2025-12-03", "occupied"]]
    assert 7000 < summary["area_km2"].iloc[0] < 9000  # 1° x 1° at 48°N


# -- the real files and the command line -------------------------------------------------
@pytest.fixture(scope="module")
def real(shared_dir, tmp_path_factory, gazetteer):
    """A workspace seeded with the curated claims and every primary DeepState file."""
    url = f"sqlite:///{tmp_path_factory.mktemp('assess') / 'ledger.sqlite'}"
    ws = Workspace(url, gazetteer=gazetteer)
    files = sorted((shared_dir / "deepstate").glob("*.geojson"))
    import_files(ws.ledger, files, author="os:test")
    return ws


@pytest.fixture(scope="module")
def readme_rows(shared_dir):
    with open(shared_dir / "deepstate" / "point_checks.csv", newline="") as fh:
        return [r for r in csv.DictReader(fh) if "/" not in r["file"]]


@pytest.mark.shared
def test_real_import_stores_every_date_and_kind(real):
    summary = stored_summary(real.ledger)
    assert len(summary) == 16
    assert sorted(set(summary["kind"])) == ["grey_zone", "occupied"]
    assert summary.groupby("date").size().eq(2).all()


@pytest.mark.shared
def test_place_shares_reproduce_the_readme_table(real, readme_rows, gazetteer):
    """Every city and date of the README table, through the stored assessments."""
    assert len(readme_rows) == 80
    for row in readme_rows:
        place = gazetteer.by_name(row["city"], "Donetsk Kharkiv Zaporizhzhia")
        got = place_shares(
            real.ledger,
            real.footprints,
            place.geonames_id,
            date.fromisoformat(row["date"]),
            radius_km=3,
            at=(float(row["lat"]), float(row["lon"])),
        )
        where = f"{row['city']} {row['date']}"
        assert got["assessment_date"] == row["date"], where
        assert f"{got['occupied_share']:.3f}" == f"{float(row['frac3km_occupied']):.3f}", where
        assert f"{got['grey_share']:.3f}" == f"{float(row['frac3km_greyzone']):.3f}", where
        assert got["centre_in_occupied"] == (row["in_occupied"] == "True"), where


@pytest.fixture
def run(real, capsys):
    def _run(*argv):
        code = main(["--db", real.ledger.url, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.mark.shared
def test_cli_share_with_readme_coordinates(run):
    code, out, _ = run(
        "assessment",
        "share",
        "Pokrovsk",
        "--date",
        "2025-12-05",
        "--radius-km",
        "3",
        "--at",
        "48.2837,37.1813",
    )
    got = json.loads(out)
    assert code == 0
    assert (got["assessment_date"], got["basis"], got["epsg"]) == ("2025-12-02", "circle", 32637)
    assert (round(got["occupied_share"], 3), round(got["grey_share"], 3)) == (0.369, 0.545)


@pytest.mark.shared
def test_cli_share_uses_the_gazetteer_by_default(run, gazetteer):
    code, out, _ = run("assessment", "share", "Krasnoarmeysk", "--date", "2025-12-02")
    got = json.loads(out)
    place = gazetteer.get(POKROVSK)
    assert code == 0
    assert (got["place"], got["lat"], got["lon"], got["basis"]) == (
        "Pokrovsk",
        place.lat,
        place.lon,
        "footprint",
    )
    assert 0 < got["occupied_share"] < 1 and 0 < got["grey_share"] < 1
    assert got["occupied_share"] + got["grey_share"] <= 1 + 1e-9


@pytest.mark.shared
@pytest.mark.parametrize(
    "argv, message",
    [
        (["share", "Pokrovsk", "--date", "2020-01-01"], "no assessment on or before 2020-01-01"),
        (["share", "Nowhereville", "--date", "2025-12-02"], "'Nowhereville' is unresolved"),
        (["share", "Pokrovsk", "--date", "2025-12-02", "--radius-km", "-1"], "positive"),
        (
            ["share", "Pokrovsk", "--date", "2025-12-02", "--at", "nonsense", "--radius-km", "3"],
            "expected LAT,LON",
        ),
        (["share", "Pokrovsk", "--date", "02.12.2025"], "is not a date"),
        (["compare", "--date", "2020-01-01"], "no assessment on or before"),
    ],
)
def test_cli_errors(run, argv, message):
    code, out, err = run("assessment", *argv)
    assert code == 2 and message in err and out == ""


@pytest.mark.shared
def test_cli_compare_pokrovsk_claim_of_1_december(run):
    code, out, _ = run("assessment", "compare", "--date", "2025-12-02")
    data = json.loads(out)
    assert code == 0 and data["as_of"] == "2025-12-02"
    rows = [r for r in data["claims"] if r["place"] == "Pokrovsk" and r["claimant"] == "RU"]
    assert len(rows) == 1
    ru = rows[0]
    assert (ru["claim_date"], ru["controller"], ru["assessment_date"]) == (
        "2025-12-01",
        "RU",
        "2025-12-02",
    )
    assert ru["verdict"] in ("consistent", "inconsistent", "unclear")
    assert 0.2 < ru["occupied_share"] < 0.75 and ru["grey_share"] > 0.25
    assert ru["verdict"] == "unclear"  # DeepState: part occupied, much of it grey
    assert (ru["confirmed_on"], ru["confirmation_lag_days"]) == ("2025-12-01", 0)
    assert all(r["verdict"] in ("consistent", "inconsistent", "unclear") for r in data["claims"])
    code, out, _ = run("assessment", "compare", "--date", "2025-12-02", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(table) == len(data["claims"])
    assert {"verdict", "occupied_share", "confirmation_lag_days"} <= set(table[0])


@pytest.mark.shared
def test_compare_claims_table(real):
    table = compare_claims(real, date(2025, 12, 27))
    by = {(r.place, r.claimant): r for r in table.itertuples()}
    assert by[("Bakhmut", "OTHER")].verdict == "consistent"
    assert by[("Kramatorsk", "OTHER")].verdict == "consistent"
    assert by[("Pokrovsk", "RU")].assessment_date == "2025-12-27"


@pytest.mark.shared
def test_cli_import_refuses_a_bad_file_and_writes_nothing(shared_dir, db_url, capsys, tmp_path):
    bad = tmp_path / "greyzone_2025-12-02.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": []}')
    good = shared_dir / "deepstate" / "occupied_2025-12-02.geojson"
    code = main(["--db", db_url, "assessment", "import", str(good), str(bad)])
    _, err = capsys.readouterr()
    assert code == 2 and "greyzone_2025-12-02.geojson" in err and "nothing imported" in err
    assert main(["--db", db_url, "assessment", "list"]) == 1
    code = main(["--db", db_url, "assessment", "import", str(good), "--date", "2025-12-03"])
    out, _ = capsys.readouterr()
    assert code == 0 and "2025-12-03 occupied" in out
