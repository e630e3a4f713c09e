"""Database tables (SQLAlchemy Core). Works on SQLite and PostgreSQL alike.

Nothing here is updated in place or deleted. ``claims`` holds each claim as it was
first stored (its id is the claim's natural id then); ``claim_versions`` holds every
version of it, the first included: a correction adds a version, a retraction adds a
version marked withdrawn. The current state of a claim is its highest version.
Every write belongs to a ``batches`` row (who, when, what it came from). An
assessment replaced by a newer one for the same date and kind stays stored; one
withdrawn by an undo is listed in ``assessment_retractions``.

The tables are created and changed by the Alembic migrations in
``conflictmap/ledger/migrations`` (a test checks that the two agree).
"""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# Each claim as first stored (never changed afterwards).
claims = Table(
    "claims",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("place_id", Integer, nullable=False, index=True),
    Column("place", String(200), nullable=False),
    Column("claimant", String(8), nullable=False),
    Column("claimant_org", String(300), nullable=False, default=""),
    Column("controller", String(10), nullable=False),
    Column("extent", String(10)),
    Column("fraction", Float),
    Column("part", String(20)),
    Column("claim_date", Date, nullable=False, index=True),
    Column("source_publisher", String(300), nullable=False, default=""),
    Column("source_url", String(1000), nullable=False, default=""),
    Column("source_published", Date),
    Column("source_title", String(300), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("added_at", DateTime, nullable=False),
)

# One row per write: an import, a review submission, a hand entry, an assessment
# upload, a correction, a retraction, an undo.
batches = Table(
    "batches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),
    Column("author", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("origin", String(1000), nullable=False, default=""),
    Column("reason", Text, nullable=False, default=""),
)

# Every version of every claim; the current one is the highest version.
claim_versions = Table(
    "claim_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_id", String(16), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("natural_id", String(16), nullable=False, index=True),
    Column("withdrawn", Boolean, nullable=False, default=False),
    Column("batch_id", Integer, nullable=False, index=True),
    Column("author", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("place_id", Integer, nullable=False, index=True),
    Column("place", String(200), nullable=False),
    Column("claimant", String(8), nullable=False),
    Column("claimant_org", String(300), nullable=False, default=""),
    Column("controller", String(10), nullable=False),
    Column("extent", String(10)),
    Column("fraction", Float),
    Column("part", String(20)),
    Column("claim_date", Date, nullable=False),
    Column("source_publisher", String(300), nullable=False, default=""),
    Column("source_url", String(1000), nullable=False, default=""),
    Column("source_published", Date),
    Column("source_title", String(300), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    UniqueConstraint("claim_id", "version", name="uq_claim_version"),
)

# Independent assessments (DeepStateMap and the like): one geometry per upload, date and
# kind. The one in force for a date and kind is the newest not withdrawn.
assessments = Table(
    "assessments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assessed_on", Date, nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("source", String(300), nullable=False, default=""),
    Column("geometry_wkb", LargeBinary, nullable=False),
    Column("imported_at", DateTime, nullable=False),
    Column("batch_id", Integer, index=True),
)

assessment_retractions = Table(
    "assessment_retractions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assessment_id", Integer, nullable=False, index=True),
    Column("batch_id", Integer, nullable=False, index=True),
)

# Villages people placed: the register knows them (KATOTTG) but GeoNames gives no
# coordinates. One row per placing, written in a batch; the latest row of a place is in
# force (a withdrawn one takes the place off the map), earlier ones stay as history.
places = Table(
    "places",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("place_id", Integer, nullable=False, index=True),
    Column("katottg", String(32), nullable=False, default=""),
    Column("name", String(200), nullable=False),
    Column("aliases", Text, nullable=False, default=""),
    Column("oblast", String(100), nullable=False, default=""),
    Column("raion", String(100), nullable=False, default=""),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("author", String(200), nullable=False),
    Column("placed_at", DateTime, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("withdrawn", Boolean, nullable=False, default=False),
    Column("batch_id", Integer, index=True),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

# People who may sign in, and their role. Never deleted (history names them): disabled.
users = Table(
    "users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(10), nullable=False),
    # An argon2 hash with its own salt; empty for someone who signs in only through the
    # newsroom's identity provider.
    Column("password_hash", String(200), nullable=False, default=""),
    Column("email", String(320), unique=True),  # lower case; the identity provider's email
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
)

# Every change to a user (created, role, password, disabled, enabled): who, when, what.
user_changes = Table(
    "user_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, index=True),
    Column("change", String(20), nullable=False),
    Column("value", String(320), nullable=False, default=""),
    Column("changed_by", String(100), nullable=False),
    Column("changed_at", DateTime, nullable=False),
)
