"""Building the gazetteer: news names, aliases, and a reproducible file."""

import json
import os
import subprocess
import sys

import pytest

from conflictmap.paths import ROOT
from conflictmap.places.build import build_rows, news_name

CITIES = {
    "707898": {
        "geonameid": 707898,
        "name": "Hulyaypole",
        "latitude": 47.66685,
        "longitude": 36.25576,
        "countrycode": "UA",
        "population": 13446,
        "admin1code": "26",
        "alternatenames": [
            "Guljaj-Pole",
            "Huliaipole",
            "Гуляй-Поле",
            "Гуляйполе",
            "KRQ",
            "furyaipore",
        ],
    },
    "691999": {
        "geonameid": 691999,
        "name": "Siverskodonetsk",
        "latitude": 48.94832,
        "longitude": 38.49166,
        "countrycode": "UA",
        "population": 130000,
        "admin1code": "14",
        "alternatenames": ["Severodonetsk", "Сєвєродонецьк", "Сіверськодонецьк", "Северодонецк"],
    },
}


def outputs_under_hash_seeds(script: str, payload) -> set[str]:
    """What ``script`` prints for ``payload`` (JSON on stdin) under three hash seeds."""
    outputs = set()
    for seed in ("1", "2", "3"):
        proc = subprocess.run(
            [sys.executable, "-c", script],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.add(proc.stdout)
    return outputs


@pytest.mark.parametrize(
    "geonames_name, alternates, expected",
    [
        ("Slovyansk", ["Slavyansk", "Славянск", "Слов’янськ"], "Sloviansk"),
        ("Donetsk", ["Дінецьк", "Донецьк", "Сталіно"], "Donetsk"),
        ("Pobednoye", ["Победное", "Побєдне"], "Pobiedne"),
        ("Kyiv", [], "Kyiv"),
    ],
)
def test_news_name(geonames_name, alternates, expected):
    assert news_name(geonames_name, alternates) == expected


def test_rows_carry_news_names_aliases_and_overrides():
    rows = {r["geonames_id"]: r for r in build_rows(CITIES, {691999: "Sievierodonetsk"})}
    huliaipole = rows[707898]
    assert (huliaipole["name"], huliaipole["oblast"]) == ("Huliaipole", "Zaporizhzhia")
    aliases = huliaipole["aliases"].split("|")
    assert {"Hulyaypole", "Gulyaipole", "Guliaipole", "Gulyai-Pole"} <= set(aliases)
    assert "KRQ" not in aliases and "furyaipore" not in aliases
    assert rows[691999]["name"] == "Sievierodonetsk"
    assert "Siverskodonetsk" in rows[691999]["aliases"].split("|")


def test_rows_do_not_depend_on_hash_order():
    script = (
        "import json, sys; from conflictmap.places.build import build_rows; "
        "print(json.dumps(build_rows(json.loads(sys.stdin.read()), {})))"
    )
    assert len(outputs_under_hash_seeds(script, CITIES)) == 1


REGISTER = [
    {
        "katottg": "UA23100070010012345",
        "name": "Гуляйполе",
        "category": "M",
        "oblast": "Zaporizhzhia",
        "raion": "Polohivskyi",
        "hromada": "Huliaipilska",
        "hromada_code": "2310007",
        "centre": True,
    },
    {
        "katottg": "UA14160110200090457",
        "name": "Новоселидівка",
        "category": "C",
        "oblast": "Donetsk",
        "raion": "Pokrovskyi",
        "hromada": "Kurakhivska",
        "hromada_code": "1416011",
        "centre": False,
    },
]


def test_register_entries_join_geonames_or_come_unmapped():
    rows = {r["name"]: r for r in build_rows(CITIES, {691999: "Sievierodonetsk"}, REGISTER)}
    town = rows["Huliaipole"]
    assert (town["katottg"], town["raion"], town["lat"]) == (
        "UA23100070010012345",
        "Polohivskyi",
        47.66685,
    )
    village = rows["Novoselydivka"]
    assert village["lat"] == "" and village["geonames_id"] == 1_141_611_020
    assert {"Новоселидівка", "Новоселидовка", "Novoselidovka"} <= set(village["aliases"].split("|"))


def test_joined_rows_do_not_depend_on_hash_order():
    script = (
        "import json, sys; from conflictmap.places.build import build_rows; "
        "cities, register = json.loads(sys.stdin.read()); "
        "print(json.dumps(build_rows(cities, {}, register)))"
    )
    assert len(outputs_under_hash_seeds(script, [CITIES, REGISTER])) == 1


@pytest.mark.parametrize("seed", ["0", "12345"])
def test_the_bundled_gazetteer_is_rebuilt_byte_for_byte(tmp_path, seed):
    out = tmp_path / "places.tsv.gz"
    script = (
        "import sys; from pathlib import Path; from conflictmap.places import build_gazetteer; "
        "build_gazetteer(Path(sys.argv[1]))"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(out)],
        cwd=ROOT,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": seed},
        timeout=300,
    )
    assert out.read_bytes() == (ROOT / "geodata" / "places.tsv.gz").read_bytes()
