"""Reading input as a report: text, HTML through trafilatura, and refusals."""

from __future__ import annotations

from datetime import date

import pytest

from conflictmap.reader.article import MAX_BYTES, ArticleError, from_file, from_html, from_text

ARTICLE = """<!doctype html><html><head><title>Russia claims Toretsk - Example Wire</title>
<meta property="og:site_name" content="Example Wire">
<meta property="article:published_time" content="2025-02-11T09:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Russia claims Toretsk</h1>
<p>Russia's Defence Ministry said on Monday its forces had captured Toretsk, a town in
the Donetsk region that Russians call Dzerzhinsk.</p>
<p>Ukraine's Khortytsia group said fighting continued in Toretsk.</p></article>
<footer>Copyright</footer></body></html>"""


def test_html_article_text_title_date_publisher():
    a = from_html(ARTICLE, url="http://127.0.0.1/x")
    assert "captured Toretsk" in a.text and "Copyright" not in a.text and "World" not in a.text
    assert a.title == "Russia claims Toretsk"
    assert a.published == date(2025, 2, 11)
    assert a.publisher == "Example Wire"
    assert a.source()["url"] == "http://127.0.0.1/x"


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\t ", "empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        ("huge.txt", b"Pokrovsk. " * (10 * 1024 * 1024 // 10), "bytes"),
        (
            "menu.html",
            b"<html><body><nav><a href='/'>Home</a></nav><p>Log in</p></body></html>",
            "no article",
        ),
    ],
)
def test_bad_files_are_refused_with_a_message(name, data, message):
    with pytest.raises(ArticleError, match=message):
        from_file(name, data)


def test_text_file_keeps_its_text_and_finds_url_and_title():
    data = (
        b"url: https://example.org/story\npublished: 2025-07-31\n\nTitle of the story\n\n"
        b"Body text here."
    )
    a = from_file("story.txt", data)
    assert a.url == "https://example.org/story" and a.title == "Title of the story"
    assert a.text.endswith("Body text here.")


def test_latin1_text_is_decoded():
    a = from_file("old.txt", "Kyiv said the café was hit.".encode("latin-1"))
    assert "café" in a.text


def test_pasted_html_is_read_as_html():
    assert from_text(ARTICLE).title == "Russia claims Toretsk"


def test_limit_is_far_above_an_article():
    assert 100_000 < MAX_BYTES < 10 * 1024 * 1024
