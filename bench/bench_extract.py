"""Throughput of the reader: 4 KB reports per second on one core, after start-up.

Times are CPU time of this process (``time.process_time``), so that other work on a
shared machine does not count against the reader.

Two corpora: the real report text of ../shared/reports cut into 4 KB pieces, per
language (English; Russian and Ukrainian from ru_uk/; the target, 200 reports per
second in each language, is about these), and synthetic reports about random
towns in which most sentences carry a claim (a stress case, about five times denser in
claims than news). Each figure covers everything: mentions, resolution, claims, dates.

Baseline, measured in the same run: finding the mentions the naive way, one regular
expression per trusted gazetteer name scanned over the text (on a few reports only:
it is slow), for each language's text; the ratio compares the reader's mention
finding with it.

    python bench/bench_extract.py [--reports N]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conflictmap.places import Gazetteer  # noqa: E402
from conflictmap.reader import (
    MentionFinder,  # noqa: E402
    detect_language,  # noqa: E402
    extract,  # noqa: E402
)

TEMPLATES = [
    "{org} said on {day} that its forces had captured the village of {p1}.",
    "Ukraine's General Staff dismissed as untrue Russian claims that {p2} had fallen.",
    "According to DeepState, Russian forces control about {n} per cent of {p1}.",
    "Fighting continues in {p2}, a spokesman for the Khortytsia group said.",
    "If confirmed, the fall of {p1} would open the road to {p3}.",
    "The town lies {n} kilometres south of the Ukrainian-held city of {p3}.",
    "Ukrainian forces withdrew from {p2} to avoid encirclement, the army said on {day}.",
    "Analysts said the capture of {p1} since the start of the year showed slow progress.",
    "Residents described shelling, power cuts and long queues for water in recent weeks.",
    "Talks between the delegations continued in Geneva without any agreement on a truce.",
    "Aid workers in {p3} said the last bakery had closed after a strike on the power grid.",
    "The governor urged families with children to leave the area before the winter.",
    "Officials in Brussels discussed a new package of sanctions on Tuesday.",
    "Prices for fuel and bread have risen sharply in the towns near the front line.",
    "The ministry did not give figures for losses, and neither side can be checked.",
    "Footage shared online showed destroyed houses and burnt-out vehicles on a road.",
    "Schools in {p2} moved classes online after repeated drone attacks this month.",
    "Engineers worked through the night to restore water supplies to the district.",
]
ORGS = ["Russia's Defence Ministry", "The Kremlin", "Russia's military", "Moscow"]
DAYS = ["Monday", "Tuesday", "Sunday", "Nov 20", "Jan. 6"]


def make_reports(gazetteer: Gazetteer, n: int, size: int = 4096, seed: int = 7) -> list[str]:
    """``n`` synthetic reports of about ``size`` bytes about random Ukrainian towns."""
    rng = random.Random(seed)
    towns = [p.name for p in gazetteer if p.country == "UA" and p.population > 3000]
    reports = []
    for _ in range(n):
        parts = []
        while sum(map(len, parts)) < size:
            t = rng.choice(TEMPLATES)
            parts.append(
                t.format(
                    org=rng.choice(ORGS),
                    day=rng.choice(DAYS),
                    p1=rng.choice(towns),
                    p2=rng.choice(towns),
                    p3=rng.choice(towns),
                    n=rng.randint(5, 95),
                )
            )
        reports.append(" ".join(parts)[:size])
    return reports


def four_kb_chunks(texts: list[str], size: int = 4096) -> list[str]:
    """Real report text cut into pieces of about ``size`` bytes (UTF-8) at line breaks."""
    lines = [ln for t in texts for ln in t.splitlines() if ln.strip()]
    chunks, current = [], []
    for ln in lines * 4:
        current.append(ln)
        if sum(len(x.encode()) + 1 for x in current) >= size:
            chunks.append("\n".join(current).encode()[:size].decode(errors="ignore"))
            current = []
    return chunks


def naive_mentions(patterns, text: str) -> int:
    """Baseline: one compiled regex per name, each scanned over the whole text."""
    return sum(len(p.findall(text)) for p in patterns)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=400)
    args = ap.parse_args()

    t0 = time.process_time()
    gaz = Gazetteer.load()
    finder = MentionFinder.for_gazetteer(gaz)
    extract("Russia said it had captured Avdiivka on Monday.", date(2025, 1, 1))
    startup = time.process_time() - t0
    reports = make_reports(gaz, args.reports)
    published = [date(2025, 1, 6) + timedelta(days=i % 300) for i in range(len(reports))]

    t0 = time.process_time()
    claims = sum(len(extract(r, d).claims) for r, d in zip(reports, published))
    full = time.process_time() - t0
    t0 = time.process_time()
    for r in reports:
        finder.find(r)
    mentions = time.process_time() - t0

    shared = Path(__file__).resolve().parent.parent.parent / "shared" / "reports"
    by_lang: dict[str, list[str]] = {}
    for p in sorted(shared.rglob("*.txt")):
        text = p.read_text(encoding="utf-8")
        by_lang.setdefault(detect_language(text), []).append(text)
    names = sorted(finder.entries)
    patterns = [re.compile(r"(?<!\w)" + re.escape(k) + r"(?!\w)", re.IGNORECASE) for k in names]
    dev_rates = {}
    for lang in ("en", "ru", "uk"):
        dev = four_kb_chunks(by_lang.get(lang, []))
        if not dev:
            continue
        batch = [dev[i % len(dev)] for i in range(len(reports))]
        t0 = time.process_time()
        for i, r in enumerate(batch):
            extract(r, published[i])
        rate = len(batch) / (time.process_time() - t0)
        t0 = time.process_time()
        for r in batch:
            finder.find(r)
        found = (time.process_time() - t0) / len(batch)
        t0 = time.process_time()
        for r in dev[:2]:
            naive_mentions(patterns, r)
        naive_each = (time.process_time() - t0) / len(dev[:2])
        kb = sum(len(r.encode()) for r in dev) / len(dev) / 1024
        dev_rates[lang] = (rate, kb, 1 / naive_each, naive_each / found)

    sample = reports[:3]
    t0 = time.process_time()
    for r in sample:
        naive_mentions(patterns, r)
    naive = (time.process_time() - t0) / len(sample)

    per_report = full / len(reports)
    print(f"start-up (gazetteer, automaton, first report): {startup:.2f} s")
    print(
        f"reader, synthetic claim-dense reports ({claims / len(reports):.0f} candidate claims "
        f"each, a stress case): {len(reports) / full:8.1f} reports/s "
        f"({per_report * 1000:.2f} ms each)"
    )
    print(f"reader, mentions only:  {len(reports) / mentions:8.1f} reports/s")
    for lang, (rate, kb, naive_rate, ratio) in dev_rates.items():
        print(
            f"reader, real {lang} report text in {kb:.1f} KB pieces: {rate:8.1f} reports/s  "
            f"target >= 200/s: {'met' if rate >= 200 else 'NOT met'}; mention finding "
            f"{ratio:.0f}x the baseline ({naive_rate:.2f} reports/s)"
        )
    print(f"baseline, regex per name ({len(names)} names): {1 / naive:8.2f} reports/s")
    print(f"ratio, mention finding vs baseline: {naive / (mentions / len(reports)):.0f}x")


if __name__ == "__main__":
    main()
