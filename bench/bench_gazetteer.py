"""The gazetteer with the register joined: load time, Russian spellings, ambiguity.

Figures:

- load time of the bundled file (CPU time);
- **Russian spellings found**: every Ukrainian place GeoNames gives a Russian name for
  (a Cyrillic alternate with a letter or ending only Russian uses: «Новоселидовка»,
  «Ровное», «Дальнее»), looked up with its oblast named; found when the place is among
  the candidates;
- **ambiguity**: of those lookups, how many stay unresolved because several places of
  that name lie in the oblast (no raion or nearby town named), and how many without
  any region at all;
- lookups per second, against a baseline measured in the same run: the plain key
  lookup of the file's names (no rule-based spellings, no region logic).

    python bench/bench_gazetteer.py [--sample N]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conflictmap.paths import GAZETTEER_FILE  # noqa: E402
from conflictmap.places import (  # noqa: E402
    Gazetteer,
    PlaceContext,
    name_key,
    russian_spellings,
    ukrainian_spellings,
)
from conflictmap.places.translit import looks_ukrainian, romanise_ukrainian  # noqa: E402

RUSSIAN = re.compile(r"[ыэъё]|(ое|ее|ый|ая|овка|евка)\b")


def russian_names(gazetteer: Gazetteer) -> list[tuple[str, object]]:
    """(Russian name, place) for every Ukrainian place with a Russian alternate."""
    out = []
    for p in gazetteer:
        if p.country != "UA" or not p.katottg or not p.mapped:
            continue
        for a in p.aliases:
            if RUSSIAN.search(a.lower()) and not set(a.lower()) & set("іїєґ"):
                if all(ch.isalpha() or ch in " -" for ch in a) and a[:1].isupper():
                    out.append((a, p))
                    break
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=3000)
    args = ap.parse_args()

    t0 = time.process_time()
    gaz = Gazetteer._read(Path(GAZETTEER_FILE))
    load = time.process_time() - t0
    ua = [p for p in gaz if p.country == "UA"]
    print(f"gazetteer: {len(gaz)} places, {len(ua)} in Ukraine")
    print(f"  in the register: {sum(bool(p.katottg) for p in ua)}")
    print(f"  mapped: {sum(p.mapped for p in ua)}, unmapped: {sum(not p.mapped for p in ua)}")
    print(f"  load: {load:.2f} s CPU, file {GAZETTEER_FILE.stat().st_size / 1e6:.1f} MB")

    pairs = russian_names(gaz)
    random.Random(7).shuffle(pairs)
    pairs = pairs[: args.sample]
    found = unresolved_in_oblast = wrong = bare_unresolved = 0
    t0 = time.process_time()
    for name, place in pairs:
        ctx = PlaceContext(frozenset({place.oblast}))
        cands = gaz.candidates(name, ctx, limit=50)
        if any(c.place.geonames_id == place.geonames_id for c in cands):
            found += 1
        res = gaz.decide(name, cands, ctx)
        if res.place is None:
            unresolved_in_oblast += 1
        elif res.place.geonames_id != place.geonames_id:
            wrong += 1
    ours = time.process_time() - t0
    for name, _ in pairs:
        if gaz.resolve(name).place is None:
            bare_unresolved += 1
    # The rules alone, without the names GeoNames lists: does the Russian name lead to
    # the register's Ukrainian name, or the Ukrainian name to the Russian one?
    by_rule = 0
    for name, place in pairs:
        uk = [a for a in place.aliases if looks_ukrainian(a)]
        uk = [a for a in uk if name_key(romanise_ukrainian(a)) == name_key(place.name)]
        if not uk:
            continue
        ru_to_uk = {name_key(x) for x in ukrainian_spellings(name_key(name))}
        uk_to_ru = {name_key(x) for x in russian_spellings(uk[0])}
        if name_key(uk[0]) in ru_to_uk or name_key(name) in uk_to_ru:
            by_rule += 1
    t0 = time.process_time()
    keys = gaz._keys
    hits = sum(bool(keys.get(name_key(name))) for name, _ in pairs)
    base = time.process_time() - t0
    n = len(pairs)
    print(f"Russian spellings of {n} places (GeoNames' Russian names), oblast named:")
    print(f"  found among the candidates: {found} ({found / n:.1%})")
    print(f"  unresolved, several of that name in the oblast: {unresolved_in_oblast / n:.1%}")
    print(f"  resolved to another place of that name: {wrong} ({wrong / n:.1%})")
    print(f"  unresolved with no region named: {bare_unresolved / n:.1%}")
    print(f"  file keys alone find {hits / n:.1%}; the spelling rules alone {by_rule / n:.1%}")
    print(
        f"lookups: {n / ours:,.0f}/s with region logic and rule-based spellings; "
        f"baseline key lookup {n / max(base, 1e-9):,.0f}/s (ratio {ours / max(base, 1e-9):.0f}x)"
    )


if __name__ == "__main__":
    main()
