"""Day files: the live map's payloads for the days around the one shown, written ahead
as files beside the map's script, so the map's own date control redraws a day without
a rerun of the page (the page follows the map's date after, see ``ui/live_map.py``).

A day's file holds the drawing calls a rerun would send for that day
(:func:`conflictmap.render.mapview.day_file_text`): the same payloads, the same map.
Files are named after the ledger version, the layers shown and the map's bank, so a
file never serves another ledger or set of layers; one background thread writes the
days nearest the latest day asked for first, and the oldest files go once there are
more than :data:`KEPT`.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from .assets import CACHE_DIR, write_once

WINDOW = 7  # days each side of the day shown
KEPT = 240  # day files kept in the cache folder (about 330 KB each on the whole front)

_LOCK = threading.Lock()
_WANTED: list[tuple] = []  # the latest request: (prefix, day, first, last, make)
_WORKER: list[threading.Thread] = []


def prefix_for(*parts) -> str:
    """The file-name prefix of one ledger version, set of layers and bank (``parts``)."""
    return "day-" + hashlib.sha1(repr(parts).encode()).hexdigest()[:14] + "-"


def path_for(prefix: str, day: date) -> Path:
    """Where the file of ``day`` is (or will be)."""
    return CACHE_DIR / f"{prefix}{day.isoformat()}.json"


def nearest_days(day: date, first: date, last: date, window: int = WINDOW) -> list[date]:
    """``day`` and the days around it, nearest first, within ``first``..``last``.

    >>> nearest_days(date(2025, 1, 2), date(2025, 1, 1), date(2025, 1, 31), 2)
    [datetime.date(2025, 1, 2), datetime.date(2025, 1, 1), datetime.date(2025, 1, 3), datetime.date(2025, 1, 4)]
    """
    out = [day]
    for k in range(1, window + 1):
        for d in (day - timedelta(days=k), day + timedelta(days=k)):
            if first <= d <= last:
                out.append(d)
    return out


def request(prefix: str, day: date, first: date, last: date, make: Callable[[date], str]) -> None:
    """Have the files of the days around ``day`` written (``make(d)`` gives the text of
    day ``d``), in a background thread; a later request takes over from this one."""
    with _LOCK:
        _WANTED[:] = [(prefix, day, first, last, make)]
        if _WORKER and _WORKER[0].is_alive():
            return
        worker = threading.Thread(target=_work, daemon=True, name="conflictmap-day-files")
        _WORKER[:] = [worker]
    worker.start()


def _next_job():
    """(the request, a day of it not written yet), or None when every day is written."""
    while True:
        with _LOCK:
            if not _WANTED:
                return None
            wanted = _WANTED[0]
        prefix, day, first, last, _make = wanted
        for d in nearest_days(day, first, last):
            if not path_for(prefix, d).exists():
                return wanted, d
        with _LOCK:  # done, unless a new request came meanwhile
            if _WANTED and _WANTED[0] is wanted:
                _WANTED.clear()


def _work() -> None:
    written = 0
    while True:
        job = _next_job()
        if job is None:
            break
        (prefix, _day, _first, _last, make), d = job
        try:
            text = make(d)
        except Exception:  # noqa: BLE001 - the map then asks the page for that day
            logging.getLogger(__name__).exception("day file %s not written", d)
            with _LOCK:
                _WANTED.clear()
            break
        write_once(path_for(prefix, d), text)
        written += 1
    if written:
        prune()


def prune(kept: int = KEPT) -> int:
    """Remove the oldest day files beyond ``kept``; how many were removed."""

    def age(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except FileNotFoundError:
            return 0.0

    files = sorted(CACHE_DIR.glob("day-*.json"), key=age)
    gone = 0
    for path in files[: max(0, len(files) - kept)]:
        path.unlink(missing_ok=True)
        gone += 1
    return gone


def wait_idle(timeout: float = 60.0) -> bool:
    """Wait until the writer has nothing left to do (tests); True if it finished."""
    worker = _WORKER[0] if _WORKER else None
    if worker is not None:
        worker.join(timeout)
        return not worker.is_alive()
    return True
