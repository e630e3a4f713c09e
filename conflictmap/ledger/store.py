"""The ledger: the one place that stores and reads claims (and assessments).

A real database through SQLAlchemy. ``CONFLICTMAP_DB`` takes a SQLAlchemy URL
(``postgresql+psycopg://user@host/db``) or a plain path meaning a SQLite file; the
default is ``data/conflictmap.sqlite`` in the repository (git-ignored). On first use
the database is created and filled from ``geodata/claims.csv``; when that file
changes, its new claims are added on the next start. Every write is one transaction,
and the same claim (place, claimant, controller, date, source) is never stored twice.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import shapely
from sqlalchemy import create_engine, func, insert, select
from sqlalchemy.engine import Engine

from ..paths import CLAIMS_FILE, DATA
from ..places import Gazetteer
from . import schema
from .claims import RECORD_FIELDS, Claim, ClaimError, claim_from_record, date_range
from .coordinates import geometry_problem
from .records import ImportRejected, read_claim_records
from .tabular import csv_text
from .users import Users, os_author

DB_ENV = "CONFLICTMAP_DB"
SEED_AUTHOR = "system:seed"


def database_url(value: str | None = None) -> str:
    """The SQLAlchemy URL to use: ``value``, else ``CONFLICTMAP_DB``, else the default file.

    >>> database_url("postgresql+psycopg://u@h/db")
    'postgresql+psycopg://u@h/db'
    >>> database_url("/tmp/x.sqlite")
    'sqlite:////tmp/x.sqlite'
    """
    value = value or os.environ.get(DB_ENV) or str(DATA / "conflictmap.sqlite")
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


@dataclass
class AddResult:
    """What a write did: the claims it added and the ones already present."""

    added: list[Claim] = field(default_factory=list)
    skipped: list[Claim] = field(default_factory=list)


@dataclass(frozen=True)
class StoredAssessment:
    """An independent assessment geometry (lon/lat) for one date and kind."""

    assessed_on: date
    kind: str
    source: str
    geometry: object


def _claim_from_row(row) -> Claim:
    m = row._mapping
    return Claim(
        place_id=m["place_id"],
        place=m["place"],
        claimant=m["claimant"],
        controller=m["controller"],
        claim_date=m["claim_date"],
        claimant_org=m["claimant_org"],
        extent=m["extent"],
        fraction=m["fraction"],
        part=m["part"],
        source_publisher=m["source_publisher"],
        source_url=m["source_url"],
        source_published=m["source_published"],
        source_title=m["source_title"],
        note=m["note"],
    )


def _stored_geometry(wkb) -> tuple[object, str | None]:
    """A stored geometry, or why it cannot be used."""
    try:
        geom = shapely.from_wkb(wkb)
    except (shapely.errors.GEOSException, ValueError, TypeError) as exc:
        return None, f"its geometry cannot be read ({exc})"
    why = geometry_problem(geom)
    return geom, (f"left out: {why}" if why else None)


def _assessment_label(row) -> str:
    source = (row.source or "").strip()
    return f"assessment {row.assessed_on.isoformat()} {row.kind} ({source[:80]})"


def _row_from_claim(claim: Claim, now: datetime) -> dict:
    rec = claim.as_record()
    rec["claim_date"] = claim.claim_date
    rec["source_published"] = claim.source_published
    rec["added_at"] = now
    return rec


class Ledger:
    """Claims in a database, with validation, all-or-nothing imports and exports."""

    def __init__(
        self,
        url: str | None = None,
        *,
        gazetteer: Gazetteer | None = None,
        seed_file: Path | None = CLAIMS_FILE,
    ):
        self.url = database_url(url)
        if self.url.startswith("sqlite:///"):
            Path(self.url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(self.url)
        self._gazetteer = gazetteer
        self._unusable: dict[str, str] = {}
        schema.metadata.create_all(self.engine)
        self.users = Users(self.engine)
        if seed_file is not None:
            self.seed(seed_file)

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer claims are validated against (loaded when first needed)."""
        if self._gazetteer is None:
            self._gazetteer = Gazetteer.load()
        return self._gazetteer

    # -- writing -----------------------------------------------------------------
    def require(self, author: str | None, action: str) -> str:
        """The author (the operating-system user when None) if they may do ``action``;
        :class:`~conflictmap.ledger.users.NotAllowed` otherwise. Every write calls it."""
        author = os_author() if author is None else author
        self.users.require(author, action)
        return author

    def add(self, claims: Iterable[Claim], *, author: str | None = None) -> AddResult:
        """Add claims in one transaction; claims already stored are skipped.

        ``author`` (a user's name, ``os:NAME``, ``local``...; the operating-system user
        when None) must be allowed to add claims."""
        author = self.require(author, "add")
        claims = list(claims)
        result = AddResult()
        unique: dict[str, Claim] = {}
        for c in claims:
            if c.id in unique:
                result.skipped.append(c)
            else:
                unique[c.id] = c
        now = datetime.now(UTC).replace(tzinfo=None)
        with self.engine.begin() as conn:
            existing = set()
            ids = list(unique)
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                existing |= set(
                    conn.scalars(select(schema.claims.c.id).where(schema.claims.c.id.in_(chunk)))
                )
            new = [c for cid, c in unique.items() if cid not in existing]
            result.skipped += [c for cid, c in unique.items() if cid in existing]
            if new:
                conn.execute(insert(schema.claims), [_row_from_claim(c, now) for c in new])
            result.added = new
        return result

    def validate_records(self, records: list[dict], source: str = "input") -> list[Claim]:
        """Validate every record; raise ImportRejected listing every bad row."""
        claims, errors = [], []
        for n, rec in enumerate(records, start=1):
            if not isinstance(rec, dict):
                errors.append((n, "not a record of claim fields"))
                continue
            try:
                claims.append(claim_from_record(rec, self.gazetteer))
            except ClaimError as exc:
                errors.append((n, str(exc)))
        if not records:
            errors.append((0, "no claims in the input"))
        if errors:
            raise ImportRejected(source, errors)
        return claims

    def import_records(
        self, records: list[dict], source: str = "input", *, author: str | None = None
    ) -> AddResult:
        """Validate and add records all or nothing (``author`` as for :meth:`add`)."""
        author = self.require(author, "add")
        return self.add(self.validate_records(records, source), author=author)

    def import_file(self, path: str | Path, *, author: str | None = None) -> AddResult:
        """Import a CSV, GeoJSON or JSON file of claims, all or nothing."""
        author = self.require(author, "add")
        path = Path(path)
        return self.import_records(read_claim_records(path), path.name, author=author)

    def seed(self, path: Path = CLAIMS_FILE) -> AddResult:
        """Add the curated claims file unless this version of it was seeded already."""
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        key = f"seeded:{Path(path).name}"
        with self.engine.connect() as conn:
            done = conn.scalar(select(schema.meta.c.value).where(schema.meta.c.key == key))
        if done == digest:
            return AddResult()
        result = self.import_file(path, author=SEED_AUTHOR)
        with self.engine.begin() as conn:
            conn.execute(schema.meta.delete().where(schema.meta.c.key == key))
            conn.execute(insert(schema.meta), [{"key": key, "value": digest}])
        return result

    # -- reading -----------------------------------------------------------------
    def claims(
        self,
        *,
        place_id: int | None = None,
        claimant: str | None = None,
        controller: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> list[Claim]:
        """Stored claims, filtered, ordered by date, place and claimant."""
        t = schema.claims
        q = select(t)
        if place_id is not None:
            q = q.where(t.c.place_id == int(place_id))
        if claimant:
            q = q.where(t.c.claimant == claimant)
        if controller:
            q = q.where(t.c.controller == controller)
        if start:
            q = q.where(t.c.claim_date >= start)
        if end:
            q = q.where(t.c.claim_date <= end)
        q = q.order_by(t.c.claim_date, t.c.place, t.c.claimant, t.c.id)
        with self.engine.connect() as conn:
            return self._usable(_claim_from_row(r) for r in conn.execute(q))

    def _usable(self, claims) -> list[Claim]:
        """The claims a page can use; the others (stored by an older version, or whose
        place the gazetteer no longer has) are left out and noted for
        :meth:`unusable_records`."""
        first, last = date_range()
        out = []
        for c in claims:
            if c.place_id not in self.gazetteer:
                why = f"place {c.place_id} is not in the gazetteer"
            elif not first <= c.claim_date <= last:
                why = f"its date is outside {first.isoformat()} .. {last.isoformat()}"
            else:
                out.append(c)
                continue
            label = f"claim {c.id} ({c.place}, {c.claimant}, {c.claim_date.isoformat()})"
            self._unusable[label] = f"left out: {why}"
        return out

    def count(self) -> int:
        """Number of stored claims."""
        with self.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(schema.claims))

    def version(self) -> tuple[int, str]:
        """Changes whenever claims are added (for caches): (count, latest added_at)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(func.count(), func.max(schema.claims.c.added_at))).one()
        return int(row[0]), str(row[1])

    # -- exporting ---------------------------------------------------------------
    def export_csv(self, claims: list[Claim] | None = None) -> str:
        """CSV of claims (all by default), spreadsheet-safe."""
        claims = self.claims() if claims is None else claims
        return csv_text((c.as_record() for c in claims), RECORD_FIELDS)

    def export_geojson(self, claims: list[Claim] | None = None) -> dict:
        """GeoJSON FeatureCollection of claims as points at their places."""
        claims = self.claims() if claims is None else claims
        features = []
        for c in claims:
            p = self.gazetteer.get(c.place_id)
            features.append(
                {
                    "type": "Feature",
                    "properties": c.as_record(),
                    "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                }
            )
        return {"type": "FeatureCollection", "features": features}

    # -- assessments -------------------------------------------------------------
    def add_assessments(
        self, items: list[StoredAssessment], *, replace: bool = True, author: str | None = None
    ) -> int:
        """Store assessment geometries in one transaction; same date and kind is replaced.
        ``author`` must be allowed to import assessments (an admin)."""
        self.require(author, "assess")
        t = schema.assessments
        now = datetime.now(UTC).replace(tzinfo=None)
        for a in items:
            why = geometry_problem(a.geometry)
            if why:
                raise ValueError(
                    f"assessment {a.assessed_on.isoformat()} {a.kind}: {why}; nothing stored"
                )
        with self.engine.begin() as conn:
            for a in items:
                if replace:
                    conn.execute(
                        t.delete().where((t.c.assessed_on == a.assessed_on) & (t.c.kind == a.kind))
                    )
                conn.execute(
                    insert(t),
                    [
                        {
                            "assessed_on": a.assessed_on,
                            "kind": a.kind,
                            "source": a.source,
                            "geometry_wkb": shapely.to_wkb(a.geometry),
                            "imported_at": now,
                        }
                    ],
                )
        return len(items)

    def assessments(
        self, *, kind: str | None = None, on: date | None = None
    ) -> list[StoredAssessment]:
        """Stored assessments, oldest first; filtered by kind and exact date."""
        t = schema.assessments
        q = select(t).order_by(t.c.assessed_on, t.c.kind)
        if kind:
            q = q.where(t.c.kind == kind)
        if on:
            q = q.where(t.c.assessed_on == on)
        with self.engine.connect() as conn:
            rows = list(conn.execute(q))
        out = []
        for r in rows:
            geom, why = _stored_geometry(r.geometry_wkb)
            if why:
                self._unusable[_assessment_label(r)] = why
                continue
            out.append(StoredAssessment(r.assessed_on, r.kind, r.source, geom))
        return out

    def unusable_records(self, *, scan: bool = True) -> list[str]:
        """Stored records left out because they cannot be used, each with its reason
        (e.g. an assessment stored by an older version with a coordinate of 1e308).
        Every page and export carries on without them; this says which they are.
        With ``scan=False``, only those met so far."""
        if scan:
            self.assessments()
        return [f"{label}: {why}" for label, why in sorted(self._unusable.items())]

    def assessment_dates(self) -> list[date]:
        """Dates with at least one stored assessment, oldest first."""
        t = schema.assessments
        with self.engine.connect() as conn:
            return list(conn.scalars(select(t.c.assessed_on).distinct().order_by(t.c.assessed_on)))

    def assessment_version(self) -> tuple[int, str]:
        """Changes whenever assessments are stored (for caches): (count, latest import)."""
        t = schema.assessments
        with self.engine.connect() as conn:
            row = conn.execute(select(func.count(), func.max(t.c.imported_at))).one()
        return int(row[0]), str(row[1])
