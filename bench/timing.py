"""Timing helper shared by the benchmarks (run them as ``python bench/bench_x.py``)."""

from __future__ import annotations

import time


def timed(fn, repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls of ``fn``."""
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out
