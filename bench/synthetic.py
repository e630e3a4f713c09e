"""A synthetic ledger for benchmarks: claims about the largest places near the front.

Not real claims: random controllers, parts and dates from a fixed seed, only to load
the map with many places. Written to a database of the caller's choosing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from conflictmap.places import Gazetteer

FRONT_OBLASTS = (
    "Donetsk",
    "Luhansk",
    "Kharkiv",
    "Zaporizhzhia",
    "Dnipropetrovsk",
    "Kherson",
    "Sumy",
    "Mykolaiv",
    "Poltava",
)
PARTS = [None, None, None, "north", "south", "east", "west", "centre", "outskirts"]


def _record(rng, p, claimant, controller, day, *, share, org, url, title) -> dict:
    """One synthetic claim: a part (or, with chance ``share[0]``, a share of up to
    ``share[1]``) for a side's control, a random agency as its source."""
    chance, most = share
    part = rng.choice(PARTS) if controller != "CONTESTED" else None
    fraction = (
        round(rng.uniform(0.2, most), 2)
        if part is None and controller != "CONTESTED" and rng.random() < chance
        else None
    )
    return {
        "place": p.name,
        "geonames_id": p.geonames_id,
        "claimant": claimant,
        "claimant_org": f"Synthetic {claimant} {org}",
        "controller": controller,
        "extent": "partial" if part or fraction else "full",
        "part": part or "",
        "fraction": fraction,
        "claim_date": day.isoformat(),
        "source_publisher": f"Bench agency {rng.randint(1, 40)}",
        "source_url": url,
        "source_title": title,
        "note": "Synthetic benchmark claim; not a real report.",
    }


def _mapped(gaz) -> list:
    """Ukraine's places with coordinates (a register village not placed yet is never
    drawn, so it would not load the map)."""
    return [p for p in gaz if p.country == "UA" and p.lat is not None]


def synthetic_records(n_places: int = 1000, n_dates: int = 12, seed: int = 7) -> list[dict]:
    """Claim records (as the ledger imports them) for the ``n_places`` largest places in
    the front-line oblasts, spread over ``n_dates`` claim dates."""
    rng = random.Random(seed)
    gaz = Gazetteer.load()
    places = sorted(
        (p for p in _mapped(gaz) if p.oblast in FRONT_OBLASTS),
        key=lambda p: -p.population,
    )[:n_places]
    days = [date(2025, 9, 1) + timedelta(days=7 * i) for i in range(n_dates)]
    records = []
    for p in places:
        for claimant in ("RU", "UA", "OTHER"):
            if claimant == "OTHER" and rng.random() < 0.5:
                continue
            for day in rng.sample(days, rng.randint(1, 3)):
                controller = rng.choice(["RU", "UA", "CONTESTED"])
                records.append(
                    _record(
                        rng,
                        p,
                        claimant,
                        controller,
                        day,
                        share=(0.15, 0.9),
                        org="source",
                        url=f"https://example.org/bench/{p.geonames_id}/{day}",
                        title="Synthetic claim for the benchmark",
                    )  # fmt: skip
                )
    return records


def bulletin_records(
    n_claims: int = 50_000, n_places: int = 3_000, days: int = 1_095, seed: int = 11
) -> list[dict]:
    """Daily-bulletin claims: ``n_claims`` over ``n_places`` places and ``days`` days
    (three years by default), as the two sides' daily reports and third-party maps
    would make them. Each place has a front-line state that drifts (held, contested,
    taken, sometimes a part or a share); each day a few dozen places are reported on,
    by one side, both, or a third party, mostly repeating what it said last time."""
    rng = random.Random(seed)
    gaz = Gazetteer.load()
    # The front-line oblasts first, then the rest of Ukraine, largest places first.
    places = sorted(
        _mapped(gaz),
        key=lambda p: (p.oblast not in FRONT_OBLASTS, -p.population),
    )[:n_places]
    start = date(2023, 1, 1)
    state = {p.geonames_id: rng.choice(["UA", "UA", "UA", "RU"]) for p in places}
    per_day = n_claims / days
    records: list[dict] = []
    day_index = 0
    while len(records) < n_claims:
        day = start + timedelta(days=day_index % days)
        n_today = max(1, int(rng.gauss(per_day, per_day / 4)))
        for p in rng.sample(places, min(len(places), n_today // 2 + 1)):
            if len(records) >= n_claims:
                break
            gid = p.geonames_id
            if rng.random() < 0.08:  # the front moves here
                state[gid] = rng.choice(["RU", "UA", "CONTESTED"])
            for claimant in rng.sample(("RU", "UA", "OTHER"), rng.randint(1, 2)):
                controller = state[gid]
                if claimant == "UA" and controller == "RU" and rng.random() < 0.5:
                    controller = "CONTESTED"  # a denial
                records.append(
                    _record(
                        rng,
                        p,
                        claimant,
                        controller,
                        day,
                        share=(0.1, 0.95),
                        org="bulletin",
                        url=f"https://example.org/bulletin/{day}/{gid}/{claimant}",
                        title=f"Synthetic bulletin of {day}",
                    )  # fmt: skip
                )
        day_index += 1
    return records[:n_claims]
