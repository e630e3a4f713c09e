"""Self-contained HTML snapshots, read as text: nothing from the internet, all inlined,
the timeline's dates present, hostile text escaped. (The browser tests open it.)"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import partial

import pytest

from conflictmap.render import html_export
from conflictmap.render import snapshot as S
from conflictmap.render.html_export import frame_dates, timeline_dates
from tests.render.test_snapshot import AFTER, expected_places

REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


@pytest.fixture(scope="module")
def page_text(ws):
    return S.render(S.take_snapshot(ws, AFTER), "html").decode("utf-8")


def test_no_script_or_stylesheet_comes_from_the_internet(page_text):
    assert page_text.lstrip().lower().startswith("<!doctype html>")
    srcs = re.findall(r"<script[^>]*\ssrc\s*=\s*[\"']?([^\"'\s>]+)", page_text, re.I)
    links = re.findall(r"<link[^>]*\shref\s*=\s*[\"']?([^\"'\s>]+)", page_text, re.I)
    imports = re.findall(r"@import\s+(?:url\()?[\"']?([^\"')\s;]+)", page_text, re.I)
    css_urls = re.findall(r"url\(\s*[\"']?([^\"')\s]+)", page_text, re.I)
    for url in srcs + links + imports + css_urls:
        assert not REMOTE.match(url), url
    assert srcs == [] and links == []  # everything is inlined
    assert "L.map(" in page_text and "conflictmap.timeline(" in page_text
    assert "cdn.jsdelivr" not in page_text and "code.jquery" not in page_text


def test_page_names_its_date_and_every_place(ws, page_text):
    assert "<title>Territorial-control claims as of 2025-12-02</title>" in page_text
    for layer in ("ru", "ua", "other", "contested"):
        for place, _ in expected_places(ws, AFTER, layer):
            assert place in page_text


def test_timeline_holds_every_claim_date_and_the_snapshot_date(ws, page_text):
    dates = [d.isoformat() for d in timeline_dates(ws.claim_dates(), AFTER)]
    match = re.search(r"\bdates: (\[[^\]]*\])", page_text)
    assert json.loads(match.group(1)) == dates
    assert AFTER.isoformat() in dates and len(dates) == len(set(ws.claim_dates()) | {AFTER})


@pytest.mark.parametrize(
    "claim_dates, as_of, limit, want",
    [
        ([date(2025, 1, 1)], date(2025, 1, 1), 10, [date(2025, 1, 1)]),
        (
            [date(2025, 1, 1), date(2025, 2, 1)],
            date(2024, 1, 1),
            10,
            [date(2024, 1, 1), date(2025, 1, 1), date(2025, 2, 1)],
        ),
        (
            [date(2025, 1, d) for d in range(1, 11)],
            date(2025, 1, 5),
            3,
            [date(2025, 1, 5), date(2025, 1, 8), date(2025, 1, 9), date(2025, 1, 10)],
        ),
    ],
)
def test_timeline_dates(claim_dates, as_of, limit, want):
    assert timeline_dates(claim_dates, as_of, limit) == want


@pytest.mark.parametrize(
    "days, as_of, sizes, budget, want",
    [
        # Everything fits.
        ([1, 2, 3], 3, {1: 5, 2: 5, 3: 5}, 100, [1, 2, 3]),
        # The nearest dates first, earlier before later on a tie.
        ([1, 2, 3, 4, 5], 3, {d: 10 for d in range(1, 6)}, 30, [2, 3, 4]),
        # The snapshot's own date even when it alone is over the budget.
        ([1, 2], 2, {1: 50, 2: 50}, 10, [2]),
        # A big date stops the walk: no gaps in the slider.
        ([1, 2, 3, 4], 4, {1: 1, 2: 90, 3: 1, 4: 1}, 20, [3, 4]),
    ],
)
def test_frame_dates(days, as_of, sizes, budget, want):
    day = lambda d: date(2025, 1, d)  # noqa: E731
    got = frame_dates([day(d) for d in days], day(as_of), lambda x: sizes[x.day], budget)
    assert got == [day(d) for d in want]


def test_a_big_ledger_keeps_the_dates_nearest_the_snapshot_and_says_so(ws, monkeypatch):
    snap = S.take_snapshot(ws, AFTER)
    per_date = sum(len(g) for g in snap.all_layers.values())
    monkeypatch.setattr(html_export, "frame_dates", partial(frame_dates, budget=per_date))
    text = S.render(snap, "html").decode("utf-8")
    dates = json.loads(re.search(r"\bdates: (\[[^\]]*\])", text).group(1))
    assert dates == [AFTER.isoformat()]
    total = int(re.search(r"\bclaim_dates: (\d+)", text).group(1))
    assert total == len(set(ws.claim_dates()) | {AFTER}) > 1
    # One bank for the file: each shape once, however many dates.
    assert text.count("conflictmap.setBank(") == 1


def test_hostile_text_is_never_markup(hostile_ws):
    text = S.render(S.take_snapshot(hostile_ws, AFTER), "html").decode("utf-8")
    assert "Toretsk" in text
    assert "<script>alert(1)" not in text
    assert "<img src=x onerror" not in text
    assert "onerror=alert(2)" in text.replace("\\u003e", ">")  # the note is there, escaped


def test_a_date_before_any_claim_still_has_legend_and_caption(ws):
    text = S.render(S.take_snapshot(ws, date(2000, 1, 1)), "html").decode("utf-8")
    assert "Claims as of 2000-01-01" in text and "Legend" in text


def test_overlay_is_drawn_in_its_own_layer(ws):
    import shapely

    from conflictmap.assessment.overlay import AssessmentOverlay

    overlay = AssessmentOverlay(
        date(2025, 12, 2), "test assessment", {"occupied": shapely.box(37.0, 48.2, 37.4, 48.4)}
    )
    text = S.render(S.take_snapshot(ws, AFTER, overlay=overlay), "html").decode("utf-8")
    assert "conflictmap.assessment(" in text
    assert "Independent assessment: test assessment, assessed 2025-12-02" in text


JINJA = "{{ 6 * 7 }}{% if true %}RAN{% endif %}"


def test_template_syntax_in_user_text_is_never_evaluated(tmp_path, gazetteer):
    """Regression: folium's Element compiles its text as a Jinja template, so text from
    the ledger or an imported file must never reach one (it would run on the server)."""
    import shapely

    from conflictmap.assessment.overlay import AssessmentOverlay
    from conflictmap.workspace import Workspace

    ws = Workspace(f"sqlite:///{tmp_path / 'l.sqlite'}", gazetteer=gazetteer, seed=False)
    ws.ledger.import_records(
        [
            {
                "place": "Toretsk",
                "claimant": "RU",
                "controller": "RU",
                "claim_date": "2025-11-30",
                "claimant_org": JINJA,
                "source_publisher": JINJA,
                "source_title": JINJA,
                "note": JINJA,
            }
        ],
        author="os:test",
    )
    overlay = AssessmentOverlay(
        date(2025, 11, 30), JINJA, {"occupied": shapely.box(37.7, 48.3, 37.9, 48.5)}
    )
    text = S.render(S.take_snapshot(ws, date(2025, 12, 2), overlay=overlay), "html").decode("utf-8")
    # Evaluated, the text would read "42RAN"; kept literal, it reads as typed
    # (with "{" possibly written as \u007b inside script data).
    assert "42RAN" not in text
    literal = text.replace("\\u007b", "{")
    assert literal.count(JINJA) >= 5
    assert f"Assessment: {JINJA}" in literal  # the caption, from the overlay's source


PWN = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'


SOURCES = [
    PWN,
    "<svg onload=window.__pwned=1>",
    "</script><script>window.__pwned=1</script>",
    '"><iframe src="javascript:window.__pwned=1">',
    "<a href=javascript:window.__pwned=1>DeepState</a>",
    "]]><script>window.__pwned=1</script><![CDATA[",
    "<style>*{display:none}</style>",
    "<!--<script>window.__pwned=1</script>-->",
]


def hostile_overlay(source: str = PWN):
    import shapely

    from conflictmap.assessment.overlay import AssessmentOverlay

    return AssessmentOverlay(AFTER, source, {"occupied": shapely.box(37.0, 48.2, 37.3, 48.4)})


@pytest.mark.parametrize("fmt", ["html", "svg", "kml"])
@pytest.mark.parametrize("source", SOURCES)
def test_no_assessment_source_becomes_markup(ws, fmt, source):
    """Whatever markup a source holds, no tag of it reaches an export as a tag."""
    data = S.render(S.take_snapshot(ws, AFTER, ["ru"], overlay=hostile_overlay(source)), fmt)
    text = data.decode("utf-8")
    for tag in ("<img", "<svg onload", "<script>window", "<iframe", "<a href=javascript"):
        if tag in source:
            assert tag not in text, tag
    assert "<style>*{display" not in text and "<!--<script>" not in text


@pytest.mark.parametrize(
    "fmt, escaped",
    [
        ("html", "\\u003cimg src=x"),  # in the map's JSON
        ("html", "&lt;img src=x"),  # in the page's title and description
        ("svg", "&lt;img src=x"),  # SVG text
        ("kml", "&amp;lt;img src=x"),  # escaped HTML inside XML
    ],
)
def test_hostile_assessment_source_is_never_markup(ws, fmt, escaped):
    """The source of an imported assessment reaches the layer name, the caption, the
    tooltips and the sources: in every export it is text."""
    data = S.render(S.take_snapshot(ws, AFTER, ["ru"], overlay=hostile_overlay()), fmt)
    text = data.decode("utf-8")
    assert "<img src=x" not in text and "<script>window.__pwned" not in text
    assert escaped in text
