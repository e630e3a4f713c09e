"""The Claim and Source model, and its validation.

A claim says: according to CLAIMANT (RU, UA or OTHER, and the organisation or person),
on DATE, PLACE is held by CONTROLLER (RU, UA or CONTESTED), fully or partly (a fraction
such as 0.7, or a part such as "north"), as reported by SOURCE. A denial of the other
side's capture claim is a claim that the place is CONTESTED.

:func:`claim_from_record` turns a plain mapping (a CSV row, a form, JSON) into a
validated :class:`Claim`, or raises :class:`ClaimError` naming the field at fault.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta

from ..places import Gazetteer, normalise_part

CLAIMANTS = ("RU", "UA", "OTHER")
CONTROLLERS = ("RU", "UA", "CONTESTED")
EXTENTS = ("full", "partial")
NOTE_MAX = 500
TEXT_MAX = 300
FIRST_DATE = date(2014, 1, 1)


class ClaimError(ValueError):
    """A claim field is missing or wrong; ``field`` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Claim:
    """One territorial-control claim with its source."""

    place_id: int
    place: str
    claimant: str
    controller: str
    claim_date: date
    claimant_org: str = ""
    extent: str | None = "full"
    fraction: float | None = None
    part: str | None = None
    source_publisher: str = ""
    source_url: str = ""
    source_published: date | None = None
    source_title: str = ""
    note: str = ""
    # The id the ledger stores the claim under (its natural id when first stored); a
    # correction keeps it. Empty for a claim not read from the ledger.
    stored_id: str = field(default="", compare=False, repr=False)

    @property
    def source_key(self) -> str:
        """What identifies the source: its URL, else its publisher and publication date.

        Never the title: the title of a pasted report is a guess from its first lines (a
        headline, a byline, nothing), and the same report read twice must be the same source.
        """
        if self.source_url:
            return self.source_url
        published = self.source_published.isoformat() if self.source_published else ""
        return f"{self.source_publisher} | {published}"

    @property
    def natural_key(self) -> tuple:
        """Same place, claimant, controller, date and source: the same claim.

        Without a URL two reports of one publisher and day are told apart by who made the
        claim (the reader names it the same way each time it reads a report).
        """
        key = (
            self.place_id,
            self.claimant,
            self.controller,
            self.claim_date.isoformat(),
            self.source_key,
        )
        if not self.source_url:
            key += (" ".join(self.claimant_org.split()).casefold(),)
        return key

    @property
    def natural_id(self) -> str:
        """A stable id derived from the natural key (what makes two claims the same)."""
        return natural_id(self.natural_key)

    @property
    def id(self) -> str:
        """The ledger's id of the claim: the stored id, else the natural id."""
        return self.stored_id or self.natural_id

    def details(self) -> dict:
        """Every field (no id), as stored: what a correction may change."""
        return {name: getattr(self, name) for name in FIELD_NAMES}

    def as_record(self) -> dict:
        """Flat mapping with ISO dates and the id, as stored and exported."""
        rec = asdict(self)
        rec.pop("stored_id")
        rec["claim_date"] = self.claim_date.isoformat()
        rec["source_published"] = self.source_published.isoformat() if self.source_published else ""
        return {"id": self.id, **rec}

    def describe(self) -> str:
        """Short human wording: 'RU holds all', 'UA holds the north part', 'contested'."""
        return describe_control(self.controller, self.extent, self.fraction, self.part)


def describe_control(controller, extent=None, fraction=None, part=None) -> str:
    """How a claim reads: 'contested', 'RU holds all', 'UA holds the north part', 'RU holds 95%'.

    Missing values may be None, NaN or '' (as they come from tables).

    >>> describe_control("RU", "partial", 0.95)
    'RU holds 95%'
    >>> describe_control("UA", "partial", float("nan"), "north")
    'UA holds the north part'
    """
    if controller == "CONTESTED":
        return "contested"
    if isinstance(part, str) and part:
        return f"{controller} holds the {part} part"
    if isinstance(fraction, (int, float)) and not math.isnan(fraction):
        return f"{controller} holds {round(float(fraction) * 100)}%"
    if extent == "partial":
        return f"{controller} holds part"
    return f"{controller} holds all"


def natural_id(key: tuple) -> str:
    """The 16-hex-digit id of a natural key (see :attr:`Claim.natural_key`)."""
    raw = "\x1f".join(map(str, key)).encode("utf-8")
    return hashlib.sha1(raw).hexdigest()[:16]


FIELD_NAMES = [f.name for f in fields(Claim) if f.name != "stored_id"]
RECORD_FIELDS = ["id"] + FIELD_NAMES


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(record: dict, name: str, limit: int = TEXT_MAX) -> str:
    value = record.get(name)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (dict, list)):
        raise ClaimError(name, "a list or an object, not text")
    value = str(value).strip()
    if len(value) > limit:
        raise ClaimError(name, f"longer than {limit} characters ({len(value):,})")
    bad = _CONTROL.search(value)
    if bad:
        what = "a NUL character" if bad.group() == "\x00" else f"control character {bad.group()!r}"
        raise ClaimError(name, f"contains {what} at position {bad.start() + 1}")
    return value


def date_range() -> tuple[date, date]:
    """The dates a claim or a source may carry: 2014-01-01 to tomorrow (UTC)."""
    return FIRST_DATE, datetime.now(UTC).date() + timedelta(days=1)


def parse_claim_date(value, field: str, *, required: bool = True) -> date | None:
    """:func:`parse_date`, refusing dates outside :func:`date_range`."""
    day = parse_date(value, field, required=required)
    first, last = date_range()
    if day is not None and not first <= day <= last:
        raise ClaimError(
            field,
            f"{day.isoformat()} is outside {first.isoformat()} .. {last.isoformat()} "
            "(the war since 2014, up to tomorrow)",
        )
    return day


def parse_date(value, field: str, *, required: bool = True) -> date | None:
    """An ISO 8601 calendar date (YYYY-MM-DD) from a string or date."""
    if isinstance(value, date):
        return value
    text = (
        ""
        if value is None or (isinstance(value, float) and math.isnan(value))
        else str(value).strip()
    )
    if not text:
        if required:
            raise ClaimError(field, "missing (expected a date YYYY-MM-DD)")
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ClaimError(field, f"{text!r} is not a date YYYY-MM-DD") from None


def parse_fraction(value) -> float | None:
    """0..1 from 0.7, "0.7", "70%" or "70 %"; None when empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    if not text or text.lower() in ("none", "null", "nan"):
        return None
    try:
        number = float(text.rstrip("%").strip()) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise ClaimError("fraction", f"{text!r} is not a number between 0 and 1") from None
    if not 0 <= number <= 1:
        raise ClaimError("fraction", f"{text!r} is outside 0..1")
    return number


def _choice(record: dict, name: str, allowed: tuple) -> str:
    value = _text(record, name).upper()
    if not value:
        raise ClaimError(name, f"missing (expected one of {', '.join(allowed)})")
    if value not in allowed:
        raise ClaimError(name, f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _place(record: dict, gazetteer: Gazetteer) -> tuple[int, str]:
    raw_id = record.get("place_id", record.get("geonames_id"))
    id_field = "place_id" if "place_id" in record else "geonames_id"
    name = _text(record, "place")
    if raw_id not in (None, "") and not (isinstance(raw_id, float) and math.isnan(raw_id)):
        try:
            gid = int(float(raw_id))
        except (TypeError, ValueError, OverflowError):
            raise ClaimError(id_field, f"{raw_id!r} is not a GeoNames id") from None
        if gid not in gazetteer:
            raise ClaimError(id_field, f"{gid} is not in the gazetteer")
        return gid, gazetteer.get(gid).name
    if not name:
        raise ClaimError("place", "missing (give a place name or a geonames_id)")
    res = gazetteer.resolve(name, _text(record, "oblast"))
    if res.place is None:
        options = "; ".join(
            f"{c.place.name} ({c.place.oblast}, {c.place.country})" for c in res.candidates[:4]
        )
        raise ClaimError(
            "place",
            f"{name!r} is unresolved: {res.reason}"
            + (f" (candidates: {options})" if options else ""),
        )
    return res.place.geonames_id, res.place.name


def claim_from_record(record: dict, gazetteer: Gazetteer) -> Claim:
    """Validate a mapping into a Claim; raises ClaimError naming the field at fault."""
    place_id, place = _place(record, gazetteer)
    claimant = _choice(record, "claimant", CLAIMANTS)
    controller = _choice(record, "controller", CONTROLLERS)
    fraction = parse_fraction(record.get("fraction"))
    try:
        part = normalise_part(_text(record, "part") or None)
    except ValueError as exc:
        raise ClaimError("part", str(exc)) from None
    extent = _text(record, "extent").lower() or None
    if extent is not None and extent not in EXTENTS:
        raise ClaimError("extent", f"{extent!r} is not one of {', '.join(EXTENTS)}")
    if part is not None or (fraction is not None and fraction < 1):
        if extent == "full":
            raise ClaimError("extent", "a claim with a part or a fraction below 1 is partial")
        extent = "partial"
    if extent is None and controller != "CONTESTED":
        extent = "full"
    publisher = _text(record, "source_publisher")
    url = _text(record, "source_url", 1000)
    if url and not re.match(r"https?://", url):
        raise ClaimError("source_url", f"{url!r} is not an http(s) URL")
    if not publisher and not url:
        raise ClaimError("source_publisher", "a claim needs a source: a publisher or a URL")
    return Claim(
        place_id=place_id,
        place=place,
        claimant=claimant,
        controller=controller,
        claim_date=parse_claim_date(record.get("claim_date", record.get("date")), "claim_date"),
        claimant_org=_text(record, "claimant_org"),
        extent=extent,
        fraction=fraction,
        part=part,
        source_publisher=publisher,
        source_url=url,
        source_published=parse_claim_date(
            record.get("source_published"), "source_published", required=False
        ),
        source_title=_text(record, "source_title"),
        note=_text(record, "note", NOTE_MAX),
    )


def with_place(claim: Claim, gazetteer: Gazetteer) -> Claim:
    """The claim with its place name refreshed from the gazetteer."""
    return replace(claim, place=gazetteer.get(claim.place_id).name)
