"""Page tests with Streamlit's AppTest: every page runs, and the date (slider, buttons,
URL) and the layer switches change what the map component receives."""

from __future__ import annotations

import gzip
import json
import re
from datetime import date

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conflictmap.ledger.control import LAYERS
from conflictmap.paths import ROOT
from conflictmap.places.gazetteer import Gazetteer
from tests.payloads import call_arguments, resolve_row

APP = str(ROOT / "app.py")
DEC_1, DEC_2, JUL_31 = date(2025, 12, 1), date(2025, 12, 2), date(2025, 7, 31)
POKROVSK = 704422


@pytest.fixture
def app(db_url, monkeypatch):
    """An AppTest of app.py on a fresh seeded database (caches cleared)."""
    monkeypatch.setenv("CONFLICTMAP_DB", db_url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield AppTest.from_file(APP, default_timeout=60)
    st.cache_resource.clear()


@pytest.fixture
def expected(workspace):
    """Shape counts per layer on a date, from the domain (the same seeded ledger)."""
    return lambda day: {layer: len(gdf) for layer, gdf in workspace.layers(day).items()}


def map_args(at: AppTest) -> dict:
    """The arguments the streamlit-folium component received in the last run."""
    found = [
        e
        for e in at.main
        if e.type == "component_instance" and e.proto.component_name.endswith("st_folium")
    ]
    assert len(found) == 1, [e.type for e in at.main]
    return json.loads(found[0].proto.json_args)


def _calls(script: str, name: str):
    """Yield the decoded JSON arguments of each ``conflictmap.<name>(...)`` call."""
    yield from call_arguments(script, name)


def drawn(at: AppTest) -> dict:
    """What the map draws: rows per layer, caption, hidden layers, place labels."""
    args = map_args(at)
    groups = args["feature_group"]
    layers, hidden = {}, set()
    for call, info in _calls(groups, "claimLayer"):
        texts = call["strings"]
        if not info["show"]:
            hidden.add(info["key"])
        layers[call["key"]] = [resolve_row(r, texts) for r in call["rows"]]
    data = next(_calls(groups, "placeData"))[0]
    return {
        "counts": {k: len(v) for k, v in layers.items()},
        "rows": layers,
        "caption": data["caption"],
        "notes": data["notes"],
        "focus": [call[0] for call in _calls(groups, "focusPlace")],
        "hidden": hidden,
        "labels": {Gazetteer.load().get(pid).name for pid in data["labels"]},
        "js_links": args["js_links"],
        "center": args["center"],
        "zoom": args["zoom"],
        "script": args["script"],
    }


# -- every page ------------------------------------------------------------------------
PAGES = ["pages/map.py", "pages/claims.py", "pages/timeline.py"] + [
    f"pages/{name}.py"
    for name in ("ingest", "assessment")
    if (ROOT / "pages" / f"{name}.py").exists()
]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_error(app, page):
    app.run()
    app.switch_page(page).run()
    assert not app.exception, app.exception
    assert app.title or app.main.children


# -- the date --------------------------------------------------------------------------
def test_default_is_the_latest_claim_date_with_every_claim_layer(app, expected, workspace):
    latest = workspace.claim_dates()[-1]
    assert latest >= DEC_2
    app.run()
    d = drawn(app)
    assert latest.isoformat() in d["caption"]
    assert d["counts"] == expected(latest)
    assert d["hidden"] == set()
    assert {"Pokrovsk", "Kramatorsk", "Sloviansk"} <= d["labels"]
    assert app.query_params["date"] == latest.isoformat()


@pytest.mark.parametrize("day", [DEC_1, JUL_31])
def test_url_date_sets_what_the_map_draws(app, expected, day):
    app.query_params["date"] = day.isoformat()
    app.run()
    d = drawn(app)
    assert day.isoformat() in d["caption"]
    assert d["counts"] == expected(day)
    assert app.sidebar.select_slider[0].value == day


def test_slider_changes_the_map_but_not_its_base(app, expected):
    app.run()
    before = drawn(app)
    app.sidebar.select_slider[0].set_value(JUL_31).run()
    after = drawn(app)
    assert "2025-07-31" in after["caption"] and after["counts"] == expected(JUL_31)
    assert after["counts"] != before["counts"]
    assert after["script"] == before["script"]  # the same base map: no remount
    assert app.query_params["date"] == "2025-07-31"


def _first_day_without_claims(dates: list[date]) -> date:
    """The first day after the first claim date on which no claim was made."""
    day = dates[0]
    while day in dates:
        day = date.fromordinal(day.toordinal() + 1)
    return day


BEFORE_ALL = date(2022, 2, 24)  # before the first claim in the ledger


@pytest.mark.parametrize(
    "start, presses, lands_on",
    [
        ("latest", ["w_prev_claim"], "second latest"),
        ("second latest", ["w_prev_claim", "w_next_claim", "w_next_claim"], "latest"),
        ("gap", ["w_prev_claim"], "before gap"),  # from a day between claims
        ("gap", ["w_next_claim"], "after gap"),
        ("before all", ["w_next_claim"], "first"),
    ],
)
def test_previous_and_next_jump_from_claim_date_to_claim_date(
    app, workspace, start, presses, lands_on
):
    dates = workspace.claim_dates()
    gap = _first_day_without_claims(dates)
    days = {
        "latest": dates[-1],
        "second latest": dates[-2],
        "gap": gap,
        "before gap": max(d for d in dates if d < gap),
        "after gap": min(d for d in dates if d > gap),
        "before all": BEFORE_ALL,
        "first": dates[0],
    }
    app.query_params["date"] = days[start].isoformat()
    app.run()
    for key in presses:
        app.button(key=key).click().run()
    day = days[lands_on]
    assert day.isoformat() in drawn(app)["caption"]
    assert app.query_params["date"] == day.isoformat()


@pytest.mark.parametrize("kind", ["no claim that day", "before every claim", "a claim date"])
def test_url_date_is_kept_as_given(app, expected, workspace, kind):
    dates = workspace.claim_dates()
    if kind == "no claim that day":
        day = _first_day_without_claims(dates)
        in_force = max(d for d in dates if d < day)
        note = f"No claim on this day: the claims in force since {in_force.isoformat()}"
    elif kind == "before every claim":
        day, in_force, note = BEFORE_ALL, None, f"No claim stored before {dates[0]}"
    else:
        day, in_force, note = DEC_1, DEC_1, None
        assert DEC_1 in dates
    text = day.isoformat()
    app.query_params["date"] = text
    app.run()
    d = drawn(app)
    assert f"Claims as of {text}" in d["caption"]
    assert app.query_params["date"] == text  # kept, not moved to a claim date
    assert app.date_input(key="w_date_pick").value == day
    assert app.sidebar.select_slider[0].value == day
    if in_force is None:
        assert sum(d["counts"].values()) == 0
    else:
        assert d["counts"] == expected(in_force)
    if note is None:
        assert d["notes"] == []
    else:
        assert any(note in n for n in d["notes"])
    assert not app.warning


def test_slider_and_picker_cover_every_day_to_today(app, workspace):
    from ui.sidebar import today

    dates = workspace.claim_dates()
    app.run()
    options = app.sidebar.select_slider[0].options
    first = dates[0]
    assert options[0].startswith(first.isoformat()) and options[-1].startswith(today().isoformat())
    assert len(options) == (today() - first).days + 1
    marked = [o.split()[0] for o in options if o.endswith("●")]
    assert marked == [d.isoformat() for d in dates]  # every claim date marked, no other day
    # the days of the first curated ledger are among them
    assert {"2023-05-20", "2024-02-17", "2025-07-31", "2025-12-01", "2025-12-02"} <= set(marked)
    gap = _first_day_without_claims(dates)
    app.date_input(key="w_date_pick").set_value(gap).run()
    assert f"Claims as of {gap.isoformat()}" in drawn(app)["caption"]
    assert app.query_params["date"] == gap.isoformat()


def open_with_url_date(app, workspace, text: str, message: str) -> None:
    """Open the map with ``?date=text``: the latest claim date is drawn, and a warning
    saying ``message`` is shown."""
    app.query_params["date"] = text
    app.run()
    assert workspace.claim_dates()[-1].isoformat() in drawn(app)["caption"]
    assert any(message in w.value for w in app.warning)


@pytest.mark.parametrize("text", ["2025-13-45", "yesterday"])
def test_impossible_url_date_keeps_its_message_until_dismissed(app, workspace, text):
    open_with_url_date(app, workspace, text, "not a date")
    app.sidebar.select_slider[0].set_value(DEC_1).run()  # the reader goes on
    assert any("not a date" in w.value for w in app.warning)  # the message stays
    app.button(key="dismiss_notices").click().run()
    assert not app.warning


@pytest.mark.parametrize("text", ["9999-12-31", "1900-01-01"])
def test_a_url_date_no_claim_can_carry_is_refused_not_offered(app, workspace, text):
    open_with_url_date(app, workspace, text, "is outside")
    # The slider offers the first claim to today, not every day up to the URL's.
    assert text not in " ".join(str(o) for o in app.sidebar.select_slider[0].options)


# -- the layers ------------------------------------------------------------------------
def test_sidebar_layer_switch_hides_the_layer_on_the_map(app):
    app.run()
    box = next(c for c in app.sidebar.checkbox if c.label == "Russian claims")
    box.uncheck().run()
    d = drawn(app)
    assert d["hidden"] == {"ru"}
    assert app.query_params["layers"] == "ua,other,contested,agreed"
    next(c for c in app.sidebar.checkbox if c.label == "Russian claims").check().run()
    assert drawn(app)["hidden"] == set()


def test_url_layers_open_that_view(app):
    app.query_params["date"] = "2025-12-01"
    app.query_params["layers"] = "ru,ua,contested"
    app.run()
    d = drawn(app)
    assert d["hidden"] == {"other", "agreed"}
    assert {c.label: c.value for c in app.sidebar.checkbox} == {
        "Russian claims": True,
        "Ukrainian claims": True,
        "Third-party claims": False,
        "Contested": True,
        "Agreed": False,
    }
    assert "Kramatorsk" not in d["labels"]  # only in the third-party layer
    assert app.query_params["layers"] == "ru,ua,contested"


def test_unknown_url_layer_is_reported(app):
    app.query_params["layers"] = "ru,tanks"
    app.run()
    assert drawn(app)["hidden"] == set(LAYERS) - {"ru"}
    assert any("tanks" in w.value for w in app.warning)


def test_focus_request_moves_the_map_once(app):
    app.run()
    app.session_state["map_focus"] = (48.28, 37.18, 12)
    app.run()
    assert drawn(app)["center"] == [48.28, 37.18] and drawn(app)["zoom"] == 12
    app.run()
    assert drawn(app)["center"] is None


def test_the_bank_and_the_rows_carry_the_claims_and_sources(app):
    from ui.assets import CACHE_DIR

    app.run()
    d = drawn(app)
    [script] = d["js_links"]  # one local script, no CDN
    assert script.startswith("../") and "://" not in script
    code = (CACHE_DIR / script.rsplit("/", 1)[1]).read_text()
    assert "Leaflet 1.9" in code and "window.conflictmap" in code
    [name] = re.findall(r'conflictmap\.loadBank\("(bank-[0-9a-f]+)"\)', code)
    packed = gzip.decompress((CACHE_DIR / f"{name}.json.gz").read_bytes()).decode()
    assert packed == (CACHE_DIR / f"{name}.json").read_text()  # the same bank, plain
    bank = json.loads(packed)
    assert "704422|north" in bank["geoms"] and "themoscowtimes" not in packed  # claims: in shards
    [prefix, n] = re.search(r'conflictmap\.claimShards\("([^"]+)", (\d+)\)', code).groups()
    shard = json.loads((CACHE_DIR / f"{prefix}{POKROVSK % int(n)}.json").read_text())
    assert any("https://www.themoscowtimes.com/" in c[5] for c in shard[str(POKROVSK)])
    assert [r[3] for r in d["rows"]["ru"] if r[0] == POKROVSK] == ["RU holds all"]
    assert [r[3] for r in d["rows"]["ua"] if r[0] == POKROVSK] == ["UA holds the north part"]
    assert all(len(r) == 8 for rows in d["rows"].values() for r in rows)  # shapes in the bank


# -- the other pages ---------------------------------------------------------------------
def test_claims_page_filters(app):
    app.run()
    app.switch_page("pages/claims.py").run()
    total = len(app.dataframe[0].value)
    app.multiselect(key="claims_places").set_value(["Pokrovsk"]).run()
    app.multiselect(key="claims_claimants").set_value(["UA"]).run()
    table = app.dataframe[0].value
    assert 0 < len(table) < total
    assert set(table["place"]) == {"Pokrovsk"} and set(table["claimant"]) == {"Ukraine"}
    app.date_input(key="claims_dates").set_value((DEC_2, DEC_2)).run()
    assert set(app.dataframe[0].value["date"]) == {DEC_2}


def test_timeline_page_sums_up_each_side(app):
    app.query_params["date"] = DEC_2.isoformat()
    app.run()
    app.switch_page("pages/timeline.py").run()
    app.selectbox(key="timeline_place").select(704422).run()
    text = " ".join(m.value for m in app.markdown)
    assert "Russia: RU holds all (2025-12-01)" in text
    assert "Ukraine:" in text and "UA holds the north part" in text
    assert not app.exception


# -- find a place, share the view --------------------------------------------------------
@pytest.mark.parametrize("query", ["Krasnoarmeysk", "Покровськ", "Pokrovsk", "pokrovsk "])
def test_search_flies_to_the_place_with_its_popup(app, query):
    app.run()
    app.text_input(key="w_place_search").input(query).run()
    [focus] = drawn(app)["focus"]
    assert focus["pid"] == str(POKROVSK) and focus["place"][:2] == ["Pokrovsk", "Donetsk"]
    app.run()
    assert drawn(app)["focus"] == []  # once


@pytest.mark.parametrize(
    "query, message, options",
    [
        ("Andriivka", "may be any of these places", "Andriivka (Donetsk oblast, UA)"),
        ("Nowhereville", "No place called “Nowhereville”", None),
    ],
)
def test_search_never_guesses(app, query, message, options):
    app.run()
    app.text_input(key="w_place_search").input(query).run()
    assert drawn(app)["focus"] == []
    shown = " ".join(m.value for m in [*app.markdown, *app.info])
    assert message in shown
    if options:
        labels = [b.label for b in app.button if b.key and b.key.startswith("w_search_pick_")]
        assert options in labels and len(labels) > 1
        pick = next(b for b in app.button if b.label == options)
        pick.click().run()
        [focus] = drawn(app)["focus"]
        assert focus["place"][:2] == ["Andriivka", "Donetsk"]


def test_view_goes_in_the_url_and_comes_back(app):
    app.query_params.update({"date": "2025-11-25", "lat": "48.3", "lon": "37.2", "z": "10.5"})
    app.run()
    d = drawn(app)
    assert app.query_params["z"] == "10.5" and app.query_params["lat"] == "48.3000"
    assert [round(x, 4) for x in map_args(app)["center"] or []] in ([], [48.3, 37.2])
    assert '"share":true' in d["script"]
    assert "[48.3, 37.2]" in d["script"] and "10.5" in d["script"]  # the map opens there


def test_bad_url_view_is_reported(app):
    app.query_params.update({"lat": "123", "lon": "37.2", "z": "9"})
    app.run()
    assert any("view" in w.value for w in app.warning)
