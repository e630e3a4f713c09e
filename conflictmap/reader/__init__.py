"""The reader: report text -> place mentions -> candidate claims for a person to review.

:func:`extract` reads one report; :func:`read_article` and :func:`review_rows` prepare
it for the review table, :func:`records_from_rows` turns reviewed rows into ledger
records; :func:`evaluate` scores the reader against annotated reports. Articles come
from text, files (:func:`from_file`) or the web (:func:`fetch_article`).
"""

from .article import Article, ArticleError, from_file, from_text
from .evaluate import by_language, evaluate, format_report
from .extract import Extraction, extract
from .fetch import FetchError, fetch_article
from .language import LANGUAGES, detect_language
from .mentions import MentionFinder
from .review import COLUMNS as REVIEW_COLUMNS
from .review import ReviewError, read_article, records_from_rows, review_rows

__all__ = [
    "LANGUAGES",
    "REVIEW_COLUMNS",
    "Article",
    "ArticleError",
    "Extraction",
    "FetchError",
    "MentionFinder",
    "ReviewError",
    "by_language",
    "detect_language",
    "evaluate",
    "extract",
    "fetch_article",
    "format_report",
    "from_file",
    "from_text",
    "read_article",
    "records_from_rows",
    "review_rows",
]
