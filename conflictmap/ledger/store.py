"""The ledger: the one place that stores and reads claims (and assessments).

A real database through SQLAlchemy. ``CONFLICTMAP_DB`` takes a SQLAlchemy URL
(``postgresql+psycopg://user@host/db``) or a plain path meaning a SQLite file; the
default is ``data/conflictmap.sqlite`` in the repository (git-ignored). On first use
the database is created (Alembic migrations, see :mod:`.migrate`) and filled from
``geodata/claims.csv``; when that file changes, its new claims are added on the next
start.

History, never loss: nothing is updated in place or deleted. Every write is one
transaction and one batch (who, when, what it came from), taken under the database's
write lock, so writers from many processes queue instead of colliding. A correction is
a new version of a claim, a retraction a new version marked withdrawn; ``undo`` takes
back a whole batch the same way. The same claim (place, claimant, controller, date,
source; see :attr:`Claim.natural_key`) is never stored twice: stored again with other
details it is a correction, reported as such.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

import shapely
from sqlalchemy import and_, case, func, insert, or_, select
from sqlalchemy.engine import Connection, Engine

from ..paths import CLAIMS_FILE, DATA
from ..places import Gazetteer
from . import migrate, schema
from .claims import FIELD_NAMES, RECORD_FIELDS, Claim, ClaimError, claim_from_record, date_range
from .coordinates import geometry_problem
from .placing import (
    PLACEMENT_FIELDS,
    Placement,
    check_placement,
    new_placement,
    placement_fields,
    placement_from_row,
    placements_from_records,
    row_from_placement,
)
from .records import ImportRejected, read_claim_records
from .tabular import csv_text
from .users import Users, os_author

DB_ENV = "CONFLICTMAP_DB"
AUTHOR_MAX = 200
REASON_MAX = 1000
SEED_AUTHOR = "system:seed"
# Fields a person may change with a correction (plus "oblast" to pick among namesakes).
CORRECTABLE = tuple(f for f in FIELD_NAMES if f != "place_id") + ("oblast",)
_CHUNK = 500


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
    """What a write did: claims added, corrected (stored before with other details),
    already present unchanged, and present but withdrawn (left withdrawn)."""

    added: list[Claim] = field(default_factory=list)
    skipped: list[Claim] = field(default_factory=list)
    corrected: list[Claim] = field(default_factory=list)
    withdrawn: list[Claim] = field(default_factory=list)
    batch: int | None = None
    present_in: set[int] = field(default_factory=set)
    retired: list[Claim] = field(default_factory=list)

    def summary(self) -> str:
        """'imported 3 claim(s); corrected 1 (...); 2 already present (batch 4); batch 7'."""
        parts = [f"imported {len(self.added)} claim(s)"]
        if self.corrected:
            parts.append(f"corrected {len(self.corrected)} (stored before with other details)")
        where = ", ".join(map(str, sorted(self.present_in)))
        parts.append(
            f"{len(self.skipped)} already present" + (f" (batch {where})" if where else "")
        )
        if self.withdrawn:
            parts.append(f"{len(self.withdrawn)} withdrawn earlier, left withdrawn")
        if self.retired:
            parts.append(f"{len(self.retired)} no longer in the curated file, withdrawn")
        parts.append(f"batch {self.batch}" if self.batch else "nothing written")
        return "; ".join(parts)


@dataclass(frozen=True)
class StoredAssessment:
    """An independent assessment geometry (lon/lat) for one date and kind."""

    assessed_on: date
    kind: str
    source: str
    geometry: object


@dataclass(frozen=True)
class Version:
    """One version of a claim: what it said, whether it was withdrawn, who, when, why."""

    claim_id: str
    version: int
    claim: Claim
    withdrawn: bool
    batch: int
    kind: str
    author: str
    created_at: datetime
    reason: str
    origin: str = ""


@dataclass(frozen=True)
class Batch:
    """One write: who, when, what it came from, and what it did."""

    id: int
    kind: str
    author: str
    created_at: datetime
    origin: str
    reason: str
    added: int = 0
    changed: int = 0
    withdrawn: int = 0
    assessments: int = 0
    assessments_withdrawn: int = 0
    placings: int = 0

    def describe(self) -> str:
        """'3 added, 1 changed, 2 withdrawn, 1 assessment'."""
        bits = [
            (self.added, "added"),
            (self.changed, "changed"),
            (self.withdrawn, "withdrawn"),
            (self.assessments, "assessment(s) stored"),
            (self.assessments_withdrawn, "assessment(s) withdrawn"),
            (self.placings, "village(s) placed or unplaced"),
        ]
        return ", ".join(f"{n} {what}" for n, what in bits if n) or "nothing"


@dataclass
class UndoResult:
    """What an undo did: claims withdrawn or put back as they were, claims changed since
    (left as they are), assessments withdrawn or put back."""

    batch: int | None
    withdrawn: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    changed_since: list[str] = field(default_factory=list)
    assessments: int = 0
    placings: int = 0

    def summary(self) -> str:
        parts = [f"withdrew {len(self.withdrawn)} claim(s)", f"restored {len(self.restored)}"]
        if self.changed_since:
            parts.append(f"{len(self.changed_since)} changed since, left as they are")
        if self.assessments:
            parts.append(f"{self.assessments} assessment(s) withdrawn or put back")
        if self.placings:
            parts.append(f"{self.placings} placed village(s) taken off the map or put back")
        parts.append(f"batch {self.batch}" if self.batch else "nothing written")
        return "; ".join(parts)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


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
        stored_id=m["claim_id"] if "claim_id" in m else m["id"],
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


def _content(claim: Claim) -> dict:
    return {name: getattr(claim, name) for name in FIELD_NAMES}


def _same(a: Claim, b: Claim) -> bool:
    """Same details (the place name may differ: the gazetteer's spelling can change)."""
    da, db = _content(a), _content(b)
    da.pop("place"), db.pop("place")
    return da == db


def _text_arg(value, name: str, limit: int, *, required: bool = True) -> str:
    text = "" if value is None else " ".join(str(value).split())
    if required and not text:
        raise ValueError(f"{name}: missing (say who and why)")
    if len(text) > limit:
        raise ValueError(f"{name}: longer than {limit} characters")
    return text


class Ledger:
    """Claims in a database, with validation, history, batches, imports and exports.

    Every write method takes ``author`` (a keyword): who is writing ("os:alice" from the
    command line, a signed-in user in the app; the operating-system user when None),
    checked against the users and their roles before anything is written.
    """

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
        self.engine: Engine = migrate.engine_for(self.url)
        self._gazetteer = gazetteer
        self._unusable: dict[str, str] = {}
        self._placed: tuple | None = None
        migrate.upgrade(self.engine)
        self.users = Users(self.engine)
        if seed_file is not None:
            self.seed(seed_file, author=SEED_AUTHOR)

    @property
    def base_gazetteer(self) -> Gazetteer:
        """The bundled gazetteer (loaded when first needed), without this database's placings."""
        if self._gazetteer is None:
            self._gazetteer = Gazetteer.load()
        return self._gazetteer

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer claims are validated against: the bundled one with the villages
        people placed in this database."""
        version = self.placement_version()
        if self._placed is None or self._placed[0] != version:
            self._placed = (version, self.base_gazetteer.with_placements(self.placements()))
        return self._placed[1]

    # -- placing villages ----------------------------------------------------------
    def check_placement(self, place_id: int, lat, lon, *, author: str):
        """(place, lat, lon) validated; PlacementRejected naming the field otherwise."""
        return check_placement(self.base_gazetteer, place_id, lat, lon, author=author)

    def place(
        self, place_id: int, lat, lon, *, author: str | None = None, aliases=(), note: str = ""
    ) -> Placement:
        """Place a village at (lat, lon) for every user of this database: one batch of
        kind ``placing``. Raises PlacementRejected (with the reason) and writes nothing
        when the point is outside the village's oblast or the village cannot be placed;
        placing it again later adds a new placing, the earlier one kept as history."""
        author = os_author() if author is None else author
        place, lat, lon = self.check_placement(place_id, lat, lon, author=author)
        author = self.require(author, "add")
        placement = new_placement(place, lat, lon, author, aliases=aliases, note=note)
        with self._writing() as conn:
            batch = self._new_batch(conn, "placing", author, f"{place.name} ({place.oblast})")
            conn.execute(insert(schema.places), [row_from_placement(placement, batch)])
        return placement

    def placements(self, *, history: bool = False) -> list[Placement]:
        """Villages people placed: the placing in force for each (every row, withdrawn
        ones too, with ``history``)."""
        t = schema.places
        with self.engine.connect() as conn:
            rows = list(conn.execute(select(t).order_by(t.c.id)))
        items = [placement_from_row(r) for r in rows]
        if history:
            return items
        latest = {p.place_id: p for p in items}
        live = [p for p in latest.values() if not p.withdrawn]
        return sorted(live, key=lambda p: (p.placed_at, p.place_id))

    def placement_version(self) -> int:
        """Changes whenever a village is placed or a placing withdrawn (the newest row of
        the places table, which only grows)."""
        t = schema.places
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.max(t.c.id))) or 0)

    def require(self, author: str | None, action: str) -> str:
        """The author (the operating-system user when None) if they may do ``action``;
        :class:`~conflictmap.ledger.users.NotAllowed` otherwise. Every write calls it."""
        author = os_author() if author is None else author
        _text_arg(author, "author", AUTHOR_MAX)
        self.users.require(author, action)
        return author

    # -- the write lock ----------------------------------------------------------
    @contextmanager
    def _writing(self):
        with self.engine.connect() as conn:
            with migrate.begin_write(conn):
                yield conn

    def _new_batch(
        self, conn: Connection, kind: str, author: str, origin: str = "", reason: str = ""
    ) -> int:
        return conn.execute(
            insert(schema.batches).values(
                kind=kind,
                author=_text_arg(author, "author", AUTHOR_MAX),
                created_at=_now(),
                origin=_text_arg(origin, "origin", 1000, required=False),
                reason=_text_arg(reason, "reason", REASON_MAX, required=False),
            )
        ).inserted_primary_key[0]

    @staticmethod
    def _current_query():
        v = schema.claim_versions
        latest = (
            select(v.c.claim_id, func.max(v.c.version).label("top"))
            .group_by(v.c.claim_id)
            .subquery()
        )
        return select(v).join(
            latest, and_(v.c.claim_id == latest.c.claim_id, v.c.version == latest.c.top)
        )

    def _current_rows(self, conn: Connection, *, claim_ids=(), natural_ids=()) -> list:
        v = schema.claim_versions
        out = []
        claim_ids, natural_ids = list(claim_ids), list(natural_ids)
        for i in range(0, max(len(claim_ids), len(natural_ids)), _CHUNK):
            a, b = claim_ids[i : i + _CHUNK], natural_ids[i : i + _CHUNK]
            out += conn.execute(
                self._current_query().where(or_(v.c.claim_id.in_(a), v.c.natural_id.in_(b)))
            ).all()
        return out

    @staticmethod
    def _version_row(
        claim: Claim, claim_id: str, version: int, batch: int, author, now, reason, withdrawn
    ) -> dict:
        return {
            **_content(claim),
            "claim_id": claim_id,
            "version": version,
            "natural_id": claim.natural_id,
            "withdrawn": withdrawn,
            "batch_id": batch,
            "author": author,
            "created_at": now,
            "reason": reason,
        }

    def _store(
        self,
        conn: Connection,
        claims: Iterable[Claim],
        *,
        author: str,
        kind: str,
        origin: str,
        reason: str = "",
        seeding: bool = False,
        placements: Iterable[Placement] = (),
    ) -> AddResult:
        """Add, correct or skip each claim (and store the placings they carry) inside
        the caller's write transaction."""
        placements = list(placements)
        result = AddResult()
        unique: dict[str, Claim] = {}
        for c in claims:
            c = replace(c, stored_id="")
            if c.natural_id in unique:
                result.skipped.append(c)
            else:
                unique[c.natural_id] = c
        keys = list(unique)
        found: dict[str, object] = {}
        by_claim: dict[str, object] = {}
        for row in self._current_rows(conn, claim_ids=keys, natural_ids=keys):
            if row.natural_id in unique:
                found.setdefault(row.natural_id, row)
            if row.claim_id in unique:
                by_claim.setdefault(row.claim_id, row)
        kinds = {}
        if seeding and (found or by_claim):
            batch_ids = {r.batch_id for r in [*found.values(), *by_claim.values()]}
            b = schema.batches
            kinds = dict(conn.execute(select(b.c.id, b.c.kind).where(b.c.id.in_(batch_ids))).all())
        new, changed = [], []
        for key, c in unique.items():
            row = found.get(key) or by_claim.get(key)
            if row is None:
                new.append(c)
                continue
            stored = _claim_from_row(row)
            if row.withdrawn:
                result.withdrawn.append(stored)
            elif _same(stored, c):
                result.skipped.append(stored)
                result.present_in.add(row.batch_id)
            elif seeding and kinds.get(row.batch_id) not in ("seed", "upgrade"):
                # A person changed it since: the curated file does not overrule them.
                result.skipped.append(stored)
                result.present_in.add(row.batch_id)
            else:
                changed.append((row, c))
        if not new and not changed and not placements:
            return result
        author = _text_arg(author, "author", AUTHOR_MAX)
        batch = self._new_batch(conn, kind, author, origin, reason)
        if placements:
            conn.execute(insert(schema.places), [row_from_placement(p, batch) for p in placements])
        now = _now()
        versions = []
        if new:
            conn.execute(
                insert(schema.claims),
                [{**_content(c), "id": c.natural_id, "added_at": now} for c in new],
            )
            versions += [
                self._version_row(c, c.natural_id, 1, batch, author, now, reason, False)
                for c in new
            ]
        for row, c in changed:
            why = reason or f"stored again from {origin or 'an import'} with other details"
            versions.append(
                self._version_row(c, row.claim_id, row.version + 1, batch, author, now, why, False)
            )
        for i in range(0, len(versions), 1000):
            conn.execute(insert(schema.claim_versions), versions[i : i + 1000])
        result.batch = batch
        result.added = [replace(c, stored_id=c.natural_id) for c in new]
        result.corrected = [replace(c, stored_id=row.claim_id) for row, c in changed]
        return result

    # -- writing -----------------------------------------------------------------
    def add(
        self,
        claims: Iterable[Claim],
        *,
        author: str | None = None,
        kind: str = "import",
        origin: str = "",
        reason: str = "",
        placements: Iterable[Placement] = (),
    ) -> AddResult:
        """Add claims (and the placings of villages they carry) in one transaction and
        one batch.

        A claim already stored with the same details is skipped; with other details it
        becomes a new version (a correction); a withdrawn one stays withdrawn.
        """
        author = self.require(author, "add")
        claims = list(claims)
        with self._writing() as conn:
            return self._store(
                conn,
                claims,
                author=author,
                kind=kind,
                origin=origin,
                reason=reason,
                placements=placements,
            )

    def validate_records(
        self, records: list[dict], source: str = "input", *, gazetteer: Gazetteer | None = None
    ) -> list[Claim]:
        """Validate every record; raise ImportRejected listing every bad row."""
        gazetteer = gazetteer or self.gazetteer
        claims, errors = [], []
        for n, rec in enumerate(records, start=1):
            if not isinstance(rec, dict):
                errors.append((n, "not a record of claim fields"))
                continue
            try:
                claims.append(claim_from_record(rec, gazetteer))
            except ClaimError as exc:
                errors.append((n, str(exc)))
        if not records:
            errors.append((0, "no claims in the input"))
        if errors:
            raise ImportRejected(source, errors)
        return claims

    def import_records(
        self,
        records: list[dict],
        source: str = "input",
        *,
        author: str | None = None,
        kind: str = "import",
    ) -> AddResult:
        """Validate and add records all or nothing, as one batch.

        Records exported with the point of a village someone placed (``place_lat``,
        ``place_lon``, ``placed_by``, ``placed_at``) place it here too, unless it is
        placed here already (then this database's placing stands).
        """
        author = self.require(author, "add")
        here = self.placements()
        placed = {p.place_id for p in here}
        placements, errors = placements_from_records(self.base_gazetteer, records, placed)
        if errors:
            raise ImportRejected(source, errors)
        if placements:  # the claims are checked against the villages they place
            gazetteer = self.base_gazetteer.with_placements([*here, *placements])
            claims = self.validate_records(records, source, gazetteer=gazetteer)
        else:
            claims = self.validate_records(records, source)
        return self.add(claims, author=author, kind=kind, origin=source, placements=placements)

    def import_file(self, path: str | Path, *, author: str | None = None) -> AddResult:
        """Import a CSV, GeoJSON or JSON file of claims, all or nothing."""
        author = self.require(author, "add")
        path = Path(path)
        return self.import_records(read_claim_records(path), path.name, author=author)

    def enter(self, record: dict, *, author: str | None = None) -> AddResult:
        """Add one claim typed by hand (a batch of its own); ClaimError names a bad field."""
        author = self.require(author, "add")
        claim = claim_from_record(record, self.gazetteer)
        return self.add([claim], author=author, kind="hand", origin="entered by hand")

    def seed(self, path: Path = CLAIMS_FILE, *, author: str = SEED_AUTHOR) -> AddResult:
        """Add the curated claims file unless this version of it was seeded already.

        Claims a person has corrected or retracted since are left as they are; claims an
        earlier version of the file seeded that this version no longer has (a row given
        its URL, a claim taken out) are withdrawn, their history kept.
        """
        path = Path(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        key = f"seeded:{path.name}"
        meta = schema.meta
        with self.engine.connect() as conn:
            if conn.scalar(select(meta.c.value).where(meta.c.key == key)) == digest:
                return AddResult()
        author = self.require(author, "add")
        claims = self.validate_records(read_claim_records(path), path.name)
        with self._writing() as conn:
            if conn.scalar(select(meta.c.value).where(meta.c.key == key)) == digest:
                return AddResult()
            result = self._store(
                conn, claims, author=author, kind="seed", origin=path.name, seeding=True
            )
            self._retire_dropped_seed_claims(conn, path.name, claims, author, result)
            conn.execute(meta.delete().where(meta.c.key == key))
            conn.execute(insert(meta), [{"key": key, "value": digest}])
        return result

    def correct(
        self, claim_id: str, changes: dict, *, author: str | None = None, reason: str
    ) -> Claim:
        """A new version of a claim with ``changes`` (field -> value), validated like an
        import; ClaimError names a bad field, LookupError an unknown id. A withdrawn
        claim corrected is back in force."""
        author = self.require(author, "correct")
        reason = _text_arg(reason, "reason", REASON_MAX)
        unknown = sorted(set(changes) - set(CORRECTABLE))
        if unknown:
            raise ValueError(
                f"cannot change {', '.join(unknown)}; fields: {', '.join(CORRECTABLE)}"
            )
        with self._writing() as conn:
            row = self._one_current(conn, claim_id)
            before = _claim_from_row(row)
            record = {**before.as_record(), **changes}
            if "place" in changes or "oblast" in changes:
                record["place_id"] = None
            after = claim_from_record(record, self.gazetteer)
            if _same(before, after) and not row.withdrawn:
                raise ValueError(f"claim {claim_id}: the correction changes nothing")
            batch = self._new_batch(conn, "correction", author, f"claim {row.claim_id}", reason)
            conn.execute(
                insert(schema.claim_versions),
                [
                    self._version_row(
                        after, row.claim_id, row.version + 1, batch, author, _now(), reason, False
                    )
                ],
            )
        return replace(after, stored_id=row.claim_id)

    def _retire_dropped_seed_claims(
        self, conn: Connection, name: str, claims: list[Claim], author: str, result: AddResult
    ) -> None:
        """Withdraw the claims in force as an earlier seed of ``name`` left them that the
        file's current version does not hold (inside the seed's transaction)."""
        v, b = schema.claim_versions, schema.batches
        keys = {c.natural_id for c in claims}
        rows = conn.execute(
            self._current_query()
            .join(b, b.c.id == v.c.batch_id)
            .where(v.c.withdrawn.is_(False), b.c.kind == "seed", b.c.origin == name)
        ).all()
        dropped = [r for r in rows if r.natural_id not in keys and r.claim_id not in keys]
        if not dropped:
            return
        why = f"no longer in the curated claims file {name}"
        batch = result.batch or self._new_batch(conn, "seed", author, name, why)
        now = _now()
        versions = [
            self._version_row(
                _claim_from_row(r), r.claim_id, r.version + 1, batch, author, now, why, True
            )
            for r in dropped
        ]
        for i in range(0, len(versions), 1000):
            conn.execute(insert(schema.claim_versions), versions[i : i + 1000])
        result.batch = batch
        result.retired = [_claim_from_row(r) for r in dropped]

    def retract(self, claim_id: str, *, author: str | None = None, reason: str) -> Claim:
        """Withdraw a claim: it leaves the map, layers and exports; its history stays."""
        author = self.require(author, "retract")
        reason = _text_arg(reason, "reason", REASON_MAX)
        with self._writing() as conn:
            row = self._one_current(conn, claim_id)
            if row.withdrawn:
                raise ValueError(f"claim {row.claim_id} is withdrawn already")
            claim = _claim_from_row(row)
            batch = self._new_batch(conn, "retraction", author, f"claim {row.claim_id}", reason)
            conn.execute(
                insert(schema.claim_versions),
                [
                    self._version_row(
                        claim, row.claim_id, row.version + 1, batch, author, _now(), reason, True
                    )
                ],
            )
        return claim

    def undo(self, batch_id: int, *, author: str | None = None, reason: str = "") -> UndoResult:
        """Take back a whole batch: each claim it added is withdrawn, each it changed or
        withdrew is put back as it was before (unless changed again since), each
        assessment it stored is withdrawn (and each it withdrew is put back)."""
        author = self.require(author, "undo")
        v, a, r = schema.claim_versions, schema.assessments, schema.assessment_retractions
        with self._writing() as conn:
            target = conn.execute(
                select(schema.batches).where(schema.batches.c.id == int(batch_id))
            ).first()
            if target is None:
                raise LookupError(f"no batch {batch_id}")
            mine = conn.execute(select(v).where(v.c.batch_id == target.id)).all()
            current = {
                row.claim_id: row
                for row in self._current_rows(conn, claim_ids=[m.claim_id for m in mine])
            }
            earlier = {}
            wanted = [(m.claim_id, m.version - 1) for m in mine if m.version > 1]
            for i in range(0, len(wanted), _CHUNK):
                chunk = wanted[i : i + _CHUNK]
                cond = or_(*(and_(v.c.claim_id == c, v.c.version == n) for c, n in chunk))
                earlier |= {(e.claim_id, e.version): e for e in conn.execute(select(v).where(cond))}
            # Assessments this batch stored (still in force) or withdrew.
            retracted = set(conn.scalars(select(r.c.assessment_id)))
            stored_here = [
                i
                for i in conn.scalars(select(a.c.id).where(a.c.batch_id == target.id))
                if i not in retracted
            ]
            withdrawn_here = list(
                conn.scalars(select(r.c.assessment_id).where(r.c.batch_id == target.id))
            )
            placings = self._placings_to_undo(conn, target.id)
            result = UndoResult(batch=None)
            rows, now = [], _now()
            why = _text_arg(reason, "reason", REASON_MAX, required=False) or (
                f"undo of batch {target.id}"
            )
            for m in mine:
                cur = current[m.claim_id]
                if cur.version != m.version:
                    result.changed_since.append(m.claim_id)
                    continue
                if m.version == 1:
                    if m.withdrawn:
                        continue
                    back, withdrawn = _claim_from_row(m), True
                    result.withdrawn.append(m.claim_id)
                else:
                    prev = earlier[(m.claim_id, m.version - 1)]
                    back, withdrawn = _claim_from_row(prev), bool(prev.withdrawn)
                    (result.withdrawn if withdrawn else result.restored).append(m.claim_id)
                rows.append((back, m.claim_id, m.version + 1, withdrawn))
            if not rows and not stored_here and not withdrawn_here and not placings:
                return result
            batch = self._new_batch(conn, "undo", author, f"batch {target.id}", why)
            author = _text_arg(author, "author", AUTHOR_MAX)
            if rows:
                conn.execute(
                    insert(schema.claim_versions),
                    [
                        self._version_row(c, cid, n, batch, author, now, why, w)
                        for c, cid, n, w in rows
                    ],
                )
            if stored_here:
                conn.execute(
                    insert(r), [{"assessment_id": i, "batch_id": batch} for i in stored_here]
                )
            if withdrawn_here:  # put back: stored anew, as they were
                old = conn.execute(select(a).where(a.c.id.in_(withdrawn_here))).all()
                conn.execute(
                    insert(a),
                    [
                        {
                            "assessed_on": o.assessed_on,
                            "kind": o.kind,
                            "source": o.source,
                            "geometry_wkb": o.geometry_wkb,
                            "imported_at": now,
                            "batch_id": batch,
                        }
                        for o in old
                    ],
                )
            if placings:  # a placing undone is withdrawn; a withdrawal undone, put back
                conn.execute(
                    insert(schema.places),
                    [
                        row_from_placement(replace(p, withdrawn=not p.withdrawn), batch)
                        for p in placings
                    ],
                )
            result.assessments = len(stored_here) + len(withdrawn_here)
            result.placings = len(placings)
            result.batch = batch
        return result

    @staticmethod
    def _placings_to_undo(conn: Connection, batch_id: int) -> list[Placement]:
        """The placings a batch wrote that are still the latest of their village."""
        t = schema.places
        mine = conn.execute(select(t).where(t.c.batch_id == batch_id)).all()
        if not mine:
            return []
        ids = [m.place_id for m in mine]
        latest = dict(
            conn.execute(
                select(t.c.place_id, func.max(t.c.id))
                .where(t.c.place_id.in_(ids))
                .group_by(t.c.place_id)
            ).all()
        )
        return [placement_from_row(m) for m in mine if latest.get(m.place_id) == m.id]

    def _one_current(self, conn: Connection, claim_id: str):
        claim_id = str(claim_id).strip()
        rows = self._current_rows(conn, claim_ids=[claim_id])
        if not rows:
            raise LookupError(f"no claim with id {claim_id!r}")
        return rows[0]

    # -- reading -----------------------------------------------------------------
    def claims(
        self,
        *,
        place_id: int | None = None,
        claimant: str | None = None,
        controller: str | None = None,
        start: date | None = None,
        end: date | None = None,
        withdrawn: bool = False,
    ) -> list[Claim]:
        """Claims in force (their current versions), filtered, ordered by date, place and
        claimant; ``withdrawn=True`` gives the withdrawn ones instead."""
        t = schema.claim_versions
        q = self._current_query().where(t.c.withdrawn == bool(withdrawn))
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
        q = q.order_by(t.c.claim_date, t.c.place, t.c.claimant, t.c.claim_id)
        with self.engine.connect() as conn:
            return self._usable(_claim_from_row(r) for r in conn.execute(q))

    def _usable(self, claims) -> list[Claim]:
        """The claims a page can use; the others (stored by an older version, or whose
        place the gazetteer no longer has) are left out and noted for
        :meth:`unusable_records`."""
        first, last = date_range()
        gazetteer = self.gazetteer  # one look at the placings, not one per claim
        out = []
        for c in claims:
            if c.place_id not in gazetteer:
                why = f"place {c.place_id} is not in the gazetteer"
            elif not first <= c.claim_date <= last:
                why = f"its date is outside {first.isoformat()} .. {last.isoformat()}"
            else:
                out.append(c)
                continue
            label = f"claim {c.id} ({c.place}, {c.claimant}, {c.claim_date.isoformat()})"
            self._unusable[label] = f"left out: {why}"
        return out

    def get(self, claim_id: str) -> Version:
        """The current version of a claim (LookupError when there is none)."""
        history = self.history(claim_id)
        return history[-1]

    def history(self, claim_id: str) -> list[Version]:
        """Every version of a claim, oldest first, with who, when and why."""
        v, b = schema.claim_versions, schema.batches
        q = (
            select(v, b.c.kind, b.c.origin)
            .join(b, b.c.id == v.c.batch_id)
            .where(v.c.claim_id == str(claim_id).strip())
            .order_by(v.c.version)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        if not rows:
            raise LookupError(f"no claim with id {claim_id!r}")
        return [
            Version(
                r.claim_id,
                r.version,
                _claim_from_row(r),
                bool(r.withdrawn),
                r.batch_id,
                r.kind,
                r.author,
                r.created_at,
                r.reason,
                r.origin,
            )
            for r in rows
        ]

    def authorship(self) -> dict[str, tuple[str, datetime, int, str]]:
        """claim id -> (who entered it, when, how many versions, who wrote the latest)."""
        v = schema.claim_versions
        top = select(v.c.claim_id, func.max(v.c.version).label("n")).group_by(v.c.claim_id)
        with self.engine.connect() as conn:
            counts = dict(conn.execute(top).all())
            first = conn.execute(
                select(v.c.claim_id, v.c.author, v.c.created_at).where(v.c.version == 1)
            ).all()
            last = dict(
                conn.execute(
                    self._current_query().with_only_columns(v.c.claim_id, v.c.author)
                ).all()
            )
        return {
            cid: (who, at, int(counts.get(cid, 1)), last.get(cid, who)) for cid, who, at in first
        }

    def batches(self, limit: int | None = None) -> list[Batch]:
        """Every write, newest first, with what it did."""
        b, v, a = schema.batches, schema.claim_versions, schema.assessments
        r = schema.assessment_retractions
        claim_counts = select(
            v.c.batch_id,
            func.sum(case((v.c.version == 1, 1), else_=0)).label("added"),
            func.sum(case((and_(v.c.version > 1, v.c.withdrawn.is_(False)), 1), else_=0)).label(
                "changed"
            ),
            func.sum(case((v.c.withdrawn.is_(True), 1), else_=0)).label("withdrawn"),
        ).group_by(v.c.batch_id)
        q = select(b).order_by(b.c.id.desc())
        if limit:
            q = q.limit(int(limit))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
            counts = {x.batch_id: x for x in conn.execute(claim_counts)}
            stored = dict(
                conn.execute(select(a.c.batch_id, func.count()).group_by(a.c.batch_id)).all()
            )
            withdrawn = dict(
                conn.execute(select(r.c.batch_id, func.count()).group_by(r.c.batch_id)).all()
            )
            t = schema.places
            placed = dict(
                conn.execute(select(t.c.batch_id, func.count()).group_by(t.c.batch_id)).all()
            )
        out = []
        for x in rows:
            c = counts.get(x.id)
            out.append(
                Batch(
                    x.id,
                    x.kind,
                    x.author,
                    x.created_at,
                    x.origin,
                    x.reason,
                    int(c.added or 0) if c else 0,
                    int(c.changed or 0) if c else 0,
                    int(c.withdrawn or 0) if c else 0,
                    int(stored.get(x.id, 0)),
                    int(withdrawn.get(x.id, 0)),
                    int(placed.get(x.id, 0)),
                )
            )
        return out

    def batch_claims(self, batch_id: int) -> list[Version]:
        """The versions a batch wrote, with the claims as that batch left them."""
        v = schema.claim_versions
        with self.engine.connect() as conn:
            ids = list(conn.scalars(select(v.c.claim_id).where(v.c.batch_id == int(batch_id))))
        return [x for cid in ids for x in self.history(cid) if x.batch == int(batch_id)]

    def already_stored(self, records: list[dict]) -> list[str | None]:
        """For each record, the id of the claim in force it would be (None when new or
        invalid): what a report read again must not propose."""
        ids = []
        gazetteer = self.gazetteer
        for rec in records:
            try:
                ids.append(claim_from_record(rec, gazetteer).natural_id)
            except ClaimError:
                ids.append(None)
        wanted = [i for i in ids if i]
        with self.engine.connect() as conn:
            rows = self._current_rows(conn, natural_ids=wanted) if wanted else []
        live = {row.natural_id: row.claim_id for row in rows if not row.withdrawn}
        return [live.get(i) if i else None for i in ids]

    def count(self) -> int:
        """Number of claims in force."""
        q = self._current_query().where(schema.claim_versions.c.withdrawn.is_(False))
        with self.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(q.subquery()))

    def revision(self) -> int:
        """A number that grows with every write (the newest batch): cheap to poll."""
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.max(schema.batches.c.id))) or 0)

    def version(self) -> tuple[int, int]:
        """Changes whenever a claim is added, corrected or withdrawn, or a village placed
        (for caches): the newest claim version and placing. Both tables only ever grow
        (a correction or a withdrawal is a new row), so their newest ids say it, read
        from the primary keys (a count would read every row, several times a rerun)."""
        v = schema.claim_versions
        with self.engine.connect() as conn:
            newest = conn.scalar(select(func.max(v.c.id)))
        return int(newest or 0), self.placement_version()

    # -- exporting ---------------------------------------------------------------
    def export_csv(self, claims: list[Claim] | None = None) -> str:
        """CSV of claims (all in force by default), spreadsheet-safe."""
        claims = self.claims() if claims is None else claims
        placed = {p.place_id: p for p in self.placements()}
        if not any(c.place_id in placed for c in claims):
            return csv_text((c.as_record() for c in claims), RECORD_FIELDS)
        rows = ({**c.as_record(), **placement_fields(placed.get(c.place_id))} for c in claims)
        return csv_text(rows, RECORD_FIELDS + PLACEMENT_FIELDS)

    def export_geojson(self, claims: list[Claim] | None = None) -> dict:
        """GeoJSON FeatureCollection of claims (all in force by default) as points."""
        claims = self.claims() if claims is None else claims
        placed = {p.place_id: p for p in self.placements()}
        gaz = self.gazetteer
        features = []
        for c in claims:
            p = gaz.get(c.place_id)
            point = {"type": "Point", "coordinates": [p.lon, p.lat]} if p.mapped else None
            props = c.as_record()
            if c.place_id in placed:
                props.update(placement_fields(placed[c.place_id]))
            features.append({"type": "Feature", "properties": props, "geometry": point})
        return {"type": "FeatureCollection", "features": features}

    # -- assessments -------------------------------------------------------------
    def add_assessments(
        self, items: list[StoredAssessment], *, author: str | None = None, origin: str = ""
    ) -> int:
        """Store assessment geometries in one transaction and one batch. A newer one for
        the same date and kind is in force from now on; the one it replaces is kept."""
        t = schema.assessments
        author = self.require(author, "assess")
        if not items:
            return 0
        for a in items:
            why = geometry_problem(a.geometry)
            if why:
                raise ValueError(
                    f"assessment {a.assessed_on.isoformat()} {a.kind}: {why}; nothing stored"
                )
        with self._writing() as conn:
            batch = self._new_batch(conn, "assessment", author, origin[:1000])
            now = _now()
            conn.execute(
                insert(t),
                [
                    {
                        "assessed_on": a.assessed_on,
                        "kind": a.kind,
                        "source": a.source,
                        "geometry_wkb": shapely.to_wkb(a.geometry),
                        "imported_at": now,
                        "batch_id": batch,
                    }
                    for a in items
                ],
            )
        return len(items)

    def _in_force_ids(self, conn: Connection, kind=None, on=None) -> list[int]:
        t, r = schema.assessments, schema.assessment_retractions
        q = select(func.max(t.c.id)).where(t.c.id.not_in(select(r.c.assessment_id)))
        if kind:
            q = q.where(t.c.kind == kind)
        if on:
            q = q.where(t.c.assessed_on == on)
        return list(conn.scalars(q.group_by(t.c.assessed_on, t.c.kind)))

    def assessments(
        self, *, kind: str | None = None, on: date | None = None
    ) -> list[StoredAssessment]:
        """Assessments in force, oldest first; filtered by kind and exact date."""
        t = schema.assessments
        with self.engine.connect() as conn:
            ids = self._in_force_ids(conn, kind, on)
            q = select(t).where(t.c.id.in_(ids)).order_by(t.c.assessed_on, t.c.kind)
            rows = list(conn.execute(q)) if ids else []
        out = []
        for r in rows:
            geom, why = _stored_geometry(r.geometry_wkb)
            if why:
                self._unusable[_assessment_label(r)] = why
                continue
            out.append(StoredAssessment(r.assessed_on, r.kind, r.source, geom))
        return out

    def assessment_history(self, *, kind: str | None = None, on: date | None = None) -> list[dict]:
        """Every assessment ever stored, oldest first: id, date, kind, source, when,
        batch, and its status ("in force", "replaced" or "withdrawn")."""
        t, r = schema.assessments, schema.assessment_retractions
        q = select(
            t.c.id, t.c.assessed_on, t.c.kind, t.c.source, t.c.imported_at, t.c.batch_id
        ).order_by(t.c.assessed_on, t.c.kind, t.c.id)
        if kind:
            q = q.where(t.c.kind == kind)
        if on:
            q = q.where(t.c.assessed_on == on)
        with self.engine.connect() as conn:
            live = set(self._in_force_ids(conn, kind, on))
            gone = set(conn.scalars(select(r.c.assessment_id)))
            rows = conn.execute(q).all()
        return [
            {
                "id": x.id,
                "date": x.assessed_on,
                "kind": x.kind,
                "source": x.source,
                "imported_at": x.imported_at,
                "batch": x.batch_id,
                "status": "in force"
                if x.id in live
                else ("withdrawn" if x.id in gone else "replaced"),
            }
            for x in rows
        ]

    def assessment_geometry(self, assessment_id: int):
        """The geometry of any stored assessment, in force or not (LookupError if none)."""
        t = schema.assessments
        with self.engine.connect() as conn:
            wkb = conn.scalar(select(t.c.geometry_wkb).where(t.c.id == int(assessment_id)))
        if wkb is None:
            raise LookupError(f"no assessment {assessment_id}")
        return shapely.from_wkb(wkb)

    def unusable_records(self, *, scan: bool = True) -> list[str]:
        """Stored records left out because they cannot be used, each with its reason
        (e.g. an assessment stored by an older version with a coordinate of 1e308).
        Every page and export carries on without them; this says which they are.
        With ``scan=False``, only those met so far."""
        if scan:
            self.assessments()
        return [f"{label}: {why}" for label, why in sorted(self._unusable.items())]

    def assessment_dates(self) -> list[date]:
        """Dates with at least one assessment in force, oldest first."""
        t = schema.assessments
        with self.engine.connect() as conn:
            ids = self._in_force_ids(conn)
            if not ids:
                return []
            q = select(t.c.assessed_on).where(t.c.id.in_(ids)).distinct()
            return list(conn.scalars(q.order_by(t.c.assessed_on)))

    def assessment_version(self) -> tuple[int, int]:
        """Changes whenever assessments are stored or withdrawn (for caches)."""
        t, r = schema.assessments, schema.assessment_retractions
        with self.engine.connect() as conn:
            return (
                int(conn.scalar(select(func.max(t.c.id))) or 0),
                int(conn.scalar(select(func.count()).select_from(r)) or 0),
            )
