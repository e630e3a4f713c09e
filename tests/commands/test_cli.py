"""python -m conflictmap: geocode, control, claims import/export."""

import csv
import io
import json
import subprocess
import sys

import pytest

from conflictmap.cli import main
from conflictmap.paths import ROOT


@pytest.fixture
def run(db_url, capsys):
    def _run(*argv):
        code = main(["--db", db_url, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.mark.parametrize(
    "name, context, first, oblast",
    [
        ("Krasnoarmeysk", "", "Pokrovsk", "Donetsk"),
        ("Pokrovsk", "", "Pokrovsk", "Donetsk"),
        ("Huliaipole", "Zaporizhzhia", "Huliaipole", "Zaporizhzhia"),
        ("Dzerzhinsk", "Donetsk", "Toretsk", "Donetsk"),
    ],
)
def test_geocode_lists_candidates_best_first(run, name, context, first, oblast):
    code, out, _ = run("geocode", name, "--context", context)
    cands = json.loads(out)
    assert code == 0
    assert (cands[0]["name"], cands[0]["oblast"]) == (first, oblast)
    assert set(cands[0]) >= {
        "name",
        "geonames_id",
        "lat",
        "lon",
        "oblast",
        "country",
        "population",
        "score",
    }
    assert [c["score"] for c in cands] == sorted((c["score"] for c in cands), reverse=True)


def test_geocode_unknown(run):
    code, out, err = run("geocode", "Nowhereville")
    assert json.loads(out) == [] and code != 0 and "Nowhereville" in err


def test_control_geojson(run):
    code, out, _ = run("control", "--date", "2025-12-02")
    data = json.loads(out)
    assert code == 0 and data["as_of"] == "2025-12-02"
    props = [f["properties"] for f in data["features"]]
    needed = {
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
    }
    assert all(needed <= set(p) for p in props)
    by = {(p["layer"], p["place"]): p for p in props}
    assert by[("contested", "Pokrovsk")]["controller"] == "CONTESTED"
    assert by[("ua", "Pokrovsk")]["part"] == "north"
    assert by[("ru", "Pokrovsk")]["extent"] == "full"
    assert by[("contested", "Vovchansk")]["controller"] == "CONTESTED"
    assert by[("other", "Kramatorsk")]["controller"] == "UA"
    assert by[("other", "Sloviansk")]["controller"] == "UA"


def test_control_csv_with_layer_subset(run):
    code, out, _ = run(
        "control", "--date", "2025-12-02", "--format", "csv", "--layers", "contested"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows
    assert {r["layer"] for r in rows} == {"contested"}
    assert "nan" not in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["control", "--date", "2025-13-01"], "not a date"),
        (["control", "--date", "2025-12-02", "--layers", "ru,moon"], "unknown layer"),
        (["claims", "import", "missing.csv"], "does not exist"),
    ],
)
def test_bad_arguments_give_a_message_and_exit_2(run, argv, message):
    code, out, err = run(*argv)
    assert code == 2 and message in err and out == ""


def test_claims_import_then_export(run, tmp_path):
    path = tmp_path / "new.csv"
    path.write_text(
        "place,claimant,controller,claim_date,source_publisher\n"
        "Siversk,RU,RU,2025-12-11,Example Wire\n"
    )
    code, out, _ = run("claims", "import", str(path))
    assert code == 0 and "imported 1" in out
    code, out, _ = run("claims", "export", "--format", "csv")
    assert "Siversk" in out
    code, out, _ = run("claims", "export", "--format", "geojson")
    assert any(f["properties"]["place"] == "Siversk" for f in json.loads(out)["features"])


def test_bad_import_writes_nothing(run, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "place,claimant,controller,claim_date,source_publisher\n"
        "Siversk,RU,RU,2025-12-11,Example Wire\n"
        "Nowhereville,RU,RU,2025-12-11,Example Wire\n"
    )
    before = json.loads(run("claims", "export", "--format", "geojson")[1])["features"]
    code, _, err = run("claims", "import", str(path))
    assert code == 2 and "row 2" in err and "nothing imported" in err
    after = json.loads(run("claims", "export", "--format", "geojson")[1])["features"]
    assert len(after) == len(before)


def test_module_entry_point_runs(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "conflictmap", "geocode", "Slavyansk"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0 and json.loads(proc.stdout)[0]["name"] == "Sloviansk"


def test_claims_correct_retract_history_batches_undo(run, tmp_path):
    import getpass

    me = f"os:{getpass.getuser()}"
    path = tmp_path / "wire.csv"
    path.write_text(
        "place,claimant,controller,claim_date,source_publisher,source_url,fraction\n"
        "Siversk,RU,RU,2025-12-11,Example Wire,https://example.org/s,0.5\n"
    )
    code, out, _ = run("claims", "import", str(path))
    assert code == 0 and "imported 1 claim(s)" in out
    (cid,) = [
        r["id"]
        for r in csv.DictReader(io.StringIO(run("claims", "export")[1]))
        if r["source_url"] == "https://example.org/s"  # the bundled ledger has its own
    ]
    # A corrected file is a correction, and says so.
    path.write_text(path.read_text().replace(",0.5\n", ",0.2\n"))
    code, out, _ = run("claims", "import", str(path))
    assert code == 0 and "imported 0 claim(s); corrected 1" in out and cid in out
    code, out, _ = run("claims", "correct", cid, "note=second source", "--reason", "confirmed")
    assert code == 0 and f"by {me}" in out
    code, out, _ = run("claims", "history", cid, "--format", "json")
    versions = json.loads(out)
    assert [(v["version"], v["claim"]["fraction"], v["author"]) for v in versions] == [
        (1, 0.5, me),
        (2, 0.2, me),
        (3, 0.2, me),
    ]
    code, out, _ = run("claims", "retract", cid, "--reason", "the wire withdrew it")
    assert code == 0 and "withdrawn" in out
    assert cid not in run("claims", "export")[1]
    code, out, _ = run("claims", "batches")
    lines = out.splitlines()
    assert code == 0 and "retraction by " + me in lines[0] and "wire.csv" in out
    # Undo the retraction: the claim is back.
    batch = int(lines[0].split()[1])
    code, out, _ = run("claims", "undo", str(batch), "--reason", "too hasty")
    assert code == 0 and "restored 1" in out
    assert cid in run("claims", "export")[1]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["claims", "history", "0000000000000000"], "no claim"),
        (["claims", "undo", "999"], "no batch"),
        (["claims", "retract", "0000000000000000", "--reason", "x"], "no claim"),
        (["claims", "correct", "0000000000000000", "fraction", "--reason", "x"], "FIELD=VALUE"),
    ],
)
def test_claims_history_commands_refuse_with_a_message(run, argv, message):
    code, _, err = run(*argv)
    assert code == 2 and message in err and "Traceback" not in err
