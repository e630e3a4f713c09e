"""Read a report: its place mentions and the control claims it reports (pure functions).

:func:`extract` takes the text and its publication date and returns an
:class:`Extraction`: every place mention (:mod:`conflictmap.reader.mentions`), the regions
named, and candidate claims, each with its place, claimant (RU, UA, OTHER and the
organisation or person), controller (RU, UA, CONTESTED), extent, fraction, part, the
date the claim was made and the sentence that shows it.

How a sentence becomes claims:

1. Place mentions (and "the city", "the town" meaning the last place named) are
   replaced by numbered placeholders, and the cue rules of :mod:`conflictmap.reader.en`
   run over the result: capture and withdrawal events, hold verbs, fighting, and states
   ("Ukrainian-held", "held by", "in Russian hands", "occupied").
2. Events under a condition ("if confirmed"), a modal ("would"), an attempt ("sought
   to"), a negation, an unconfirmed report, or about the past ("in 2024") give no claim.
   States are facts as written, whatever the rest of the sentence says.
3. The controller is the side doing the capturing or holding; a withdrawal gives the
   place to the other side; fighting makes it contested.
4. The claimant is who says so: the speaker of the nearest "said", "according to",
   "claimed" (or of a quotation that ends with one). A claim reported inside another
   side's words ("rejected Moscow's claim that its forces captured X") belongs to that
   side. With no speaker the report itself is the claimant (OTHER).
5. Denials ("denied", "dismissed", "untrue", "does not correspond to reality", "lying")
   make the denying side claim the place is contested.
6. The date is the one named in the sentence nearest the speaker; else the latest date
   the same side spoke on in the report; else the publication date.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from ..places import HOME_COUNTRY, PARTS, Gazetteer, Place
from . import en, ru, uk
from .cues import Speech
from .dates import (
    CYRILLIC_DATELINES,
    find_periods,
    parse_calendar_date,
    parse_cyrillic_dateline,
)
from .en import COMPLEMENT
from .language import detect_language
from .mentions import Mention, MentionFinder, RegionMention

SIDES = ("RU", "UA")
OTHER_SIDE = {"RU": "UA", "UA": "RU"}
PUBLISHER_LABEL = "the report"

_ABBREVIATIONS = {
    "mr",
    "ms",
    "mrs",
    "dr",
    "gen",
    "lt",
    "col",
    "maj",
    "capt",
    "st",
    "jan",
    "feb",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "u.s",
    "u.k",
    "no",
    "mt",
    "approx",
    "vs",
    "e.g",
    "i.e",
    "sen",
    "rep",
    "gov",
    "prof",
    "est",
    "jr",
}
_BOUNDARY = re.compile(r"[.!?…]+[\"”’')\]»]*\s+(?=[\"“‘'(\[«„]?[A-Z0-9А-ЯЁІЇЄҐ])")
_DATELINES = (
    re.compile(r"^[ \t]*(?:date|published|updated|posted)\s*:?\s*(\d{4}-\d{2}-\d{2})", re.I | re.M),
    re.compile(
        r"^[ \t]*[A-Z][A-Za-z .'-]{1,30},\s+((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|"
        r"Nov|Dec)[a-z]*\.?\s+\d{1,2})\s*\(",
        re.M,
    ),
    re.compile(
        r"^[ \t]*((?:January|February|March|April|May|June|July|August|September|October|"
        r"November|December)\s+\d{1,2},\s+\d{4})[ \t]*$",
        re.M,
    ),
    *CYRILLIC_DATELINES,
)


def _any_in(text: str, needles: tuple[str, ...]) -> bool:
    """True when one of the substrings occurs in ``text`` (a cheap gate before a regex)."""
    return any(n in text for n in needles)


_LAST_WORD = re.compile(r"([\w.]+)[.!?]*[\"”’')\]]*\s*$")
_PLACEHOLDER = re.compile(r"⟦(\d+)⟧")
_QUOTE_OR_COMMA = re.compile(r"[,”\"’]")


@dataclass(frozen=True)
class Sentence:
    """A sentence's offsets and the paragraph (line) it belongs to."""

    start: int
    end: int
    paragraph: int


@dataclass
class CandidateClaim:
    """A control claim proposed from a report, with the evidence that shows it."""

    place: Place
    claimant: str
    claimant_org: str
    controller: str
    date: date
    extent: str | None = "full"
    fraction: float | None = None
    part: str | None = None
    evidence: list[tuple[int, int]] = field(default_factory=list)
    rule: str = ""
    date_from: str = "published"  # sentence | side | published

    @property
    def key(self) -> tuple:
        return (self.place.geonames_id, self.claimant, self.controller)

    def as_dict(self, text: str | None = None) -> dict:
        """Plain-JSON form (the contract of ``extract --format json``)."""
        evidence = []
        for s, e in self.evidence:
            item = {"start": s, "end": e}
            if text is not None:
                item["text"] = text[s:e]
            evidence.append(item)
        return {
            "place": self.place.name,
            "geonames_id": self.place.geonames_id,
            "lat": self.place.lat,
            "lon": self.place.lon,
            "oblast": self.place.oblast,
            "claimant": self.claimant,
            "claimant_org": self.claimant_org,
            "controller": self.controller,
            "extent": self.extent,
            "fraction": self.fraction,
            "part": self.part,
            "date": self.date.isoformat(),
            "evidence": evidence,
            "rule": self.rule,
        }

    def as_record(self, source: dict | None = None) -> dict:
        """A ledger record (see :func:`conflictmap.ledger.claims.claim_from_record`)."""
        source = source or {}
        return {
            "place_id": self.place.geonames_id,
            "place": self.place.name,
            "claimant": self.claimant,
            "claimant_org": self.claimant_org,
            "controller": self.controller,
            "claim_date": self.date.isoformat(),
            "extent": self.extent or "",
            "fraction": self.fraction,
            "part": self.part or "",
            "source_publisher": source.get("publisher", ""),
            "source_url": source.get("url", ""),
            "source_published": source.get("published", ""),
            "source_title": source.get("title", ""),
            "note": source.get("note", ""),
        }


@dataclass
class Extraction:
    """What a report says: mentions, regions and candidate claims."""

    text: str
    published: date
    mentions: list[Mention]
    regions: list[RegionMention]
    claims: list[CandidateClaim]
    published_from: str = "given"  # given | text | today
    language: str = "en"  # en | ru | uk, detected from the text

    def as_dict(self) -> dict:
        return {
            "published": self.published.isoformat(),
            "language": self.language,
            "mentions": [m.as_dict() for m in self.mentions],
            "regions": [r.as_dict() for r in self.regions],
            "claims": [c.as_dict(self.text) for c in self.claims],
        }


# -- sentences -----------------------------------------------------------------------
def split_sentences(text: str) -> list[Sentence]:
    """Sentences by punctuation within lines; each line is a paragraph.

    >>> t = "Gen. Smith said it fell. Kyiv denied it.\\nNext line"
    >>> [t[s.start:s.end] for s in split_sentences(t)]
    ['Gen. Smith said it fell.', 'Kyiv denied it.', 'Next line']
    """
    out = []
    pos = 0
    for para, line in enumerate(text.split("\n")):
        start = pos
        for m in _BOUNDARY.finditer(line):
            word = _LAST_WORD.search(line[max(0, m.start() - 24) : m.end()])
            abbreviation = word and word.group(1).lower().rstrip(".") in _ABBREVIATIONS
            if abbreviation and "." in m.group(0)[:1]:
                continue
            end = pos + m.start() + len(m.group(0).rstrip())
            if text[start:end].strip():
                out.append(_trimmed(text, start, end, para))
            start = pos + m.end()
        end = pos + len(line)
        if text[start:end].strip():
            out.append(_trimmed(text, start, end, para))
        pos += len(line) + 1
    return out


def _trimmed(text: str, start: int, end: int, para: int) -> Sentence:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(start, end, para)


def datelines(text: str) -> list[tuple[int, int, str]]:
    """Spans of datelines near the top ("date 2025-12-02", "MOSCOW, Dec 2 (Reuters)")."""
    head = text[:400]
    out = []
    for pattern in _DATELINES:
        for m in pattern.finditer(head):
            out.append((m.start(1), m.end(1), m.group(1)))
    return out


def published_from_text(text: str) -> date | None:
    """The publication date a dateline gives, if any (for reports pasted without one)."""
    today = date.today()
    for _, _, value in datelines(text):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                continue
        if re.search("[а-яёіїєґ]", value, re.I) or re.fullmatch(r"[\d.]+", value):
            day = parse_cyrillic_dateline(value)
        else:
            day = parse_calendar_date(value, today)
        if day and day <= today:
            return day
    return None


# -- the reader ------------------------------------------------------------------------
@dataclass
class _Hit:
    kind: str  # capture | withdrawal | hold | fighting | contested | state rules
    places: list[int]
    cue_start: int
    cue_end: int
    match_end: int
    controller: str | None
    part: str | None
    part2: str | None
    fraction_text: str | None
    full: bool


class Reader:
    """Turns report text into an :class:`Extraction`; build once, call many times."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer or Gazetteer.load()
        self.finder = MentionFinder.for_gazetteer(self.gazetteer)

    def read(
        self,
        text: str,
        published: date | None = None,
        *,
        publisher: str = "",
        language: str | None = None,
    ) -> Extraction:
        """Mentions and candidate claims of ``text`` published on ``published``.

        ``language`` (``en``, ``ru``, ``uk``) is detected from the text when not given.
        """
        language = language if language in CUES else detect_language(text)
        published_from = "given"
        if published is None:
            published = published_from_text(text)
            published_from = "text" if published else "today"
            published = published or date.today()
        found = self.finder.find(text, language)
        sentences = split_sentences(text)
        dateline_spans = [(s, e) for s, e, _ in datelines(text)]
        doc = _Document(
            CUES[language],
            text,
            published,
            sentences,
            found.mentions,
            dateline_spans,
            publisher or PUBLISHER_LABEL,
        )
        claims = doc.claims()
        return Extraction(
            text, published, found.mentions, found.regions, claims, published_from, language
        )


class _Document:
    """One report being read (state shared by its sentences)."""

    def __init__(self, cues, text, published, sentences, mentions, dateline_spans, publisher):
        self.R = cues
        self.text = text
        self.published = published
        self.sentences = sentences
        self.mentions = mentions
        self.datelines = dateline_spans
        self.publisher = publisher
        self._starts = [s.start for s in sentences]
        self._mention_starts = [m.start for m in mentions]
        self._counts: dict[int, int] = {}
        for m in mentions:
            if m.identified is not None:
                gid = m.identified.geonames_id
                self._counts[gid] = self._counts.get(gid, 0) + 1
        self.side_dates: dict[str, list[date]] = {}
        self.last_speaker: tuple[str | None, str] = (None, "")
        self.analysed = [self._analyse(i) for i in range(len(sentences))]

    # -- per-sentence preparation ------------------------------------------------------
    def _sentence_of(self, pos: int) -> int:
        return max(0, bisect_right(self._starts, pos) - 1)

    def _analyse(self, i: int) -> dict:
        s = self.sentences[i]
        raw = self.text[s.start : s.end]
        items: list[tuple[int, int, Place | None]] = []
        first = bisect_right(self._mention_starts, s.start - 1)
        for m in self.mentions[first:]:
            if m.start >= s.end:
                break
            if m.end <= s.end and not self.R.GOVERNMENT.fullmatch(m.text):
                items.append((m.start - s.start, m.end - s.start, m.identified))
        low_raw = raw.lower()
        anaphors = self.R.ANAPHOR.finditer(raw) if _any_in(low_raw, self.R.ANAPHOR_NOUNS) else ()
        for a in anaphors:
            if any(x0 < a.end() and a.start() < x1 for x0, x1, _ in items):
                continue
            ante = self._antecedent(s.start + a.start(), i)
            if ante is not None:
                items.append((a.start(), a.end(), ante))
        items.sort(key=lambda t: t[0])
        masked, places, offsets = [], [], []
        last = 0
        for k, (x0, x1, place) in enumerate(items):
            masked.append(raw[last:x0])
            token = f"⟦{k}⟧"
            offsets.append((sum(map(len, masked)), len(token), x1 - x0))
            masked.append(token)
            places.append(place)
            last = x1
        masked.append(raw[last:])
        masked_text = "".join(masked)
        dates = [
            d
            for d in self.R.find_dates(raw, self.published)
            if not any(a <= s.start + d.start < b for a, b in self.datelines)
        ]
        low = masked_text.lower()
        may_deny = _any_in(low, self.R.MAY_DENY)
        # Speakers matter where a claim, a date or a denial can be: skip the rest.
        speeches = (
            self.R.find_speeches(masked_text)
            if (
                places
                or dates
                or self.R.UNATTRIBUTED_IS_SIDE
                or (may_deny and self.R.DENIAL.search(masked_text))
            )
            and _any_in(low, self.R.MAY_SPEAK)
            else []
        )
        info = {
            "raw": raw,
            "masked": masked_text,
            "places": places,
            "offsets": offsets,
            "dates": dates,
            "speeches": speeches,
            "start": s.start,
            "low": low,
            "may_deny": may_deny,
        }
        if places:  # what the claim rules need, for sentences that can hold a claim
            info.update(
                conditional=_any_in(low, self.R.MAY_CONDITION)
                and bool(self.R.CONDITIONAL.search(masked_text)),
                unconfirmed=[u.end() for u in self.R.UNCONFIRMED.finditer(masked_text)]
                if _any_in(low, self.R.MAY_UNCONFIRM)
                else [],
                periods=[
                    p for p in find_periods(masked_text, self.published) if p.before_publication
                ]
                if self.R.PERIOD_HINT.search(low)
                else [],
                claim_nouns=_claim_nouns(self.R, masked_text)
                if _any_in(low, self.R.MAY_CLAIM_NOUN)
                else [],
                denials=[d.end() for d in self.R.DENIAL.finditer(masked_text)] if may_deny else [],
            )
        for sp in speeches:
            if self.R.PRONOUN_LABEL and sp.label == self.R.PRONOUN_LABEL:
                sp.side, sp.label = self.last_speaker  # «Он добавил»: the last one named
            elif sp.side in SIDES:
                self.last_speaker = (sp.side, sp.label)
        info["last_side"] = self.last_speaker[0]
        for sp in speeches:
            if sp.side and dates:
                self.side_dates.setdefault(sp.side, []).extend(d.day for d in dates)
        return info

    def _antecedent(self, pos: int, sentence: int) -> Place | None:
        """The place "the town" means: of the places named in this sentence before it or
        in the two before, the one the report names most often (the latest on a tie)."""
        recent = []
        for j in range(bisect_right(self._mention_starts, pos) - 1, -1, -1):
            m = self.mentions[j]
            if sentence - self._sentence_of(m.start) > 2:
                break
            if m.end <= pos and m.place is not None and not self.R.GOVERNMENT.fullmatch(m.text):
                recent.append(m)
        recent.reverse()
        if not recent:
            return None
        best = max(
            enumerate(recent), key=lambda im: (self._counts.get(im[1].place.geonames_id, 0), im[0])
        )
        return best[1].place

    # -- rules -------------------------------------------------------------------------
    def _hits(self, info: dict) -> list[_Hit]:
        masked = info["masked"]
        hits: list[_Hit] = []
        if "⟦" not in masked:
            return hits
        first: dict[str, int] = {}
        for kind, pattern in self.R.EVENT_RULES + self.R.STATE_RULES:
            if kind not in first:
                first[kind] = self.R.first_needed(info["low"], kind)
            if first[kind] < 0:
                continue
            # A rule that opens with its cue cannot match before the first cue word.
            places_first, opens_with_places = _rule_shape(pattern)
            start = 0 if places_first else max(0, first[kind] - 30)
            for m in pattern.finditer(masked, start):
                places = [int(x) for x in _PLACEHOLDER.findall(m.group("places"))]
                cs, ce = m.span("cue")
                groups = m.groupdict()
                if kind == "capture" and getattr(self.R, "ENCIRCLED", None):
                    if self.R.ENCIRCLED.match(masked, m.end()):
                        continue  # «взяли X в кольцо»: encircled, not taken
                if kind == "in_hands" or (
                    opens_with_places and getattr(self.R, "PARTS_BEFORE_PLACES", False)
                ):  # «Северная часть X освобождена»
                    before = self.R.BEFORE_PLACE.search(masked, max(0, m.start() - 60), m.start())
                    if before:
                        groups = {**groups, **{k: v for k, v in before.groupdict().items() if v}}
                part, part2 = self.R.part_of_groups(groups)
                frac = groups.get("fraction") or (groups.get("degree") or None)
                window = masked[max(0, cs - 25) : ce + 25]
                hits.append(
                    _Hit(
                        kind,
                        places,
                        cs,
                        ce,
                        m.end(),
                        None,
                        part,
                        part2,
                        frac,
                        bool(self.R.FULL_WORDS.search(window)),
                    )
                )
                if kind in ("capture", "held_by", "in_hands", "side_held", "occupied"):
                    hits[-1].controller = _by_side(self.R, groups.get("by"))
        return hits

    def _hedged(self, info: dict, hit: _Hit) -> bool:
        masked = info["masked"]
        cs, me = hit.cue_start, hit.match_end
        if self.R.NEGATION.search(masked[max(0, cs - 22) : cs]) and not self.R.NOT_ONLY.search(
            masked[max(0, cs - 22) : cs]
        ):
            return True
        if hit.kind in ("held_by", "side_held", "occupied", "in_hands"):
            return any(
                cs - 60 <= p.start <= me + 40
                and not self.R.SINCE_PERIOD.search(masked[max(0, p.start - 8) : p.start])
                for p in info["periods"]
            )
        cue = (
            masked[cs : hit.cue_end].split()[-1].lower() if masked[cs : hit.cue_end].split() else ""
        )
        if (
            hit.kind in ("capture", "hold", "withdrawal", "reached")
            and self.R.UNASSERTED_FORM.search(cue)
            and not self.R.FINITE_BEFORE.search(masked[max(0, cs - 40) : cs])
        ):
            if not self._embedding(info, cs)[0]:
                return True
        if info["conditional"]:
            return True
        if self.R.MODAL.search(masked[max(0, cs - 30) : cs]) or self.R.MODAL.search(
            masked[me : me + 22]
        ):
            return True
        if self.R.ATTEMPT.search(masked[max(0, cs - 50) : cs]):
            return True
        unconfirmed = [u for u in info["unconfirmed"] if u <= cs]
        if (
            unconfirmed
            and not self.R.BUT.search(masked[unconfirmed[-1] : cs])
            # "has not confirmed Russian claims that ...": the claim is Russia's, as made
            and not any(side and unconfirmed[-1] <= end <= cs for end, side in info["claim_nouns"])
        ):
            return True
        if self.R.SINCE.search(masked[max(0, cs - 12) : cs]):
            return True
        for p in info["periods"]:
            if cs - 60 <= p.start <= me + 40:
                return True
        return False

    def _agent(self, masked: str, cs: int, speaker: str | None) -> str | None:
        window = masked[max(0, cs - 80) : cs]
        best = None
        for m in self.R.AGENT.finditer(window):
            best = m
        if best is None:
            return None
        word = best.group(0)
        if self.R.SIDE_RU.fullmatch(word):
            return "RU"
        if self.R.SIDE_UA.fullmatch(word):
            return "UA"
        return speaker if speaker in SIDES else None

    def _governing(self, info: dict, pos: int) -> Speech | None:
        before = [sp for sp in info["speeches"] if sp.end <= pos]
        if before:
            return before[-1]
        masked = info["masked"]
        for sp in info["speeches"]:
            if sp.start >= pos and _QUOTE_OR_COMMA.search(masked[pos : sp.start]):
                return sp
        return None

    def _embedding(self, info: dict, cs: int, *, denials: bool = True) -> tuple[bool, str | None]:
        """(inside another's claim or a denial, the side whose claim it is, if named).

        With ``denials=False`` only a claim noun embeds ("Moscow's claim that ..."): what
        a side says it holds after denying the other's capture is its own claim.
        """
        for end, side in info["claim_nouns"]:
            if end <= cs and cs - end <= 90:
                return True, side
        if not denials:
            return False, None
        for sp in info["speeches"]:
            if sp.is_denial and sp.end <= cs:
                return True, None
        if any(end <= cs for end in info["denials"]):
            return True, None
        return False, None

    def _date(self, info: dict, anchor: int, claimant: str, embedded: bool) -> tuple[date, str]:
        if not embedded and info["dates"]:
            masked_anchor = anchor
            best = min(info["dates"], key=lambda d: abs(_masked_pos(info, d.start) - masked_anchor))
            return best.day, "sentence"
        if claimant in SIDES:
            known = [d for d in self.side_dates.get(claimant, []) if d <= self.published]
            if known:
                return max(known), "side"
        return self.published, "published"

    def claims(self) -> list[CandidateClaim]:
        out: list[CandidateClaim] = []
        capture_sides: dict[int, set[str]] = {}
        pending_denials = []
        for i, info in enumerate(self.analysed):
            masked = info["masked"]
            sent = self.sentences[i]
            evidence = (sent.start, sent.end)
            hits = self._hits(info)
            objects: set[int] = set()
            sentence_claims: list[CandidateClaim] = []
            for hit in hits:
                if self._hedged(info, hit):
                    continue
                gov = self._governing(info, hit.cue_start)
                speaker = gov.side if gov else None
                label = gov.label if gov else ""
                embedded, claim_side = self._embedding(
                    info, hit.cue_start, denials=hit.kind not in ("hold", "fighting", "reached")
                )
                # "Moscow's claim that its forces ...": "its" is the claim's side
                controller = self._controller(
                    hit, masked, claim_side if embedded and claim_side else speaker
                )
                if controller is None:
                    continue
                if hit.kind in ("capture", "withdrawal"):
                    objects.update(hit.places)  # what a denial in the sentence denies
                if embedded and hit.kind in ("capture", "hold"):
                    if claim_side is None and self.R.DENIED_NEEDS_SIDE:
                        continue  # a capture named only to be denied: the denial says it
                    claimant = claim_side or (controller if controller in SIDES else None)
                    if claimant is None or (
                        gov and gov.is_denial and gov.side == claimant and claim_side is None
                    ):
                        continue
                    label = _side_label(claimant)
                elif embedded and hit.kind == "withdrawal":
                    continue
                elif gov is not None:
                    claimant = speaker or (controller if controller in SIDES else "OTHER")
                    if (
                        speaker == "OTHER"
                        and gov.label == "news agency"  # a relay, not its own assessment
                        and self.R.UNATTRIBUTED_IS_SIDE
                        and controller in SIDES
                        and hit.kind != "fighting"
                    ):
                        claimant, label = controller, _side_label(controller)
                    if not speaker:
                        label = _side_label(claimant)
                elif hit.kind in ("capture",) and self.R.CLAIMED_MARK.search(
                    masked[max(0, hit.cue_start - 30) : hit.cue_start]
                ):
                    claimant, label = controller, _side_label(controller)
                elif self.R.UNATTRIBUTED_IS_SIDE and controller in SIDES:
                    # «освободили», «утримують»: the speaking side's own words, relayed;
                    # a withdrawal («вийшли з») is what the report's own side says.
                    claimant = self.R.OWN_SIDE if hit.kind == "withdrawal" else controller
                    label = _side_label(claimant)
                else:
                    if hit.kind in ("fighting", "reached"):
                        continue
                    claimant, label = "OTHER", self.publisher
                if claimant not in ("RU", "UA", "OTHER"):
                    continue
                anchor = gov.start if gov else hit.cue_start
                day, source = self._date(info, anchor, claimant, embedded)
                for k in hit.places:
                    place = info["places"][k]
                    if place is None or place.country != HOME_COUNTRY:
                        continue
                    claim = self._make(
                        place, claimant, label, controller, day, source, hit, evidence
                    )
                    sentence_claims.append(claim)
                    if hit.kind == "capture" and controller in SIDES:
                        capture_sides.setdefault(place.geonames_id, set()).add(controller)
            sentence_claims = _combine_parts(sentence_claims)
            out.extend(sentence_claims)
            pending_denials.append((i, objects))
        for i, objects in pending_denials:
            out.extend(self._denials(i, objects, capture_sides))
        return _merge(out)

    def _controller(self, hit: _Hit, masked: str, speaker: str | None) -> str | None:
        if hit.kind in ("fighting", "contested", "reached"):
            return "CONTESTED"
        if hit.kind == "occupied":
            return hit.controller or "RU"
        if hit.kind in ("held_by", "side_held", "in_hands"):
            return hit.controller
        agent = self._agent(masked, hit.cue_start, speaker)
        if hit.kind == "capture":
            if self.R.INTO.search(hit_cue(masked, hit)):
                return "CONTESTED"
            if hit.controller:
                return hit.controller
            if agent:
                return agent
            if self.R.RETAKE.match(hit_cue(masked, hit)) and not self.R.UNATTRIBUTED_IS_SIDE:
                return "UA"
            if speaker in SIDES:
                return speaker
            return self.R.default_controller(hit_cue(masked, hit))
        if hit.kind == "withdrawal":
            return OTHER_SIDE.get(agent or "UA")
        if hit.kind == "hold":
            return agent or (speaker if speaker in SIDES else None)
        return None

    def _make(self, place, claimant, label, controller, day, source, hit, evidence):
        part = hit.part
        fraction = self.R.fraction_of(hit.fraction_text)
        if part == "rest":
            part = None
        if part and hit.part2 and part != hit.part2:
            part = {
                frozenset({"north", "east"}): "northeast",
                frozenset({"north", "west"}): "northwest",
                frozenset({"south", "east"}): "southeast",
                frozenset({"south", "west"}): "southwest",
            }.get(frozenset({part, hit.part2}))
        if part is not None and part not in PARTS:
            part = None
        extent = None
        if controller != "CONTESTED":
            partial = (
                part is not None
                or (fraction is not None and fraction < 1)
                or bool(self.R.PARTIAL_WORDS.search(hit.fraction_text or ""))
                or hit.part == "rest"
            )
            extent = "partial" if partial else "full"
        rest = hit.part == "rest"
        return CandidateClaim(
            place,
            claimant,
            label,
            controller,
            day,
            extent,
            fraction,
            part,
            [evidence],
            hit.kind + ("+rest" if rest else ""),
            source,
        )

    def _denials(self, i: int, objects: set[int], capture_sides) -> list[CandidateClaim]:
        info = self.analysed[i]
        masked = info["masked"]
        denial = self.R.DENIAL.search(masked) if info["may_deny"] else None
        if not denial or info.get("periods") or self.R.AT_THE_TIME.search(masked):
            return []  # no denial, or one made in the past ("in May 2024", "at the time")
        sp = None
        for s in info["speeches"]:
            if s.is_denial or s.side:
                if sp is None or abs(s.start - denial.start()) < abs(sp.start - denial.start()):
                    sp = s
        side = sp.side if sp and sp.side in SIDES else None
        places: list[Place] = []
        if objects:
            places = [info["places"][k] for k in sorted(objects) if info["places"][k] is not None]
        else:
            has_capture = bool(self.R.CAPTURE_WORDS.search(info["raw"]))
            for p in info["places"]:
                if p is None:
                    continue
                claimed_by_other = side and OTHER_SIDE[side] in capture_sides.get(p.geonames_id, ())
                if has_capture or claimed_by_other:
                    places.append(p)
            same_paragraph = (
                i > 0 and self.sentences[i - 1].paragraph == self.sentences[i].paragraph
            )
            if not places and same_paragraph:
                for p in self.analysed[i - 1]["places"]:
                    if (
                        p is not None
                        and side
                        and OTHER_SIDE[side] in capture_sides.get(p.geonames_id, ())
                    ):
                        places.append(p)
        if side is None:
            agents = {c for p in places for c in capture_sides.get(p.geonames_id, ())}
            if len(agents) == 1:
                side = OTHER_SIDE[agents.pop()]
        if side is None and self.R.UNATTRIBUTED_IS_SIDE and places:
            side = info["last_side"] or self.R.OWN_SIDE  # the report's own side denies
        if side is None:
            return []
        anchor = sp.start if sp else denial.start()
        day, source = self._date(info, anchor, side, False)
        sent = self.sentences[i]
        label = sp.label if sp and sp.side == side and sp.label else _side_label(side)
        seen = set()
        out = []
        for p in places:
            if p.geonames_id in seen:
                continue
            seen.add(p.geonames_id)
            out.append(
                CandidateClaim(
                    p,
                    side,
                    label,
                    "CONTESTED",
                    day,
                    None,
                    None,
                    None,
                    [(sent.start, sent.end)],
                    "denial",
                    source,
                )
            )
        return out


def _claim_nouns(R, masked: str) -> list[tuple[int, str | None]]:
    """(end, side) of each claim noun ("Moscow's claim that", "claims from Moscow that")."""
    out = []
    for m in R.CLAIM_NOUN.finditer(masked):
        before = R.WORD_BEFORE.search(masked, max(0, m.start() - 30), m.start())
        side = _by_side(R, m.group("post")) or _by_side(R, before.group(1) if before else None)
        out.append((m.end(), side))
    return out


def hit_cue(masked: str, hit: _Hit) -> str:
    return masked[hit.cue_start : hit.cue_end]


def _masked_pos(info: dict, raw_pos: int) -> int:
    """A sentence offset in the raw text as an offset in the masked text."""
    shift = 0
    for mstart, token_len, raw_len in info["offsets"]:
        if mstart + shift > raw_pos:
            break
        shift += raw_len - token_len
    return raw_pos - shift


@lru_cache(maxsize=256)
def _rule_shape(pattern: re.Pattern) -> tuple[bool, bool]:
    """(names its places before its cue, opens with its places) for a cue rule."""
    cue_at, places_at = pattern.pattern.find("(?P<cue>"), pattern.pattern.find("(?P<places>")
    return places_at < cue_at, pattern.pattern.startswith("(?P<places>")


def _by_side(R, text: str | None) -> str | None:
    if not text:
        return None
    side = R.side_of(text)
    if side in SIDES and _FROM.match(text):
        return OTHER_SIDE[side]  # «зачистка X от ВСУ»: cleared of that side
    return side


_FROM = re.compile(r"(?:от|від|з-під)\s", re.IGNORECASE)


def _side_label(side: str) -> str:
    return {"RU": "Russia", "UA": "Ukraine"}.get(side, PUBLISHER_LABEL)


def _combine_parts(claims: list[CandidateClaim]) -> list[CandidateClaim]:
    """One claimant giving parts of a place to both sides in a sentence: contested."""
    by_key: dict[tuple, list[CandidateClaim]] = {}
    for c in claims:
        by_key.setdefault((c.place.geonames_id, c.claimant), []).append(c)
    out = []
    for group in by_key.values():
        partial = [c for c in group if c.extent == "partial" and c.controller in SIDES]
        sides = {c.controller for c in partial}
        if len(sides) == 2:
            named = frozenset(c.part for c in partial if c.part and "rest" not in c.rule)
            rest = [c for c in partial if "rest" in c.rule]
            ru = [c for c in partial if c.controller == "RU"]
            part = COMPLEMENT.get(named) if rest else (ru[0].part if ru else None)
            merged = replace(
                partial[0],
                controller="CONTESTED",
                extent="partial",
                part=part,
                fraction=None,
                rule="parts",
            )
            out.append(merged)
            out.extend(c for c in group if c not in partial)
        else:
            for c in group:
                if "rest" in c.rule and c.part is None:
                    c.extent = "partial"
                out.append(c)
    return out


_SOURCE_RANK = {"sentence": 0, "side": 1, "published": 2}


def _merge(claims: list[CandidateClaim]) -> list[CandidateClaim]:
    """One claim per place, claimant, controller (and date when the text names two)."""
    merged: dict[tuple, CandidateClaim] = {}
    order = []
    for c in claims:
        key = c.key
        same = merged.get(key)
        if same is not None and same.date_from == c.date_from == "sentence" and same.date != c.date:
            key = key + (c.date,)
            same = merged.get(key)
        if same is None:
            merged[key] = c
            order.append(key)
            continue
        for ev in c.evidence:
            if ev not in same.evidence:
                same.evidence.append(ev)
        if _SOURCE_RANK[c.date_from] < _SOURCE_RANK[same.date_from]:
            same.date, same.date_from = c.date, c.date_from
        if same.part is None and c.part is not None:
            same.part, same.extent = c.part, c.extent
        if same.fraction is None and c.fraction is not None:
            same.fraction, same.extent = c.fraction, c.extent
        if not same.claimant_org or same.claimant_org in ("Russia", "Ukraine"):
            if c.claimant_org and c.claimant_org not in ("Russia", "Ukraine"):
                same.claimant_org = c.claimant_org
    return [merged[k] for k in order]


CUES = {"en": en, "ru": ru, "uk": uk}
_readers: dict[int, Reader] = {}


def extract(
    text: str,
    published: date | None = None,
    *,
    gazetteer: Gazetteer | None = None,
    publisher: str = "",
    language: str | None = None,
) -> Extraction:
    """Read ``text`` (published on ``published``): mentions and candidate claims.

    ``language`` is ``en``, ``ru`` or ``uk``; when not given it is detected.

    >>> ex = extract("Russia's Defence Ministry said on Monday its forces had captured "
    ...              "the village of Krasnohorivka.", date(2025, 12, 3))
    >>> [(c.place.name, c.claimant, c.controller, c.date.isoformat()) for c in ex.claims]
    [('Krasnohorivka', 'RU', 'RU', '2025-12-01')]
    """
    gazetteer = gazetteer or Gazetteer.load()
    reader = _readers.get(id(gazetteer))
    if reader is None or reader.gazetteer is not gazetteer:
        reader = _readers[id(gazetteer)] = Reader(gazetteer)
    return reader.read(text, published, publisher=publisher, language=language)
