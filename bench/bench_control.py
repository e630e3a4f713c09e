"""Benchmark: resolving control as of a date over 1,000,000 claims.

Prints the time of ControlIndex.latest (sorted once, one binary search per place and
claimant) against a plain pandas filter + sort + groupby measured in the same run on
the same data, and the ratio. Run: python bench/bench_control.py [N_CLAIMS]
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from timing import timed  # noqa: E402  (bench/ is on the path when run as a script)

from conflictmap.ledger import ControlIndex  # noqa: E402


def synthetic_claims(n: int, n_places: int = 10_000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = date(2022, 2, 24)
    days = rng.integers(0, 1400, n)
    return pd.DataFrame(
        {
            "claim_id": np.char.add("c", np.arange(n).astype(str)),
            "place_id": rng.integers(1, n_places + 1, n),
            "claimant": rng.choice(np.array(["RU", "UA", "OTHER"]), n),
            "controller": rng.choice(np.array(["RU", "UA", "CONTESTED"]), n),
            "claim_date": [start + timedelta(days=int(d)) for d in days],
            "extent": "full",
            "fraction": np.nan,
            "part": None,
        }
    )


def baseline(frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
    df = frame[frame["claim_date"] <= as_of]
    return (
        df.sort_values(["place_id", "claimant", "claim_date"])
        .groupby(["place_id", "claimant"])
        .tail(1)
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    frame = synthetic_claims(n)
    t = time.perf_counter()
    index = ControlIndex(frame)
    build = time.perf_counter() - t
    dates = [date(2023, 1, 1), date(2024, 6, 1), date(2025, 12, 2)]
    ours = timed(lambda: [index.latest(d) for d in dates], 7)
    base = timed(lambda: [baseline(frame, d) for d in dates], 3)
    # Same answer, or the comparison means nothing.
    got = index.latest(dates[-1])
    want = baseline(frame, dates[-1])
    assert len(got) == len(want), (len(got), len(want))
    per_ours = statistics.median(ours) / len(dates)
    per_base = statistics.median(base) / len(dates)
    print(f"claims: {n:,}  places x claimants: {len(got):,}")
    print(f"one-time index build: {build:.2f} s")
    print(f"resolve one date (index):  {per_ours * 1000:8.1f} ms  (median of 7 runs)")
    print(f"resolve one date (pandas): {per_base * 1000:8.1f} ms  (median of 3 runs)")
    print(f"ratio pandas / index: {per_base / per_ours:.1f}x")


if __name__ == "__main__":
    main()
