"""Measure the reader against annotated reports (the scoring of ../shared/reports/README.md).

A predicted claim matches a gold claim of the same report when the place agrees (by
coordinates, within 10 km), the claimant agrees, and the controller is the gold one or
one of its ``alt`` controllers. Recall counts core gold claims found; precision counts
every prediction that matches no gold claim (core or not) as an error. Dates, extents,
parts and fractions are scored on matched claims. Mention recall counts the gold
mentions (canonical names of Ukrainian places) that the reader found and placed.

Both gold formats are read: ``gold.json`` (English) and ``gold_ru_uk.json``, whose
reports carry a ``language`` and a list of ``hard`` places (named in the text, missing
from the gazetteer or sharing their name with places elsewhere), each with its oblast
and ``not_at``, the points of its namesakes. A claim about a hard place matches when
the reader's place bears that name and lies in that oblast. Every placement (mention
or claim) at a ``not_at`` point, or of a hard name outside its oblast, is an error,
counted apart. Figures are reported per language.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..places import Gazetteer, Place, name_key
from .extract import CandidateClaim, extract

MATCH_KM = 10.0
FRACTION_TOLERANCE = 0.05


def distance_km(a: Place, lat: float, lon: float) -> float:
    """Great-circle distance in km between a place and a point (inf when unmapped)."""
    if not a.mapped or lat is None or lon is None:
        return math.inf
    p1, p2 = math.radians(a.lat), math.radians(lat)
    dp, dl = p2 - p1, math.radians(lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@dataclass
class Tally:
    """Counts for one report or for all of them."""

    predicted: int = 0
    correct: int = 0
    core_gold: int = 0
    core_found: int = 0
    gold_mentions: int = 0
    mentions_found: int = 0
    attributes: dict = field(
        default_factory=lambda: {k: [0, 0] for k in ("date", "extent", "part", "fraction")}
    )
    errors: list = field(default_factory=list)
    not_at_errors: int = 0
    language: str = "en"
    reports: int = 0

    def add(self, other: Tally) -> None:
        for name in (
            "not_at_errors",
            "reports",
            "predicted",
            "correct",
            "core_gold",
            "core_found",
            "gold_mentions",
            "mentions_found",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for k, (right, total) in other.attributes.items():
            self.attributes[k][0] += right
            self.attributes[k][1] += total
        self.errors += other.errors

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.core_found / self.core_gold if self.core_gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def mention_recall(self) -> float:
        return self.mentions_found / self.gold_mentions if self.gold_mentions else 1.0

    def accuracy(self, name: str) -> float | None:
        right, total = self.attributes[name]
        return right / total if total else None

    def as_dict(self) -> dict:
        return {
            "claims": {
                "precision": round(self.precision, 4),
                "recall": round(self.recall, 4),
                "f1": round(self.f1, 4),
                "predicted": self.predicted,
                "correct": self.correct,
                "core_gold": self.core_gold,
                "core_found": self.core_found,
            },
            "mentions": {
                "recall": round(self.mention_recall, 4),
                "gold": self.gold_mentions,
                "found": self.mentions_found,
            },
            "not_at_errors": self.not_at_errors,
            "reports": self.reports,
            "accuracy": {
                k: (None if self.accuracy(k) is None else round(self.accuracy(k), 4))
                for k in self.attributes
            },
            "counts": {k: {"right": v[0], "scored": v[1]} for k, v in self.attributes.items()},
        }


def _gold_place(gazetteer: Gazetteer, name: str) -> Place:
    """The place a gold name means: the largest Ukrainian place of that canonical name
    (LookupError when the gazetteer has none: a hard place)."""
    cands = [c.place for c in gazetteer.candidates(name, limit=50)]
    own = [p for p in cands if p.country == "UA" and gazetteer.is_own_name(p.geonames_id, name)]
    pool = own or [p for p in cands if p.country == "UA"] or cands
    if not pool:
        raise LookupError(f"gold place {name!r} is not in the gazetteer")
    return max(pool, key=lambda p: p.population)


def _names(place: Place) -> set[str]:
    return {name_key(place.name)} | {name_key(a) for a in place.aliases}


def _same_hard(place: Place, hard: dict) -> bool:
    """The reader's place is the hard place meant: its name, in its oblast, not a namesake."""
    if name_key(hard["name"]) not in _names(place) or place.oblast != hard["oblast"]:
        return False
    return not any(distance_km(place, lat, lon) <= MATCH_KM for lat, lon in hard.get("not_at", []))


def _gap(place: Place, gplace: Place | dict) -> float:
    if isinstance(gplace, dict):
        return 0.0
    return distance_km(place, gplace.lat, gplace.lon)


def _matches(pred: CandidateClaim, gold: dict, gplace: Place | dict) -> bool:
    if isinstance(gplace, dict):
        if not _same_hard(pred.place, gplace):
            return False
    elif distance_km(pred.place, gplace.lat, gplace.lon) > MATCH_KM:
        return False
    if pred.claimant != gold["claimant"]:
        return False
    return pred.controller == gold["controller"] or pred.controller in gold.get("alt", [])


def score_report(
    claims: list[CandidateClaim], mentions: list, gold: dict, gazetteer: Gazetteer, name: str = ""
) -> Tally:
    """Compare one report's reading with its gold annotation."""
    t = Tally(language=gold.get("language", "en"), reports=1)
    hard = {h["name"]: h for h in gold.get("hard", [])}
    golds = []
    for g in gold.get("claims", []):
        if g["place"] in hard:
            golds.append((g, hard[g["place"]]))
        else:
            golds.append((g, _gold_place(gazetteer, g["place"])))
    t.predicted = len(claims)
    found_core = set()
    for pred in claims:
        hits = [(i, g) for i, (g, gp) in enumerate(golds) if _matches(pred, g, gp)]
        if not hits:
            t.errors.append(
                f"{name}: extra {pred.place.name} {pred.claimant}->{pred.controller} {pred.date}"
            )
            continue
        t.correct += 1
        # Attributes are scored against the best gold claim: core first, same controller.
        hits.sort(
            key=lambda h: (
                not h[1].get("core", True),
                h[1]["controller"] != pred.controller,
                _gap(pred.place, golds[h[0]][1]),
            )
        )
        i, g = hits[0]
        found_core.update(j for j, gg in hits if gg.get("core", True))
        for wrong in _score_attributes(t, pred, g):
            t.errors.append(f"{name}: {pred.place.name} {pred.claimant}->{pred.controller} {wrong}")
    t.core_gold = sum(1 for g, _ in golds if g.get("core", True))
    t.core_found = len(found_core)
    for j, (g, _) in enumerate(golds):
        if g.get("core", True) and j not in found_core:
            t.errors.append(
                f"{name}: missed {g['place']} {g['claimant']}->{g['controller']} {g['date']}"
            )
    placed = [m.place for m in mentions if m.place is not None]
    for where, p in [("mention", p) for p in placed] + [("claim", c.place) for c in claims]:
        for h in hard.values():
            at = any(distance_km(p, lat, lon) <= MATCH_KM for lat, lon in h.get("not_at", []))
            elsewhere = name_key(h["name"]) in _names(p) and p.oblast != h["oblast"]
            if at or elsewhere:
                t.not_at_errors += 1
                t.errors.append(
                    f"{name}: {where} of {h['name']} placed at {p.name} ({p.oblast}), "
                    + ("a not_at point" if at else f"outside {h['oblast']}")
                )
    for gname in gold.get("mentions", []):
        gp = _gold_place(gazetteer, gname)
        t.gold_mentions += 1
        if any(distance_km(p, gp.lat, gp.lon) <= MATCH_KM for p in placed):
            t.mentions_found += 1
        else:
            t.errors.append(f"{name}: mention not found {gname}")
    return t


def _score_attributes(t: Tally, pred: CandidateClaim, g: dict) -> list[str]:
    """Score date, extent, part and fraction; returns what was wrong, as text."""
    wrong = []

    def mark(key, ok, got, want):
        t.attributes[key][1] += 1
        t.attributes[key][0] += int(bool(ok))
        if not ok:
            wrong.append(f"{key} {got} (gold {want})")

    if g.get("date") is not None:  # a report without a visible date: not scored
        mark("date", pred.date.isoformat() == g.get("date"), pred.date.isoformat(), g.get("date"))
    mark("extent", (pred.extent or None) == (g.get("extent") or None), pred.extent, g.get("extent"))
    mark("part", (pred.part or None) == (g.get("part") or None), pred.part, g.get("part"))
    gf, pf = g.get("fraction"), pred.fraction
    mark(
        "fraction",
        (gf is None and pf is None)
        or (gf is not None and pf is not None and abs(gf - pf) <= FRACTION_TOLERANCE),
        pf,
        gf,
    )
    return wrong


def evaluate(
    gold_path: Path | str, reports_dir: Path | str, gazetteer: Gazetteer | None = None
) -> tuple[Tally, dict[str, Tally]]:
    """Read every report that ``gold_path`` annotates and score it; (total, per report)."""
    gazetteer = gazetteer or Gazetteer.load()
    gold_path, reports_dir = Path(gold_path), Path(reports_dir)
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    total, per = Tally(), {}
    for name, annotation in gold.items():
        path = reports_dir / name
        if not path.is_file():
            raise FileNotFoundError(f"{path}: annotated in {gold_path.name} but missing")
        text = path.read_text(encoding="utf-8", errors="replace")
        published = (
            date.fromisoformat(annotation["published"]) if annotation.get("published") else None
        )
        ex = extract(text, published, gazetteer=gazetteer, language=annotation.get("language"))
        t = score_report(ex.claims, ex.mentions, annotation, gazetteer, name)
        per[name] = t
        total.add(t)
    return total, per


def by_language(per: dict[str, Tally]) -> dict[str, Tally]:
    """The reports' tallies summed per language (``en``, ``ru``, ``uk``)."""
    out: dict[str, Tally] = {}
    for t in per.values():
        out.setdefault(t.language, Tally(language=t.language)).add(t)
    return out


def format_report(total: Tally, per: dict[str, Tally]) -> str:
    """Human-readable figures: per report, per language, then totals and the errors."""
    lines = [f"{'report':45} {'lang':>4} {'P':>6} {'R':>6} {'F1':>6} {'mentR':>6} {'notAt':>5}"]
    for name, t in per.items():
        lines.append(
            f"{name:45} {t.language:>4} {t.precision:6.3f} {t.recall:6.3f} {t.f1:6.3f} "
            f"{t.mention_recall:6.3f} {t.not_at_errors:5d}"
        )
    lines.append("")
    for lang, t in sorted(by_language(per).items()):
        lines.append(
            f"{lang}: {t.reports} reports  claims P {t.precision:.3f} R {t.recall:.3f} "
            f"F1 {t.f1:.3f}  mentions recall {t.mention_recall:.3f}  "
            f"not_at errors {t.not_at_errors}"
        )
    lines.append("")
    lines.append(
        f"claims   precision {total.precision:.3f}  recall {total.recall:.3f}  "
        f"F1 {total.f1:.3f}  ({total.correct}/{total.predicted} predicted correct, "
        f"{total.core_found}/{total.core_gold} core found)"
    )
    lines.append(
        f"mentions recall {total.mention_recall:.3f}  "
        f"({total.mentions_found}/{total.gold_mentions})"
    )
    lines.append(
        f"not_at   errors {total.not_at_errors} (placed at a namesake or outside the oblast)"
    )
    for k in ("date", "extent", "part", "fraction"):
        right, n = total.attributes[k]
        acc = total.accuracy(k)
        lines.append(f"{k:9} accuracy {'n/a' if acc is None else f'{acc:.3f}'}  ({right}/{n})")
    if total.errors:
        lines.append("")
        lines.append("errors:")
        lines += [f"  {e}" for e in total.errors]
    return "\n".join(lines)
