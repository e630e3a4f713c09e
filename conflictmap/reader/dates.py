"""Dates written in a report, resolved against the day it was published.

- Weekdays ("on Monday", "late on Sunday", "said Tuesday") are the most recent such
  day on or before publication.
- "today", "yesterday", "the day before" count back from publication.
- Calendar dates ("on Nov 20", "Jan. 6", "July 31", "2 December 2025", "as of July 30")
  are read by dateparser with the publication date as the base and dates preferred
  from the past, so a date without a year is never after the report.
- Periods ("in May 2023", "early 2024", "last year", "since mid-2024") are not days:
  they are returned as :class:`Period` so that a reader can tell history from news.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)

_WEEKDAY = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:['’]s)?\b"
    r"(?:\s+(?:morning|afternoon|evening|night))?",
    re.IGNORECASE,
)
# Words that may stand before a weekday and belong to the date ("late on Sunday").
_WEEKDAY_BEFORE = re.compile(
    r"\b(?:(?:late|early)\s+(?:on\s+)?|on\s+|last\s+|this\s+past\s+|this\s+)$", re.IGNORECASE
)
# Three forms, each opening with what it needs, so that the scan is quick.
_MONTH_DAY_FORMS = (
    re.compile(
        rf"\b(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}}\b)?", re.IGNORECASE
    ),
    re.compile(
        rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\b\.?(?:,?\s+\d{{4}}\b)?",
        re.IGNORECASE,
    ),
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
)
_RELATIVE = re.compile(
    r"\b(today|yesterday|the day before|the previous day|overnight)\b", re.IGNORECASE
)
_PERIOD = re.compile(
    rf"\b(?:(?:early|mid|late|the\s+end\s+of|the\s+start\s+of)[\s-]+)?(?:(?:{MONTHS})\.?\s+)?"
    r"((?:19|20)\d{2})\b(?!-\d{2}-\d{2})"
    r"|\b(last|this)\s+(year|month|summer|winter|spring|autumn|fall)\b",
    re.IGNORECASE,
)


_DIGIT = re.compile(r"\d")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class DateMention:
    """A day named in the text."""

    start: int
    end: int
    text: str
    day: date


@dataclass(frozen=True)
class Period:
    """A month, season or year named in the text (``year`` may be None: "last year")."""

    start: int
    end: int
    text: str
    year: int | None
    before_publication: bool


def last_weekday(name: str, published: date) -> date:
    """The most recent ``name`` day on or before ``published``.

    >>> last_weekday("Monday", date(2025, 12, 2))
    datetime.date(2025, 12, 1)
    >>> last_weekday("tuesday", date(2025, 12, 2))
    datetime.date(2025, 12, 2)
    """
    target = WEEKDAYS.index(name.lower())
    return published - timedelta(days=(published.weekday() - target) % 7)


@lru_cache(maxsize=4096)
def _read_with_dateparser(text: str, lang: str = "en") -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of a written date, read once by dateparser."""
    import dateparser

    cleaned = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text.replace(" of ", " "))
    settings = {
        "REQUIRE_PARTS": ["day", "month"],
        "RETURN_AS_TIMEZONE_AWARE": False,
        "RELATIVE_BASE": datetime(2000, 1, 1),
    }
    parsed = dateparser.parse(cleaned, languages=[lang], settings=settings)
    if parsed is None:
        return None
    has_year = re.search(r"\d{4}", text) is not None
    return (parsed.year if has_year else None), parsed.month, parsed.day


def parse_calendar_date(text: str, published: date, lang: str = "en") -> date | None:
    """A calendar date in ``text`` read with dateparser, never after ``published``.

    A date written without its year is the latest such day on or before publication.

    >>> parse_calendar_date("Nov 20", date(2025, 12, 2))
    datetime.date(2025, 11, 20)
    >>> parse_calendar_date("Dec 20", date(2025, 12, 2))
    datetime.date(2024, 12, 20)
    >>> parse_calendar_date("2 December 2023", date(2025, 12, 2))
    datetime.date(2023, 12, 2)
    """
    parts = _read_with_dateparser(text, lang)
    if parts is None:
        return None
    year, month, day = parts
    try:
        if year is not None:
            return date(year, month, day)
        found = date(published.year, month, day)
        return found if found <= published else date(published.year - 1, month, day)
    except ValueError:  # 29 February in a year that has none
        return None


def find_dates(text: str, published: date) -> list[DateMention]:
    """Every day named in ``text``, resolved against ``published``, in text order.

    >>> [(d.text, d.day.isoformat()) for d in find_dates(
    ...     "The Kremlin said late on Sunday, and again on Nov. 20,", date(2025, 12, 2))]
    [('late on Sunday', '2025-11-30'), ('Nov. 20', '2025-11-20')]
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    has_digit = _DIGIT.search(text) is not None
    lower = text.lower()
    if not has_digit and "day" not in lower and "overnight" not in lower:
        return found
    months = has_digit and (
        _ISO.search(text) is not None or any(name in lower for name in _MONTH_NAMES)
    )
    matches = (
        sorted(
            (m for form in _MONTH_DAY_FORMS for m in form.finditer(text)), key=lambda m: m.start()
        )
        if months
        else []
    )
    for m in matches:
        if any(s <= m.start() < e for s, e in taken):
            continue
        day = parse_calendar_date(m.group(0), published)
        if day is not None:
            found.append(DateMention(m.start(), m.end(), m.group(0), day))
            taken.append((m.start(), m.end()))
    for m in _WEEKDAY.finditer(text) if "day" in lower else ():
        # "Tuesday 2 December 2025" is one day, named twice.
        if any(s - 3 <= m.end() and m.start() < e + 3 for s, e in taken):
            continue
        before = _WEEKDAY_BEFORE.search(text, max(0, m.start() - 16), m.start())
        start = before.start() if before else m.start()
        found.append(
            DateMention(start, m.end(), text[start : m.end()], last_weekday(m.group(1), published))
        )
    for m in _RELATIVE.finditer(text):
        word = m.group(1).lower()
        back = 0 if word in ("today", "overnight") else 1
        found.append(DateMention(m.start(), m.end(), m.group(0), published - timedelta(days=back)))
    found.sort(key=lambda d: d.start)
    return found


_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _month_of(text: str) -> int | None:
    word = re.search(r"[a-z]{3}", text.lower().split()[-2] if len(text.split()) > 1 else "")
    if word and word.group(0) in _MONTH_NAMES:
        return _MONTH_NAMES.index(word.group(0)) + 1
    return None


def find_periods(text: str, published: date) -> list[Period]:
    """Months, seasons and years named in ``text`` (history markers).

    >>> [(p.text, p.year, p.before_publication) for p in find_periods(
    ...     "since the fall of Avdiivka in early 2024 and last year", date(2025, 1, 6))]
    [('early 2024', 2024, True), ('last year', 2024, True)]
    """
    out = []
    for m in _PERIOD.finditer(text):
        if m.group(1):
            year = int(m.group(1))
            month = _month_of(m.group(0))
            before = year < published.year or (
                month is not None and year == published.year and month < published.month
            )
            out.append(Period(m.start(), m.end(), m.group(0), year, before))
        else:
            which, unit = m.group(2).lower(), m.group(3).lower()
            if which == "last" and unit == "year":
                out.append(Period(m.start(), m.end(), m.group(0), published.year - 1, True))
            elif which == "last":
                out.append(Period(m.start(), m.end(), m.group(0), None, unit != "month"))
    return out


# -- Russian and Ukrainian ------------------------------------------------------------
_CYR_MONTHS = (
    "январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр|"
    "січн|лют|берез|квітн|травн|червн|липн|серпн|вересн|жовтн|листопад|грудн"
)
_CYR_DAY_MONTH = re.compile(
    rf"(?i)\b\d{{1,2}}\s+(?:{_CYR_MONTHS})[а-яіїє]*\b(?:\s+\d{{4}}\s*(?:года|г\.|року|р\.)?)?"
)
# A dateline or date line near the top of a Russian or Ukrainian report: «МОСКВА, 14
# ноября 2025 — РИА Новости», «КИЇВ, 3 грудня 2025 року», «14 ноября 2025, 10:15»,
# «03.12.2025 09:40».
CYRILLIC_DATELINES = (
    re.compile(
        rf"^[ \t]*(?:[А-ЯЁІЇЄҐ][А-ЯЁІЇЄҐа-яёіїєґ'’ -]{{1,30}},\s+)?"
        rf"(\d{{1,2}}\s+(?:{_CYR_MONTHS})[а-яіїє]*\s+\d{{4}})",
        re.M,
    ),
    re.compile(r"^[ \t]*(\d{1,2}\.\d{1,2}\.\d{4})(?:[ \t,]+\d{1,2}:\d{2})?[ \t]*$", re.M),
)
_UK_MONTH = re.compile("січн|лют|берез|квітн|травн|червн|липн|серпн|вересн|жовтн|листопад|грудн")


def parse_cyrillic_dateline(value: str) -> date | None:
    """The day a Cyrillic dateline's date names («14 ноября 2025», «3 грудня 2025»,
    «03.12.2025»), or None.

    >>> parse_cyrillic_dateline("14 ноября 2025"), parse_cyrillic_dateline("03.12.2025")
    (datetime.date(2025, 11, 14), datetime.date(2025, 12, 3))
    """
    numeric = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value.strip())
    if numeric:
        d, m, y = map(int, numeric.groups())
        try:
            return date(y, m, d)
        except ValueError:
            return None
    lang = "uk" if _UK_MONTH.search(value.lower()) else "ru"
    parts = _read_with_dateparser(value, lang)
    if parts is None or parts[0] is None:
        return None
    try:
        return date(*parts)
    except ValueError:
        return None


_CYR_WEEKDAYS = {
    "понедельник": 0,
    "вторник": 1,
    "среду": 2,
    "среда": 2,
    "четверг": 3,
    "пятницу": 4,
    "пятница": 4,
    "субботу": 5,
    "суббота": 5,
    "воскресенье": 6,
    "понеділок": 0,
    "вівторок": 1,
    "середу": 2,
    "середа": 2,
    "четвер": 3,
    "п'ятницю": 4,
    "п’ятницю": 4,
    "пʼятницю": 4,
    "п'ятниця": 4,
    "суботу": 5,
    "субота": 5,
    "неділю": 6,
    "неділя": 6,
}
_CYR_WEEKDAY = re.compile(
    r"(?i)\b(?:в|во|у)\s+(" + "|".join(sorted(_CYR_WEEKDAYS, key=len, reverse=True)) + r")\b"
)
_CYR_RELATIVE = {
    "сегодня": 0,
    "сьогодні": 0,
    "за сутки": 0,
    "за минувшие сутки": 0,
    "за прошедшие сутки": 0,
    "за добу": 0,
    "за минулу добу": 0,
    "з початку доби": 0,
    "вчера": 1,
    "вчора": 1,
    "накануне": 1,
    "напередодні": 1,
    "позавчера": 2,
    "позавчора": 2,
}
_CYR_REL = re.compile(
    r"(?i)(?<![\w-])(" + "|".join(sorted(_CYR_RELATIVE, key=len, reverse=True)) + r")(?![\w-])"
)


def find_dates_cyrillic(text: str, published: date, lang: str) -> list[DateMention]:
    """Days named in Russian or Ukrainian text («28 декабря», «в понедельник»,
    «накануне», «за сутки»), resolved against ``published`` like :func:`find_dates`.

    >>> [(d.text, d.day.isoformat()) for d in find_dates_cyrillic(
    ...     "Накануне, 20 ноября, в понедельник", date(2025, 11, 25), "ru")]
    [('Накануне', '2025-11-24'), ('20 ноября', '2025-11-20'), ('в понедельник', '2025-11-24')]
    """
    found: list[DateMention] = []
    if _DIGIT.search(text):
        for m in _CYR_DAY_MONTH.finditer(text):
            day = parse_calendar_date(m.group(0), published, lang)
            if day is not None:
                found.append(DateMention(m.start(), m.end(), m.group(0), day))
    for m in _CYR_WEEKDAY.finditer(text):
        target = _CYR_WEEKDAYS[m.group(1).lower()]
        day = published - timedelta(days=(published.weekday() - target) % 7)
        found.append(DateMention(m.start(), m.end(), m.group(0), day))
    for m in _CYR_REL.finditer(text):
        back = _CYR_RELATIVE[m.group(1).lower()]
        found.append(DateMention(m.start(), m.end(), m.group(0), published - timedelta(days=back)))
    found.sort(key=lambda d: d.start)
    return found
