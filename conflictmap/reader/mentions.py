"""Place mentions in a text: every settlement named, its offsets and its gazetteer place.

One Aho-Corasick automaton (pyahocorasick) holds every gazetteer name that is safe to
look for in running text, so a 4 KB report is scanned in well under a millisecond.
GeoNames knows many names that are not safe: old and foreign names that are ordinary
English words ("Tor", "Human"), very short forms, first names. Which names go into the
automaton is decided by rules, never by a list of names:

- a place's own (canonical) name is kept;
- a spelling variant of it (close by edit distance: Kupyansk, Kharkov) is kept when it
  has at least four letters;
- any other alias (a former or foreign name: Krasnoarmeysk, Artemovsk) is kept only
  with five letters or more, when it is not an ordinary English word (GCIDE, from the
  ``english-words`` package) and when no other Ukrainian place bears it as its own
  name or a variant (``Petrovka`` means one of the Petrivkas, not Kurakhove);
- Cyrillic names are kept with four letters or more, and match inflected forms.

In the text a match must be capitalised. Names that are also English words must in
addition stand mid-sentence outside a headline. A match that is part of a longer
capitalised name ("Vladimir Putin", "the Kyiv Independent", "Dmitry Peskov", "Azov
Brigade") is not a place. Region names ("Donetsk region", "the provinces of Luhansk
and Donetsk", "western Donetsk", "Vovchansk in Kharkiv") are context, not settlements:
they are returned apart, and they steer the choice among places of the same name.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from statistics import median

import ahocorasick
from rapidfuzz import fuzz, process

from ..places import (
    CONFIDENT_MARGIN,
    HOME_COUNTRY,
    W_CONTEXT,
    W_OTHER_REGION,
    Candidate,
    FoldedText,
    Gazetteer,
    Place,
    fold,
    is_cyrillic,
    name_key,
    regions,
)
from .morph import analyser, is_geographic, nominatives

# Population above which a place is known beyond its region: it is taken even when
# the report names other regions only.
TOWN_POPULATION = 10_000
# A place this large keeps its name even in a sentence about another region.
SENTENCE_REGION_OVERRIDE = 100_000
VARIANT_SIMILARITY = 70
MIN_LETTERS_VARIANT = 4
MIN_LETTERS_OTHER = 5
NEIGHBOUR_KM = 45.0
LIST_MIN = 3

NATIONALITIES = {
    "ukrainian",
    "russian",
    "belarusian",
    "soviet",
    "pro-russian",
    "pro-ukrainian",
    "russia-backed",
    "kremlin-backed",
}
REGION_AFTER = {
    "oblast",
    "region",
    "province",
    "raion",
    "district",
    "oblasts",
    "regions",
    "provinces",
    "districts",
    "rayon",
}
# A name followed by one of these is a river, a sea or a unit, not the settlement
# ("the Dnipro River", "the Azov Brigade", "the 'Luhansk' operational-tactical group").
FEATURE_AFTER = {
    "river",
    "reservoir",
    "sea",
    "lake",
    "brigade",
    "brigades",
    "battalion",
    "regiment",
    "group",
    "corps",
    "division",
    "operational",
    "canal",
}
GENERIC_WORDS = {
    "city",
    "siti",
    "town",
    "village",
    "district",
    "raion",
    "rayon",
    "rajon",
    "region",
    "oblast",
    "osh",
    "i",
    "u",
    "district's",
}
CALENDAR = {
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}
REGION_BEFORE = re.compile(
    r"(?:\b(?:western|eastern|northern|southern|central|north-?eastern|north-?western|"
    r"south-?eastern|south-?western|entire|whole|wider|greater|remaining)\s+|"
    r"\b(?:rest|remainder|parts?|areas?|territory|territories|most|much|half|all)\s+of\s+"
    r"(?:the\s+)?)$",
    re.IGNORECASE,
)
SETTLEMENT_NEAR = re.compile(r"(?:\b(?:city|town)\s+of\s+$)", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"([\w'’.-]+)[ ]$")
_WORD_AFTER = re.compile(r"^['’\"”]?[ ]([\w'’-]+)")
NEAR_MISS_SCORE = 84
NEAR_MISS_SURE = 90
# Where the wording says a settlement stands: "the village of X", "captured X".
_NAME = r"(?P<name>[A-Z][a-z'’]+(?:[- ][A-Z][a-z'’]+)?)"
_SETTLEMENT_WORDS = ("town", "cit", "village", "settlement", "hamlet")
_SLOTS = (
    (
        re.compile(
            r"\b(?:town|city|village|settlement|hamlet|towns|cities|villages|settlements)"
            rf"\s+of\s+{_NAME}"
        ),
        _SETTLEMENT_WORDS,
    ),
    (
        re.compile(
            r"\b(?:captured|liberated|seized|took|retook|recaptured|entered|outskirts\s+of|"
            rf"withdrew\s+from|retreated\s+from|pulled\s+out\s+of)\s+{_NAME}"
        ),
        (
            "captured",
            "liberated",
            "seized",
            "took",
            "entered",
            "outskirts",
            "withdrew",
            "retreated",
            "pulled",
        ),
    ),
    (
        re.compile(rf"{_NAME}(?=,?\s+(?:an?\s+)?(?:village|town|settlement)\b)"),
        ("village", "town", "settlement"),
    ),
)
_NOT_A_PLACE = re.compile(
    r"(?:The|A|An|This|That|It|Its|Their|Russian|Ukrainian|Moscow|Kyiv|"
    r"Kremlin|President|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
    r"Sunday|January|February|March|April|May|June|July|August|September|"
    r"October|November|December)(?:\s.*)?"
)
_POSSESSIVE_END = re.compile(r"['’]s?$")
_SEA_OF = re.compile(r"\bsea\s+of\s+$", re.IGNORECASE)
_CITY_AFTER = re.compile(r"\s+city\b", re.IGNORECASE)
_IN_BEFORE = re.compile(r"\bin\s+(?:the\s+)?$", re.IGNORECASE)
_CONTAINER_BEFORE = re.compile(r"\b(?:in|of|across|throughout)\s+$", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w ]")
_LINE_WORDS = re.compile(r"[^\W\d_][\w'’-]*")


# The reason of a mention identified as a register village nobody has placed yet.
UNMAPPED = "unmapped"


@dataclass(frozen=True)
class Mention:
    """A place name found in a text: resolved to a place, or unresolved with candidates."""

    text: str
    start: int
    end: int
    place: Place | None
    candidates: tuple[Place, ...] = ()
    reason: str = ""

    @property
    def resolved(self) -> bool:
        return self.place is not None

    @property
    def identified(self) -> Place | None:
        """The place this mention names, mapped or not: its place, or the one register
        village without coordinates it was identified as (``unmapped: ...``). Claims
        about such a village can be stored; they are drawn once someone places it."""
        if self.place is not None:
            return self.place
        if self.reason.startswith(UNMAPPED) and len(self.candidates) == 1:
            return self.candidates[0]
        return None

    def as_dict(self) -> dict:
        """Plain-JSON form: the place's fields, or ``unresolved`` with the candidates."""
        out = {"text": self.text, "start": self.start, "end": self.end}
        if self.place is not None:
            p = self.place
            out.update(
                name=p.name,
                geonames_id=p.geonames_id,
                lat=p.lat,
                lon=p.lon,
                oblast=p.oblast,
                country=p.country,
            )
        else:
            out.update(
                unresolved=True,
                reason=self.reason,
                candidates=[
                    {
                        "name": c.name,
                        "geonames_id": c.geonames_id,
                        "oblast": c.oblast,
                        "country": c.country,
                        "lat": c.lat,
                        "lon": c.lon,
                    }
                    for c in self.candidates
                ],
            )
        return out


@dataclass(frozen=True)
class RegionMention:
    """A region named in the text (context for the settlements, not a settlement)."""

    text: str
    start: int
    end: int
    region: str

    def as_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end, "region": self.region}


@dataclass
class MentionSet:
    """What :meth:`MentionFinder.find` returns: settlements and regions, in text order."""

    mentions: list[Mention] = field(default_factory=list)
    regions: list[RegionMention] = field(default_factory=list)


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Ordinary English words (GCIDE dictionary, lower case), for the alias filter."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["gcide"], lower=True, alpha=True))


@dataclass(frozen=True)
class _Entry:
    key: str
    ids: tuple[int, ...]
    strict: bool  # an English word: mid-sentence, outside headlines only
    cyrillic: bool


def _letters(key: str) -> int:
    return sum(ch.isalpha() for ch in key)


def name_kinds(gazetteer: Gazetteer) -> dict[str, dict[int, str]]:
    """For every name key, each place it names and how: own, variant, other or cyrillic."""
    own = {p.geonames_id: name_key(p.name) for p in gazetteer}
    kinds: dict[str, dict[int, str]] = {}
    for key, ids in gazetteer.name_keys():
        per = {}
        cyr = not key.isascii() and is_cyrillic(key)
        for gid in ids:
            if key == own[gid]:
                per[gid] = "own"
            elif cyr:
                per[gid] = "cyrillic"
            elif not key.isascii():
                per[gid] = "foreign"
            elif fuzz.ratio(key, own[gid]) >= VARIANT_SIMILARITY:
                per[gid] = "variant"
            else:
                per[gid] = "other"
        kinds[key] = per
    return kinds


def trusted_entries(gazetteer: Gazetteer) -> dict[str, _Entry]:
    """The names safe to look for in running text, with the places each may mean."""
    english = english_words()
    kinds = name_kinds(gazetteer)
    home_names: dict[str, set[int]] = {}
    for key, per in kinds.items():
        for gid, kind in per.items():
            if kind in ("own", "variant") and gazetteer.get(gid).country == HOME_COUNTRY:
                home_names.setdefault(key, set()).add(gid)
    entries = {}
    for key, per in kinds.items():
        letters = _letters(key)
        if letters < 3:
            continue
        is_english = " " not in key and key in english
        generic = bool(GENERIC_WORDS.intersection(key.split()))
        keep = []
        for gid, kind in per.items():
            if kind == "own":
                keep.append(gid)
            elif kind in ("variant", "cyrillic"):
                if letters >= MIN_LETTERS_VARIANT and not generic:
                    keep.append(gid)
            elif kind == "other":
                others = home_names.get(key, set()) - {gid}
                # "Paris" is a former name of a village in Odesa oblast, and the name of
                # places abroad: in the news it means one abroad, never the village.
                abroad = gazetteer.get(gid).population < TOWN_POPULATION and any(
                    k in ("own", "variant") and gazetteer.get(g).country != HOME_COUNTRY
                    for g, k in per.items()
                )
                if (
                    letters >= MIN_LETTERS_OTHER
                    and not is_english
                    and not generic
                    and not others
                    and not abroad
                ):
                    keep.append(gid)
        if keep:
            entries[key] = _Entry(
                key, tuple(keep), is_english, not key.isascii() and is_cyrillic(key)
            )
    return entries


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return a, len(text) if b < 0 else b


def _headline_style(line: str) -> bool:
    """True for a Title Case or ALL CAPS line (a headline or a heading)."""
    words = _LINE_WORDS.findall(line)
    long = [w for w in words if len(w) >= 4]
    if len(long) < 3:
        return False
    if sum(w.isupper() for w in long) >= 0.7 * len(long):
        return True
    if line.rstrip().endswith((".", "!", ",", ";")) or len(line) >= 200:
        return False
    return sum(w[0].isupper() for w in long) >= 0.7 * len(long)


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\"“”‘’'«»(*[_":
        i -= 1
    return i < 0 or text[i] in ".!?\n:;"


def _capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()


class MentionFinder:
    """Finds place mentions with one automaton over the gazetteer's trusted names."""

    _cache: dict[int, MentionFinder] = {}
    _lock = threading.Lock()

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.entries = trusted_entries(gazetteer)
        self._automaton = ahocorasick.Automaton()
        self._cyrillic: dict[str, _Entry] = {}
        self._lookups: dict[tuple, _Entry | None] = {}
        for key, entry in self.entries.items():
            if entry.cyrillic:
                self._cyrillic[key] = entry
                continue
            word = f" {key} "
            self._automaton.add_word(word, (len(word), entry))
        self._automaton.make_automaton()
        self._region_spellings = set(regions._by_spelling())
        self._resolved: dict[tuple, Mention] = {}
        self._base: dict[str, list[Candidate]] = {}
        self._home_cache: dict[str, Place | None] = {}
        # Near-miss spellings keep their first letter: one list per initial keeps the
        # edit-distance search to a few thousand names.
        self._fuzzy_keys: dict[str, list[str]] = {}
        for k, e in self.entries.items():
            if k.isascii() and _letters(k) >= 5 and not e.strict:
                self._fuzzy_keys.setdefault(k[0], []).append(k)

    @classmethod
    def for_gazetteer(cls, gazetteer: Gazetteer | None = None) -> MentionFinder:
        """The finder for a gazetteer, built once (about a second) and then shared."""
        gazetteer = gazetteer or Gazetteer.load()
        with cls._lock:
            finder = cls._cache.get(id(gazetteer))
            if finder is None or finder.gazetteer is not gazetteer:
                finder = cls._cache[id(gazetteer)] = cls(gazetteer)
            return finder

    # -- scanning ----------------------------------------------------------------
    def _raw_matches(self, ft: FoldedText) -> list[tuple[int, int, _Entry]]:
        bounded = " " + _NON_WORD.sub(" ", ft.folded) + " "
        found = []
        for end, (length, entry) in self._automaton.iter(bounded):
            start = end - length + 1
            found.append((start, end - 1, entry))
        found.sort(key=lambda m: (m[0], -(m[1] - m[0]), -len(m[2].key)))
        chosen, last_end = [], -1
        for start, end, entry in found:
            if start >= last_end:
                chosen.append((start, end, entry))
                last_end = end
        return chosen

    def _acceptable(self, text: str, start: int, end: int, entry: _Entry, headlines: dict) -> bool:
        surface = text[start:end]
        if not surface or not surface[0].isupper():
            return False
        letters = [c for c in surface if c.isalpha()]
        all_caps = len(letters) > 1 and all(c.isupper() for c in letters)
        a, b = _line_bounds(text, start, end)
        headline = headlines.get(a)
        if headline is None:
            headline = headlines[a] = _headline_style(text[a:b])
        if all_caps and (entry.strict or _letters(entry.key) < 4):
            return False
        if entry.strict and (headline or _sentence_initial(text, start)):
            return False
        after = _WORD_AFTER.match(text[end : end + 40])
        if after:
            nxt = after.group(1)
            low = nxt.lower().strip("'’")
            if low in FEATURE_AFTER or low.split("-")[0] in FEATURE_AFTER:
                return False
            if (
                not headline
                and _capitalised(nxt)
                and low not in REGION_AFTER
                and low not in CALENDAR
            ):
                return False
        before = _WORD_BEFORE.search(text[max(0, start - 40) : start])
        if before and not headline:
            prev = before.group(1)
            prev_start = start - len(prev) - 1
            low = prev.lower()
            if (
                _capitalised(prev)
                and not _sentence_initial(text, prev_start)
                and low not in NATIONALITIES
                and low not in CALENDAR
                and not _POSSESSIVE_END.search(prev)
                and "-" not in prev
            ):
                return False
        if _SEA_OF.search(text[max(0, start - 10) : start]):
            return False
        return True

    def _region_role(
        self,
        text: str,
        start: int,
        end: int,
        key: str,
        explicit: set[str],
        sentence_places: list[Place],
        previous: tuple[int, _Entry] | None = None,
    ) -> str | None:
        """The region a bare region-like name stands for here, or None for a settlement.

        ``previous`` is the settlement name just before in the sentence (its end and
        entry): "Huliaipole and Zaliznychne in Zaporizhzhia" names the region when a
        place of the name before lies in it."""
        if key not in self._region_spellings:
            return None
        region = regions._by_spelling()[key]
        before = text[max(0, start - 40) : start]
        if SETTLEMENT_NEAR.search(before) or _CITY_AFTER.match(text[end : end + 6]):
            return None
        if REGION_BEFORE.search(before):
            return region
        if any(p.oblast == region and p.country == HOME_COUNTRY for p in sentence_places):
            if _IN_BEFORE.search(before):
                return region
        if region in explicit and _CONTAINER_BEFORE.search(before):
            return region
        if previous is not None and _IN_GAP.fullmatch(text[previous[0] : start]):
            places = map(self.gazetteer.get, previous[1].ids)
            if any(p.oblast == region and p.country == HOME_COUNTRY for p in places):
                return region
        return None

    def find(self, text: str, lang: str | None = None) -> MentionSet:
        """Every settlement and region named in ``text``, in order, with places resolved.

        ``lang`` (``en``, ``ru``, ``uk``; detected when not given) chooses the
        morphological dictionary tried first for Cyrillic names.
        """
        result = MentionSet()
        if not text:
            return result
        ft = fold(text)
        cyrillic = _CYR_LETTER.search(text) is not None
        if cyrillic and lang not in ("ru", "uk"):
            from .language import detect_language

            lang = detect_language(text)
            lang = lang if lang in ("ru", "uk") else "ru"
        region_spans = _region_spans(text) + (cyrillic_region_spans(text) if cyrillic else [])
        explicit = {r for _, _, r in region_spans}
        raw = []
        headlines: dict[int, bool] = {}
        for fs, fe, entry in self._raw_matches(ft):
            start, end = ft.to_original(fs), ft.to_original_end(fe)
            if any(s <= start < e or s < end <= e for s, e, _ in region_spans):
                continue
            if not self._acceptable(text, start, end, entry, headlines):
                continue
            raw.append((start, end, entry))
        unknown: list[Mention] = []
        if cyrillic:
            cyr, unknown = self._cyrillic_matches(text, lang, region_spans)
            raw = sorted(raw + cyr, key=lambda m: m[0])
        for s, e, r in region_spans:
            result.regions.append(RegionMention(text[s:e], s, e, r))
        # Settlements that can only be one place in Ukraine give context to the others.
        only = [self._only_home(entry) for _, _, entry in raw]
        sure = [p for p in only if p is not None and p.population >= TOWN_POPULATION]
        sentence_of = _sentence_index(text)
        sentences = [sentence_of(start) for start, _, _ in raw]
        settlements = []
        for i, (start, end, entry) in enumerate(raw):
            here = sentences[i]
            same = [only[j] for j in range(i) if only[j] is not None and sentences[j] == here]
            previous = (raw[i - 1][1], raw[i - 1][2]) if i and sentences[i - 1] == here else None
            region = self._region_role(text, start, end, entry.key, explicit, same, previous)
            if region:
                result.regions.append(RegionMention(text[start:end], start, end, region))
                explicit.add(region)
            else:
                settlements.append((start, end, entry))
        context = explicit | {p.oblast for p in sure}
        resolved: dict[str, Mention] = {}
        for start, end, entry in settlements:
            m = resolved.get(entry.key)
            if m is None:
                m = resolved[entry.key] = self._resolve(
                    text[start:end], start, end, entry, context, explicit
                )
            result.mentions.append(
                Mention(text[start:end], start, end, m.place, m.candidates, m.reason)
            )
        self._check_sentence_regions(result, sentence_of)
        taken = [(s_, e_) for s_, e_, _ in raw] + [(s_, e_) for s_, e_, _ in region_spans]
        result.mentions += self._near_misses(text, taken, context, explicit)
        result.mentions += unknown
        result.mentions.sort(key=lambda m: m.start)
        self._check_neighbours(text, result)
        self._check_list_regions(text, result)
        result.mentions = [_unmapped(m) for m in result.mentions]
        result.mentions.sort(key=lambda m: m.start)
        result.regions.sort(key=lambda r: r.start)
        return result

    def _resolve(
        self,
        surface: str,
        start: int,
        end: int,
        entry: _Entry,
        context: set[str],
        explicit: set[str],
    ) -> Mention:
        key = (entry.key, frozenset(context), bool(explicit))
        cached = self._resolved.get(key)
        if cached is None:
            if len(self._resolved) > 50_000:
                self._resolved.clear()
            cached = self._resolved[key] = self._resolve_uncached(
                surface, start, end, entry, context, explicit
            )
        return Mention(surface, start, end, cached.place, cached.candidates, cached.reason)

    def _check_sentence_regions(self, result: MentionSet, sentence_of) -> None:
        """A place of an ambiguous name that lies outside the region its own sentence names
        ("seized Yalta in the Dnipropetrovsk region") is not that place: unresolved."""
        named: dict[int, set[str]] = {}
        for r in result.regions:
            named.setdefault(sentence_of(r.start), set()).add(r.region)
        for i, m in enumerate(result.mentions):
            p = m.place
            here = named.get(sentence_of(m.start))
            if (
                p is None
                or not here
                or p.country != HOME_COUNTRY
                or p.oblast in here
                or p.population >= SENTENCE_REGION_OVERRIDE
                or sum(c.country == HOME_COUNTRY for c in m.candidates) < 2
            ):
                continue
            result.mentions[i] = Mention(
                m.text,
                m.start,
                m.end,
                None,
                m.candidates,
                "no place of that name in the region the sentence names",
            )

    def _cyrillic_matches(
        self, text: str, lang: str, region_spans: list[tuple[int, int, str]]
    ) -> tuple[list[tuple[int, int, _Entry]], list[Mention]]:
        """Cyrillic place names in any grammatical case, and unknown names where the
        wording says a settlement stands («населенные пункты A, B и C»).

        Every capitalised Cyrillic word (and runs of two or three: «Золотий Колодязь»)
        is looked up by its nominative forms (:func:`~conflictmap.reader.morph.nominatives`)
        among the gazetteer's Cyrillic name keys. A word that is part of a longer
        capitalised name («Владимир Путин»), a quoted name («Восток») or, at the start of
        a sentence, a word the dictionary knows as something other than a place, is not.
        """
        tokens = [(m.start(), m.end(), m.group(0)) for m in _CYR_TOKEN.finditer(text)]
        slots = _slot_spans(text)
        in_region = [(s, e) for s, e, _ in region_spans]
        found: list[tuple[int, int, _Entry]] = []
        unknown: list[Mention] = []
        other = "uk" if lang == "ru" else "ru"
        i = 0
        while i < len(tokens):
            start = tokens[i][0]
            if any(a <= start < b for a, b in in_region):
                i += 1
                continue
            hit = None
            for n in (3, 2, 1):
                run = tokens[i : i + n]
                if len(run) < n or any(
                    text[run[k][1] : run[k + 1][0]] != " " for k in range(n - 1)
                ):
                    continue
                words = [w for _, _, w in run]
                loc = _after_preposition(text, start)
                entry = self._lookup(words, lang, loc) or self._lookup(words, other, loc)
                if entry is not None:
                    hit = (n, entry)
                    break
            n = hit[0] if hit else 1
            end = tokens[i + n - 1][1]
            in_slot = any(a <= start < b for a, b in slots)
            if hit and self._largest(hit[1]) < (True, 0) and self._largest(hit[1])[1] < 100_000:
                hit = None  # a small town abroad: a word that happens to be its name
            if hit and not in_slot and self._ordinary_word_for_a_hamlet(hit[1], tokens[i : i + n]):
                hit = None  # «в Силах оборони»: a word, not the village Syla
            if hit and self._cyrillic_acceptable(text, tokens, i, n, lang, in_slot, in_region):
                found.append((start, end, hit[1]))
            elif not hit and in_slot and not _ABBREVIATION.fullmatch(tokens[i][2]):
                # A run of capitalised words in a settlement slot is one unknown name.
                while (
                    i + n < len(tokens)
                    and n < 3
                    and text[tokens[i + n - 1][1] : tokens[i + n][0]] == " "
                    and not any(a <= tokens[i + n][0] < b for a, b in in_region)
                ):
                    n += 1
                end = tokens[i + n - 1][1]
                unknown.append(
                    Mention(text[start:end], start, end, None, (), "not in the gazetteer")
                )
            i += n
        return found, unknown

    def _ordinary_word_for_a_hamlet(self, entry: _Entry, run) -> bool:
        """True when every place of the entry is a village only the register lists (no
        coordinates) and the words are ordinary Russian words («силах», «мир»): outside a
        settlement slot they are taken as words."""
        if any(self.gazetteer.get(gid).mapped for gid in entry.ids):
            return False
        ru = analyser("ru")
        for _, _, word in run:
            low = word.lower()
            if not ru.word_is_known(low) or is_geographic(low, "ru"):
                return False
        return True

    def _lookup(self, words: list[str], lang: str, locative: bool = True) -> _Entry | None:
        key = (tuple(words), lang, locative)
        if key not in self._lookups:
            if len(self._lookups) > 200_000:
                self._lookups.clear()
            self._lookups[key] = self._lookup_uncached(words, lang, locative)
        return self._lookups[key]

    def _lookup_uncached(self, words: list[str], lang: str, locative: bool) -> _Entry | None:
        """The trusted Cyrillic entry the words' nominative forms name, if any; when
        several forms name different entries («Димитрове»: Dymytrove, or Dymytrov in the
        locative), the one whose place is largest (a town is named more than a hamlet)."""
        if len(words) == 1:
            forms = _word_forms(words[0], lang, locative)
        else:
            options = [_word_forms(w, lang, locative)[:4] for w in words]
            forms = tuple(" ".join(combo) for combo in product(*options))
        hits = []
        for form in forms:
            entry = self._cyrillic.get(name_key(form))
            if entry is not None and entry not in hits:
                hits.append(entry)
        if len(hits) <= 1:
            return hits[0] if hits else None
        return max(hits, key=self._largest)

    def _largest(self, entry: _Entry) -> tuple[bool, int]:
        places = [self.gazetteer.get(g) for g in entry.ids]
        home = [p.population for p in places if p.country == HOME_COUNTRY]
        return (bool(home), max(home or [p.population for p in places]))

    def _cyrillic_acceptable(self, text, tokens, i, n, lang, in_slot, in_region) -> bool:
        start, end = tokens[i][0], tokens[i + n - 1][1]
        first = tokens[i][2]
        if _ABBREVIATION.fullmatch(first):
            return False
        if text[max(0, start - 1) : start] in ("«", "„", "“", '"'):
            close = _QUOTE_CLOSE.search(text, end, end + 40)
            if close and not _CLAUSE_MARK.search(text, end, close.start()):
                return False  # a quoted name: a group of forces, a newspaper
        if _SPEECH_BEFORE.search(text, max(0, start - 24), start):
            return False  # «заявил Песков»: who speaks, not a place
        if _DIRECTION_AFTER.match(text, end):
            return False  # «на Покровському напрямку»: a direction, not the settlement
        if i > 0 and text[tokens[i - 1][1] : start] == " ":
            if not _sentence_initial(text, tokens[i - 1][0]):
                return False  # «Владимир Путин», «Андрея Белоусова»
        if i + n < len(tokens) and text[end : tokens[i + n][0]] == " ":
            nxt_start = tokens[i + n][0]
            if not any(a <= nxt_start < b for a, b in in_region):
                return False
        if not in_slot and _sentence_initial(text, start) and not is_geographic(first, lang):
            return False
        return True

    def _check_near_towns(self, ms: list[Mention], placed: list[int]) -> None:
        """In a short list, a village whose name several places share is taken only near
        the towns listed with it."""
        towns = [ms[k].place for k in placed if ms[k].place.population >= TOWN_POPULATION]
        if not towns:
            return
        for k in placed:
            m = ms[k]
            p = m.place
            home = sum(c.country == HOME_COUNTRY for c in m.candidates)
            if p.population >= TOWN_POPULATION or home < 2:
                continue
            if min(_km(p.lat, p.lon, t.lat, t.lon) for t in towns) > NEIGHBOUR_KM:
                ms[k] = Mention(
                    m.text,
                    m.start,
                    m.end,
                    None,
                    m.candidates,
                    "far from the towns named with it: another place of that name",
                )

    def _check_list_regions(self, text: str, result: MentionSet) -> None:
        """A region named right after a place or a list («A, B и C Донецкой Народной
        Республики», «A (ДНР)», «Вовчанська в Харківській області») or right before one
        («населені пункти Донецької області A, B») decides for each of them: a place of
        the name outside that region is not the one meant."""
        ms = result.mentions
        for r in result.regions:
            governed: list[int] = []
            before = [k for k, m in enumerate(ms) if m.end <= r.start]
            if before and _REGION_GAP_BEFORE.fullmatch(text[ms[before[-1]].end : r.start]):
                k = before[-1]
                governed.append(k)
                while k > 0 and _LIST_GAP.fullmatch(text[ms[k - 1].end : ms[k].start]):
                    k -= 1
                    governed.append(k)
            after = [k for k, m in enumerate(ms) if m.start >= r.end]
            if after and _REGION_GAP_AFTER.fullmatch(text[r.end : ms[after[0]].start]):
                k = after[0]
                governed.append(k)
                while k + 1 < len(ms) and _LIST_GAP.fullmatch(text[ms[k].end : ms[k + 1].start]):
                    k += 1
                    governed.append(k)
            for k in governed:
                m = ms[k]
                p = m.place
                if p is None or p.oblast == r.region or p.population >= SENTENCE_REGION_OVERRIDE:
                    continue
                ms[k] = Mention(
                    m.text,
                    m.start,
                    m.end,
                    None,
                    m.candidates,
                    "no place of that name in the region named with it",
                )

    def _check_neighbours(self, text: str, result: MentionSet) -> None:
        """Villages named in one list («A, B, C и D») are neighbours: a member placed far
        from where the list's unambiguous members lie is a namesake, and unresolved
        (members without coordinates are neither judged nor judges)."""
        ms = result.mentions
        groups: list[list[int]] = []
        for k, m in enumerate(ms):
            if groups and _LIST_GAP.fullmatch(text[ms[groups[-1][-1]].end : m.start]):
                groups[-1].append(k)
            else:
                groups.append([k])
        for group in groups:
            if len(group) < LIST_MIN:
                continue
            # A register village without coordinates has no distance to judge by: the
            # region or its unique name decided it, and the list leaves it as it is.
            placed = [k for k in group if ms[k].place is not None and ms[k].place.mapped]
            near = {
                k: [
                    j
                    for j in placed
                    if _km(ms[k].place.lat, ms[k].place.lon, ms[j].place.lat, ms[j].place.lon)
                    <= NEIGHBOUR_KM
                ]
                for k in placed
            }
            if not near:
                continue
            core = max(near.values(), key=len)
            if len(core) < max(LIST_MIN, len(placed) / 3):
                self._check_near_towns(ms, placed)
                continue
            lat = median(ms[j].place.lat for j in core)
            lon = median(ms[j].place.lon for j in core)
            for k in placed:
                p = ms[k].place
                if _km(p.lat, p.lon, lat, lon) > NEIGHBOUR_KM:
                    m = ms[k]
                    ms[k] = Mention(
                        m.text,
                        m.start,
                        m.end,
                        None,
                        m.candidates,
                        "far from the places named with it: another place of that name",
                    )

    def _only_home(self, entry: _Entry) -> Place | None:
        """The one Ukrainian place a name can mean, or None (cached per name)."""
        if entry.key not in self._home_cache:
            home = [p for p in map(self.gazetteer.get, entry.ids) if p.country == HOME_COUNTRY]
            self._home_cache[entry.key] = home[0] if len(home) == 1 else None
        return self._home_cache[entry.key]

    def _near_misses(
        self, text: str, taken: list[tuple[int, int]], context: set[str], explicit: set[str]
    ) -> list[Mention]:
        """Names the automaton missed where the wording says a settlement stands ("the
        village of Avdiyivka", "captured Robotyne"): the closest gazetteer names by edit
        distance (rapidfuzz). One clear match is taken; otherwise the name is reported
        unresolved with the near names as candidates (or none: not in the gazetteer)."""
        out = []
        low = text.lower()
        patterns = [p for p, words in _SLOTS if any(w in low for w in words)]
        for m in (m for pattern in patterns for m in pattern.finditer(text)):
            start, end = m.span("name")
            name = m.group("name")
            if any(s < end and start < e for s, e in taken) or name.lower() in english_words():
                continue
            if _NOT_A_PLACE.fullmatch(name):
                continue
            key = name_key(name)
            hits = process.extract(
                key,
                self._fuzzy_keys.get(key[:1], []),
                scorer=fuzz.ratio,
                limit=5,
                score_cutoff=NEAR_MISS_SCORE,
            )
            cands: list[Candidate] = []
            for k, score, _ in hits:
                for c in self._ranked(self.entries[k], context):
                    if all(c.place.geonames_id != x.place.geonames_id for x in cands):
                        cands.append(Candidate(c.place, c.score + score / 10, name))
            cands.sort(key=lambda c: -c.score)
            places = tuple(c.place for c in cands[:8])
            if not cands:
                out.append(Mention(name, start, end, None, (), "not in the gazetteer"))
            elif (
                (len(hits) == 1 or hits[0][1] - hits[1][1] >= 4)
                and hits[0][1] >= NEAR_MISS_SURE
                and (len(cands) == 1 or cands[0].score - cands[1].score >= CONFIDENT_MARGIN)
            ):
                out.append(
                    Mention(
                        name,
                        start,
                        end,
                        cands[0].place,
                        places,
                        f"near-miss spelling of {cands[0].place.name}",
                    )
                )
            else:
                out.append(
                    Mention(
                        name,
                        start,
                        end,
                        None,
                        places,
                        "not in the gazetteer; near names are listed",
                    )
                )
            taken.append((start, end))
        return out

    def _ranked(self, entry: _Entry, context: set[str]) -> list[Candidate]:
        """The entry's trusted places ranked as the gazetteer ranks them with ``context``.

        The gazetteer's ranking without context is computed once per name; the region
        weights (the gazetteer's own constants) are then added here, which saves scanning
        a context string for region names for every mention.
        """
        base = self._base.get(entry.key)
        if base is None:
            allowed = set(entry.ids)
            base = self._base[entry.key] = [
                c
                for c in self.gazetteer.candidates(entry.key, "", limit=500)
                if c.place.geonames_id in allowed
            ]
        if not context:
            return base
        ranked = [
            Candidate(
                c.place,
                c.score + (W_CONTEXT if c.place.oblast in context else W_OTHER_REGION),
                c.matched,
            )
            for c in base
        ]
        ranked.sort(key=lambda c: (-c.score, c.place.geonames_id))
        return ranked

    def _resolve_uncached(
        self,
        surface: str,
        start: int,
        end: int,
        entry: _Entry,
        context: set[str],
        explicit: set[str],
    ) -> Mention:
        cands = self._ranked(entry, context)
        places = tuple(c.place for c in cands[:8])
        if not cands:
            return Mention(surface, start, end, None, (), "not in the gazetteer")
        # The region decides: with places of the name in the regions the text names,
        # only those are eligible; with none there, a village elsewhere is not guessed.
        inside = [c for c in cands if c.place.oblast in context]
        if context and inside:
            cands = inside
            places = tuple(c.place for c in cands[:8])
        elif explicit and all(c.place.population < TOWN_POPULATION for c in cands[:1]):
            return _outside_the_regions(surface, start, end, places)
        best = cands[0]
        if len(cands) > 1 and best.score - cands[1].score < CONFIDENT_MARGIN:
            return Mention(
                surface, start, end, None, places, "ambiguous: several places fit equally well"
            )
        p = best.place
        if (
            explicit
            and p.country == HOME_COUNTRY
            and p.oblast not in context
            and p.population < TOWN_POPULATION
        ):
            return _outside_the_regions(surface, start, end, places)
        return Mention(surface, start, end, p, places)


_LOCATIVE_PREPOSITION = re.compile(r"(?i)(?<![\w-])(?:в|во|у|на|о|об|обо|при|по)\s")
_CLAUSE_END = re.compile(r"[.!?;:«»\"()—–]")


def _after_preposition(text: str, start: int) -> bool:
    """True when a preposition that takes the locative («в», «у», «на», «при») stands
    before the word in its clause («в Покровске», «в Покровске, Мирнограде и Димитрове»)."""
    before = text[max(0, start - 120) : start]
    cut = max((m.end() for m in _CLAUSE_END.finditer(before)), default=0)
    return _LOCATIVE_PREPOSITION.search(before, cut) is not None


def _word_forms(word: str, lang: str, locative: bool = True) -> tuple[str, ...]:
    """The word's nominative forms; for a hyphenated word («Купянска-Узлового») also
    those of its parts, declined each on its own, joined again («купянск-узловой»)."""
    forms = nominatives(word, lang, locative)
    if "-" not in word.strip("-"):
        return forms
    parts = [nominatives(p, lang, locative)[:3] for p in word.split("-") if p]
    joined = tuple("-".join(combo) for combo in product(*parts))
    return forms + tuple(f for f in joined if f not in forms)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    if None in (lat1, lon1, lat2, lon2):
        return math.inf  # a village nobody has placed is near nothing
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _outside_the_regions(surface: str, start: int, end: int, places) -> Mention:
    """Unresolved: no place of the name lies in the regions the text names."""
    reason = "no place of that name in the regions the text names"
    return Mention(surface, start, end, None, places, reason)


def _unmapped(m: Mention) -> Mention:
    """A register village without coordinates is named with its identity, never placed."""
    p = m.place
    if p is None or getattr(p, "mapped", True):
        return m
    where = ", ".join(x for x in (getattr(p, "raion", ""), p.oblast) if x)
    return Mention(m.text, m.start, m.end, None, (p,), f"{UNMAPPED}: {p.name} ({where})")


_SPEECH_BEFORE = re.compile(
    r"(?i)(?:заявил|сказал|сообщил|отметил|добавил|подчеркнул|пояснил|уточнил|заявив|сказав|"
    r"повідомив|зазначив|додав|наголосив|пояснив|уточнив|підкреслив)\w*\s+$"
)
_QUOTE_CLOSE = re.compile(r"[»“”\"]")
_CLAUSE_MARK = re.compile(r"[,.;:!?]")
_DIRECTION_AFTER = re.compile(r"(?i)\s+(?:напрям\w*|направлени\w*|операционн\w*|оперативн\w*)")
_IN_GAP = re.compile(r"\s+in\s+(?:the\s+)?", re.IGNORECASE)
_REGION_GAP_BEFORE = re.compile(r"\s*\(?\s*(?:(?:в|во|у|на|in)\s+(?:the\s+)?)?")
_REGION_GAP_AFTER = re.compile(r"\s*:?\s*")
_CYR_LETTER = re.compile(r"[А-Яа-яЁёІіЇїЄєҐґ]")
_CYR_TOKEN = re.compile(
    r"(?<![\w'’ʼ-])[А-ЯЁІЇЄҐ][а-яёіїєґА-ЯЁІЇЄҐ'’ʼ]*(?:-[А-ЯЁІЇЄҐа-яёіїєґ][а-яёіїєґА-ЯЁІЇЄҐ'’ʼ]*)*"
)
_ABBREVIATION = re.compile(r"[А-ЯЁІЇЄҐ]{2,5}")
_LIST_GAP = re.compile(
    r"\s*(?:,\s*(?:(?:и|і|й|та|and)\s+)?|\s(?:и|і|й|та|and|а также|а також)\s+)\s*"
)
# Words after which settlement names stand (lists too): «населенные пункты A, B и C».
_SLOT = re.compile(
    r"(?i:\b(?:населенн\w*|населен\w*)\s+пункт\w*|\bн\.\s?п\.|\bсел(?:о|а|е|у|ом|і|ах|ами)\b|"
    r"\bпос[её]л(?:ок|ка|ке|ку|ком)\b|\bселищ(?:е|а|і|у|ем)\b|\bдеревн\w*|\bхутор\w*|"
    r"\bсмт\b|\bпгт\b)"
    r"(?:\s+[а-яёіїєґ]\w*){0,2}?\s+"
    r"(?=[А-ЯЁІЇЄҐ])"
)
_SLOT_NAMES = re.compile(
    r"[А-ЯЁІЇЄҐ][\w'’ʼ-]*(?:\s[А-ЯЁІЇЄҐ][\w'’ʼ-]*){0,2}"
    r"(?:(?:\s*,\s*|\s+(?:и|і|й|та)\s+)[А-ЯЁІЇЄҐ][\w'’ʼ-]*(?:\s[А-ЯЁІЇЄҐ][\w'’ʼ-]*){0,2})*"
)


def _slot_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the names that follow a settlement word (one or a list)."""
    out = []
    if not _SLOT_HINT.search(text):
        return out
    for m in _SLOT.finditer(text):
        names = _SLOT_NAMES.match(text, m.end())
        if names:
            out.append((names.start(), names.end()))
    return out


_SLOT_HINT = re.compile(r"(?i)пункт|сел|пос[её]л|деревн|хутор|смт|пгт|н\.\s?п\.")

# Cyrillic region phrases: «Донецкой области», «Донецької області», «ДНР», «на Донеччині».
_CYR_REGIONS = {
    "Donetsk": ("донецк", "донецьк", "донеччин"),
    "Luhansk": ("луганск", "луганськ", "луганщин"),
    "Kharkiv": ("харьковск", "харківськ", "харківщин", "харьковщин"),
    "Zaporizhzhia": ("запорожск", "запорізьк", "запоріжжі", "запорожь", "запоріжж"),
    "Dnipropetrovsk": ("днепропетровск", "дніпропетровськ", "дніпропетровщин", "днепропетровщин"),
    "Kherson": ("херсонск", "херсонськ", "херсонщин"),
    "Sumy": ("сумск", "сумськ", "сумщин"),
    "Mykolaiv": ("николаевск", "миколаївськ", "миколаївщин"),
    "Kyiv": ("киевск", "київськ", "київщин"),
    "Chernihiv": ("черниговск", "чернігівськ", "чернігівщин"),
    "Odesa": ("одесск", "одеськ", "одещин"),
    "Poltava": ("полтавск", "полтавськ", "полтавщин"),
    "Kursk": ("курск",),
    "Belgorod": ("белгородск", "бєлгородськ", "білгородськ"),
    "Bryansk": ("брянск", "брянськ"),
}
_CYR_REGION_STEM = {stem: region for region, stems in _CYR_REGIONS.items() for stem in stems}
_CYR_REGION_WORD = re.compile(
    r"(?i)(?<![\w’'-])([\w’'-]+)\s+(?:област\w*|обл\.|народн\w*\s+республик\w*|кра[йюяе]\w*)"
)
_CYR_LAND = re.compile(r"(?i)(?<![\w’'-])[\w’'-]+(?:щин|ччин)\w*")
_CYR_ABBR = re.compile(r"(?<![\w-])([ДЛ])НР(?![\w-])")
# «на Запоріжжі», «на Запорожье»: the oblast, where «у Запоріжжі» is the city.
_CYR_ON_REGION = re.compile(
    r"(?i)(?<![\w’'-])на\s+(запоріжжі|запоріжжя|запорожье|запорожья)(?![\w’'-])"
)


def _region_of_stem(word: str, lands: bool) -> str | None:
    low = word.lower()
    for stem, region in _CYR_REGION_STEM.items():
        if stem.endswith(("щин", "ччин")) == lands and low.startswith(stem):
            return region
    return None


def cyrillic_region_spans(text: str) -> list[tuple[int, int, str]]:
    """Region phrases in Russian and Ukrainian text, with the region each names.

    >>> [(r) for _, _, r in cyrillic_region_spans("в Донецкой Народной Республике и на Харківщині")]
    ['Donetsk', 'Kharkiv']
    """
    out = []
    for m in _CYR_REGION_WORD.finditer(text):
        region = _region_of_stem(m.group(1), False)
        if region:
            out.append((m.start(), m.end(), region))
    if "щин" in text or "ччин" in text:
        for m in _CYR_LAND.finditer(text):
            region = _region_of_stem(m.group(0), True)
            if region:
                out.append((m.start(), m.end(), region))
    if "апор" in text:
        for m in _CYR_ON_REGION.finditer(text):
            out.append((m.start(1), m.end(1), "Zaporizhzhia"))
    if "НР" in text:
        for m in _CYR_ABBR.finditer(text):
            out.append((m.start(), m.end(), "Donetsk" if m.group(1) == "Д" else "Luhansk"))
    out.sort()
    return out


_SENTENCE_END = re.compile(r"[.!?]+[\"”’)]*\s+|\n")


def _sentence_index(text: str):
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]

    def index(pos: int) -> int:
        from bisect import bisect_right

        return bisect_right(ends, pos)

    return index


@lru_cache(maxsize=1)
def _coordination_pattern() -> re.Pattern:
    words = "|".join(map(re.escape, sorted(regions._by_spelling(), key=len, reverse=True)))
    plural = r"(?:regions|provinces|oblasts)"
    return re.compile(
        rf"\b({words})\s*(?:,|and|&)\s*({words})\s+{plural}\b"
        rf"|\b{plural}\s+of\s+({words})\s*(?:,|and|&)\s*({words})\b",
        re.IGNORECASE,
    )


# The names Russia gives the occupied Donetsk and Luhansk regions.
_PEOPLES_REPUBLIC = re.compile(
    r"\b(?:Donetsk|Luhansk|Lugansk)\s+People['’]s\s+Republic\b|"
    r"\b[DL]PR\b"
)
_PLURAL_REGION = re.compile(r"regions|provinces|oblasts", re.IGNORECASE)
_REGION_WORD = re.compile(r"\b(?:regions?|oblasts?|oblast's|provinces?)\b", re.IGNORECASE)


def _region_spans(text: str) -> list[tuple[int, int, str]]:
    """Explicit region phrases, looked for only around the words that make them."""
    spans: set[tuple[int, int, str]] = set()
    if "People" in text or "DPR" in text or "LPR" in text:
        for m in _PEOPLES_REPUBLIC.finditer(text):
            region = "Donetsk" if m.group(0).upper().startswith("D") else "Luhansk"
            spans.add((m.start(), m.end(), region))
    for m in _REGION_WORD.finditer(text):
        a = max(0, m.start() - 60)
        window = text[a : m.end() + 60]
        coordinated = _coordinated_regions(window) if _PLURAL_REGION.search(window) else []
        for s, e, r in regions.region_phrases(window) + coordinated:
            spans.add((s + a, e + a, r))
    return _without_overlapping_repeats(sorted(spans))


def _without_overlapping_repeats(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop a span that overlaps a shorter span naming the same region ("provinces of
    Luhansk" beside "Luhansk" from "the provinces of Luhansk and Donetsk")."""
    keep = []
    for s, e, r in spans:
        if any(r == r2 and s <= s2 and e2 <= e and (s, e) != (s2, e2) for s2, e2, r2 in spans):
            continue
        keep.append((s, e, r))
    return keep


def _coordinated_regions(text: str) -> list[tuple[int, int, str]]:
    """Both names in "Donetsk and Luhansk regions", "the provinces of Luhansk and Donetsk"."""
    table = regions._by_spelling()
    spans = []
    for m in _coordination_pattern().finditer(text):
        for g in (1, 2, 3, 4):
            if m.group(g):
                spans.append((m.start(g), m.end(g), table[m.group(g).lower()]))
    return spans


def find_mentions(text: str, gazetteer: Gazetteer | None = None) -> MentionSet:
    """Settlements and regions named in ``text`` (see :class:`MentionFinder`).

    >>> ms = find_mentions("Russian forces entered Krasnoarmeysk in the Donetsk region.")
    >>> [(m.text, m.place.name) for m in ms.mentions], [r.region for r in ms.regions]
    ([('Krasnoarmeysk', 'Pokrovsk')], ['Donetsk'])
    """
    return MentionFinder.for_gazetteer(gazetteer).find(text)
