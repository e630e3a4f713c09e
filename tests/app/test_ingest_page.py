"""The ingest page (pages/ingest.py) with Streamlit's AppTest: read, review, add once;
bad input gets a message and writes nothing."""

from __future__ import annotations

import socket
from datetime import date

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conflictmap.paths import ROOT
from conflictmap.workspace import Workspace

PAGE = str(ROOT / "pages" / "ingest.py")
REPORT = (
    "HULIAIPOLE REPORT\n"
    "Russia's Defence Ministry said on Monday that its forces had captured the town of "
    "Huliaipole in the Zaporizhzhia region. Ukraine's General Staff dismissed the claim "
    "as untrue, saying fighting continued in Huliaipole."
)


@pytest.fixture
def page_db(db_url, monkeypatch, gazetteer):
    monkeypatch.setenv("CONFLICTMAP_DB", db_url)
    st.cache_resource.clear()
    yield Workspace(db_url, gazetteer=gazetteer)
    st.cache_resource.clear()


def paste(text, publisher="Example Wire", published=None):
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.text_area(key="ingest_text").set_value(text)
    at.text_input(key="ingest_publisher").set_value(publisher)
    if published:
        at.date_input(key="ingest_published").set_value(published)
    next(b for b in at.button if b.label == "Read the text").click().run()
    return at


def add_button(at):
    return next(b for b in at.button if (b.key or "").startswith("add_"))


def test_read_review_and_add_once(page_db):
    at = paste(REPORT)
    assert not at.exception and not at.error
    assert at.subheader[0].value == "HULIAIPOLE REPORT"
    assert any("Huliaipole" in m.value for m in at.markdown)
    before = page_db.ledger.count()
    add_button(at).click().run()
    assert not at.error
    assert any("Added 2 claim(s)" in s.value for s in at.success)
    stored = {
        (c.place, c.claimant, c.controller)
        for c in page_db.ledger.claims()
        if c.source_publisher == "Example Wire"
    }
    assert stored == {("Huliaipole", "RU", "RU"), ("Huliaipole", "UA", "CONTESTED")}
    add_button(at).click().run()
    assert any(
        "Added 0 claim(s)" in s.value and "2 were there already" in s.value for s in at.success
    )
    assert page_db.ledger.count() == before + 2


BYLINE_REPORT = "By Olena Marchuk\n\n" + REPORT.split("\n", 1)[1]


def test_a_report_read_again_proposes_nothing_already_there(page_db):
    """Finding: re-pasting a report already in the ledger added 5 near-duplicate claims
    (the second time the title was the byline)."""
    at = paste(REPORT, published=date(2025, 12, 2))
    add_button(at).click().run()
    before = page_db.ledger.count()
    again = paste(BYLINE_REPORT, published=date(2025, 12, 2))
    assert not again.exception and not again.error
    assert all("Olena" not in h.value for h in again.subheader)  # a byline is no title
    assert any("2 claim(s) of this report are in the ledger already" in i.value for i in again.info)
    (table,) = again.dataframe
    assert len(table.value) == 0
    assert page_db.ledger.count() == before


def test_evidence_is_highlighted_and_escaped(page_db):
    at = paste(REPORT + "\n<script>alert(1)</script> <img src=x onerror=alert(2)>")
    html = next(m.value for m in at.markdown if "report-text" in m.value)
    assert "<mark>" in html and "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(2)&gt;" in html


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("Pokrovsk. " * (1024 * 1024), "bytes"),
        ("The weather was fine and the talks went on.", "names no place"),
    ],
)
def test_bad_pasted_text_writes_nothing(page_db, text, message):
    before = page_db.ledger.count()
    at = paste(text)
    assert not at.exception
    assert any(message in e.value for e in at.error)
    assert not [b for b in at.button if (b.key or "").startswith("add_")]
    assert page_db.ledger.count() == before


@pytest.fixture
def allow_loopback(monkeypatch):
    """The local test server's address allowed, as an intranet host would be."""
    from conflictmap.reader.addresses import ALLOW_ENV

    monkeypatch.setenv(ALLOW_ENV, "127.0.0.1")


def test_unreachable_url_gets_a_message(page_db, allow_loopback):
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.text_input(key="ingest_url").set_value(f"http://127.0.0.1:{closed_port()}/story")
    next(b for b in at.button if b.label == "Fetch and read").click().run()
    assert any("cannot be reached" in e.value for e in at.error)


def test_claims_without_a_source_are_refused(page_db):
    at = paste(REPORT, publisher="")
    before = page_db.ledger.count()
    add_button(at).click().run()
    assert any("publisher or a URL" in e.value for e in at.error)
    assert page_db.ledger.count() == before


def _upload_script():
    """Runs inside AppTest: several files through the page's upload reader."""
    import streamlit as st

    from conflictmap.places.gazetteer import Gazetteer
    from ui import ingest_view as view

    class Upload:  # what st.file_uploader hands over: a name and the bytes
        def __init__(self, name, data):
            self.name, self._data = name, data

        def getvalue(self):
            return self._data

    view.init()
    files = [
        Upload("a.txt", b"Russia's Defence Ministry said its forces had captured Avdiivka."),
        Upload("b.txt", b"\x00\x01\x02binary" * 50),
        Upload("c.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>"),
        Upload(
            "d.html",
            b"<html><body><article><p>" + b"Ukraine's army said its troops still "
            b"hold the northern part of Toretsk, despite heavy Russian attacks. "
            * 3
            + b"</p></article></body></html>",
        ),
    ]
    bar = st.progress(0.0, text="Reading...")
    done, errors = view.read_uploads(files, None, Gazetteer.load(), bar)
    for message in errors:
        st.error(message)
    st.write(
        f"read {len(done)}: "
        + ", ".join(
            f"{c.place.name}/{c.claimant}/{c.controller}"
            for item in done
            for c in item.extraction.claims
        )
    )


def test_several_uploads_with_progress_bad_files_add_nothing(page_db):
    at = AppTest.from_function(_upload_script, default_timeout=60).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "b.txt is a binary file, not text or HTML",
        "c.html has no article text (is it a front page, a search page or a login wall?)",
    ]
    assert at.markdown[-1].value == "read 2: Avdiivka/RU/RU, Toretsk/UA/UA"


def test_markup_in_a_title_is_shown_as_text(page_db):
    at = paste("**Bold** [link](javascript:alert(1)) <b>x</b>\n" + REPORT)
    title = at.subheader[0].value
    assert "\\[link\\]\\(javascript\\:alert\\(1\\)\\)" in title and "\\<b\\>x\\</b\\>" in title
    assert "[link](" not in title and "<b>" not in title


def test_undated_text_warns_that_days_count_from_today(page_db):
    at = paste(REPORT)
    assert any("counted back from today" in w.value for w in at.warning)
    at = paste("published: 2025-02-11\n" + REPORT)
    assert not any("counted back from today" in w.value for w in at.warning)


def test_a_read_report_can_be_removed_from_the_list(page_db):
    at = paste(REPORT)
    next(b for b in at.button if (b.key or "").startswith("remove_")).click().run()
    assert not at.subheader and not [b for b in at.button if (b.key or "").startswith("add_")]


@pytest.fixture(scope="module")
def article_server():
    """A real HTTP server on 127.0.0.1 serving a written article and a page without one."""
    from tests.reader.test_fetch import serving_articles

    with serving_articles() as url:
        yield url


def fetch_on_page(url):
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.text_input(key="ingest_url").set_value(url)
    next(b for b in at.button if b.label == "Fetch and read").click().run()
    return at


def test_article_from_a_url_is_read_with_its_source(page_db, article_server, allow_loopback):
    at = fetch_on_page(article_server + "/article")
    assert not at.error
    assert at.subheader[0].value == "Russia claims Toretsk"
    assert (
        at.text_input(
            key=[k for k in (w.key for w in at.text_input) if k.startswith("pub_")][0]
        ).value
        == "Example Wire"
    )


def test_page_without_an_article_writes_nothing(page_db, article_server, allow_loopback):
    before = page_db.ledger.count()
    at = fetch_on_page(article_server + "/menu")
    assert any("no article" in e.value for e in at.error)
    assert not at.subheader and page_db.ledger.count() == before


@pytest.mark.parametrize(
    "url, message",
    [
        ("/article", "loopback"),  # the very server the tests above read from
        ("http://localhost/", "localhost"),
        ("http://2130706433/", "unusual spelling"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[::ffff:10.0.0.1]/", "private"),
    ],
)
def test_a_visitor_cannot_reach_this_machine_through_the_page(
    page_db, article_server, monkeypatch, url, message
):
    from conflictmap.reader.addresses import ALLOW_ENV

    monkeypatch.delenv(ALLOW_ENV, raising=False)
    at = fetch_on_page(article_server + url if url.startswith("/") else url)
    assert not at.exception
    assert any("refused" in e.value and message in e.value for e in at.error)
    assert not at.subheader


BULLETIN = (
    "Подразделения группировки войск «Центр» активными действиями освободили населенные "
    "пункты Родинское и Удачное Донецкой Народной Республики, сообщили в Минобороны России."
)


@pytest.mark.parametrize(
    ("text", "language", "places"),
    [
        (BULLETIN, "Russian", {"Rodynske", "Udachne"}),
        (
            "Генштаб ЗСУ спростував заяви про захоплення Куп'янська: місто перебуває під "
            "контролем Сил оборони.",
            "Ukrainian",
            {"Kupiansk"},
        ),
        (REPORT, "English", {"Huliaipole"}),
    ],
)
def test_the_language_is_shown_and_claims_proposed(page_db, text, language, places):
    at = paste(text)
    assert not at.exception and not at.error
    assert any(m.value == f"**Language:** {language}" for m in at.markdown)
    add_button(at).click().run()
    stored = {c.place for c in page_db.ledger.claims() if c.source_publisher == "Example Wire"}
    assert stored == places


WIRE_BULLETIN = (
    "Russia's Defence Ministry said on Monday its forces had captured the village of "
    "Novoselydivka in the Donetsk region."
)
NOVOSELYDIVKA = 1_141_611_020


def place_button(at):
    return next(b for b in at.button if (b.key or "").startswith("placing_go_"))


@pytest.mark.parametrize(
    "point, outcome",
    [
        ("48.0337, 37.3021", "Placed Novoselydivka at 48.03370, 37.30210"),
        ("50.45, 30.52", "Novoselydivka lies in Donetsk oblast"),
        ("somewhere", "is not “latitude, longitude”"),
    ],
)
def test_an_unmapped_village_is_placed_by_typing_its_point(page_db, point, outcome):
    at = paste(WIRE_BULLETIN)
    assert not at.exception and not at.error
    known = next(m.value for m in at.markdown if "Known, not on the map yet" in m.value)
    assert "Novoselydivka" in known and "Pokrovskyi raion" in known
    at.text_input(key=f"placing_point_{NOVOSELYDIVKA}").set_value(point)
    place_button(at).click().run()
    assert not at.exception
    shown = [s.value for s in at.success] + [e.value for e in at.error]
    assert any(outcome in s for s in shown), shown
    placed = page_db.ledger.placements()
    if outcome.startswith("Placed"):
        assert [(p.place_id, p.lat, p.lon) for p in placed] == [(NOVOSELYDIVKA, 48.0337, 37.3021)]
        assert placed[0].author
    else:
        assert placed == []


MOD_BULLETIN = (
    "МОСКВА, 14 ноября 2025. Подразделения группировки войск «Центр» в ходе наступления "
    "освободили населенные пункты Новоселидовка, Дальнее, Родинское, Сухой Яр и Удачное "
    "Донецкой Народной Республики, сообщили в Министерстве обороны России."
)


@pytest.mark.parametrize(
    "text, day, claims, unmapped",
    [
        # One claim per village of the list, the region after it for each; the three the
        # register lists without coordinates are named with their raion and oblast.
        (
            MOD_BULLETIN,
            date(2025, 11, 14),
            {"Novoselydivka", "Dalnie", "Rodynske", "Sukhyi Yar", "Udachne"},
            {"Novoselydivka", "Dalnie", "Sukhyi Yar"},
        ),
    ],
)
def test_a_bulletin_gives_a_claim_per_village_mapped_or_not(page_db, text, day, claims, unmapped):
    at = paste(text)
    assert not at.exception and not at.error
    known = next(m.value for m in at.markdown if "Known, not on the map yet" in m.value)
    assert all(f"{name} (" in known for name in unmapped) and "Pokrovskyi raion" in known
    add_button(at).click().run()
    assert not at.exception and not at.error
    stored = [c for c in page_db.ledger.claims() if c.source_publisher == "Example Wire"]
    assert {c.place for c in stored} == claims and {c.claim_date for c in stored} == {day}
    drawn = set(page_db.layers(day)["ru"]["place"])
    assert claims - unmapped <= drawn and not (drawn & unmapped)
    # Placing one village draws its stored claim, for every user of the database.
    at.text_input(key=f"placing_point_{NOVOSELYDIVKA}").set_value("48.0337, 37.3021")
    at.button(key=f"placing_go_{NOVOSELYDIVKA}").click().run()
    assert not at.exception
    assert [p.place_id for p in page_db.ledger.placements()] == [NOVOSELYDIVKA], [
        x.value for x in [*at.success, *at.error]
    ]
    other = Workspace(page_db.ledger.url, gazetteer=page_db.gazetteer.__class__.load())
    assert "Novoselydivka" in set(other.layers(day)["ru"]["place"])
