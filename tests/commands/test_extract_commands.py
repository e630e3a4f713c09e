"""The reader's commands: ``extract`` (JSON contract) and ``evaluate``."""

from __future__ import annotations

import json

import pytest

from conflictmap.cli import main

REPORT = (
    "published: 2024-02-20\n\nRussia's Defence Ministry said on Saturday its troops had "
    "captured Avdiivka. Ukrainian forces repelled attacks near Andriivka."
)


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def test_extract_json_contract(report, capsys):
    assert main(["extract", str(report), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"file", "published", "mentions", "claims"}
    assert data["published"] == "2024-02-20"
    placed, unresolved = data["mentions"]
    assert {"text", "start", "end", "name", "geonames_id", "lat", "lon", "oblast"} <= set(placed)
    assert unresolved["unresolved"] is True and len(unresolved["candidates"]) >= 2
    (claim,) = data["claims"]
    assert {
        "place",
        "geonames_id",
        "lat",
        "lon",
        "claimant",
        "claimant_org",
        "controller",
        "extent",
        "fraction",
        "part",
        "date",
        "evidence",
    } <= set(claim)
    assert (claim["place"], claim["claimant"], claim["controller"], claim["date"]) == (
        "Avdiivka",
        "RU",
        "RU",
        "2024-02-17",
    )
    ev = claim["evidence"][0]
    assert REPORT[ev["start"] : ev["end"]].startswith("Russia's Defence Ministry")


def test_extract_several_files_gives_a_list_and_published_overrides(report, tmp_path, capsys):
    other = tmp_path / "o.html"
    other.write_text(
        "<html><body><article><p>" + "Ukraine's army said its troops still hold "
        "the northern part of Toretsk, despite attacks. " * 3 + "</p></article></body></html>",
        encoding="utf-8",
    )
    assert (
        main(["extract", str(report), str(other), "--published", "2024-03-01", "--format", "json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert [d["published"] for d in data] == ["2024-03-01", "2024-03-01"]
    assert data[1]["claims"][0]["part"] == "north"


def test_extract_text_and_errors(report, capsys):
    assert main(["extract", str(report)]) == 0
    out = capsys.readouterr().out
    assert "Avdiivka: RU" in out and "unresolved: Andriivka" in out
    assert main(["extract", str(report.parent / "missing.txt")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["extract", str(report), "--published", "20-02-2024"]) == 2


GOLD = {
    "r.txt": {
        "published": "2024-02-20",
        "mentions": ["Avdiivka"],
        "claims": [
            {
                "place": "Avdiivka",
                "claimant": "RU",
                "controller": "RU",
                "date": "2024-02-17",
                "extent": "full",
                "fraction": None,
                "part": None,
                "alt": [],
                "core": True,
            }
        ],
    }
}


def test_evaluate_command(report, tmp_path, capsys):
    gold = GOLD
    (tmp_path / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    assert (
        main(["evaluate", "--gold", str(tmp_path / "gold.json"), "--reports", str(tmp_path)]) == 0
    )
    out = capsys.readouterr().out
    assert "precision 1.000  recall 1.000  F1 1.000" in out
    assert "mentions recall 1.000" in out and "date      accuracy 1.000" in out
    assert (
        main(
            [
                "evaluate",
                "--gold",
                str(tmp_path / "gold.json"),
                "--reports",
                str(tmp_path),
                "--format",
                "json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["total"]["claims"]["f1"] == 1.0


@pytest.mark.parametrize(
    "gold_files, code, said",
    [
        (["gold_ru_uk.json"], 0, "F1 1.000"),  # the folder's own gold file is found
        ([], 2, "no gold*.json"),
        (["gold.json", "gold_more.json"], 2, "more than one gold*.json"),
    ],
)
def test_evaluate_takes_a_folder_with_its_gold_file(
    report, tmp_path, capsys, gold_files, code, said
):
    for name in gold_files:
        (tmp_path / name).write_text(json.dumps(GOLD), encoding="utf-8")
    assert main(["evaluate", str(tmp_path)]) == code
    captured = capsys.readouterr()
    assert said in (captured.out if code == 0 else captured.err)
