"""History, never loss: batches, claim versions, assessments kept when replaced.

Every claim already stored becomes version 1 of itself, in one batch of kind
"upgrade"; the assessments already stored join that batch. The unique date-and-kind
constraint on assessments goes: a newer upload for a date and kind is added beside the
one it replaces.

Revision ID: 0002
Revises: 0001
"""

import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DETAILS = [
    "place_id",
    "place",
    "claimant",
    "claimant_org",
    "controller",
    "extent",
    "fraction",
    "part",
    "claim_date",
    "source_publisher",
    "source_url",
    "source_published",
    "source_title",
    "note",
]


def natural_id(row) -> str:
    """A frozen copy of Claim.natural_id as of this revision."""
    published = row["source_published"].isoformat() if row["source_published"] else ""
    source = row["source_url"] or f"{row['source_publisher']} | {published}"
    key = (row["place_id"], row["claimant"], row["controller"], row["claim_date"].isoformat())
    key += (source,)
    if not row["source_url"]:
        key += (" ".join((row["claimant_org"] or "").split()).casefold(),)
    return hashlib.sha1("\x1f".join(map(str, key)).encode("utf-8")).hexdigest()[:16]


def upgrade() -> None:
    batches = op.create_table(
        "batches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("origin", sa.String(1000), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    versions = op.create_table(
        "claim_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("claim_id", sa.String(16), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("natural_id", sa.String(16), nullable=False, index=True),
        sa.Column("withdrawn", sa.Boolean, nullable=False),
        sa.Column("batch_id", sa.Integer, nullable=False, index=True),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("place_id", sa.Integer, nullable=False, index=True),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("claimant", sa.String(8), nullable=False),
        sa.Column("claimant_org", sa.String(300), nullable=False),
        sa.Column("controller", sa.String(10), nullable=False),
        sa.Column("extent", sa.String(10)),
        sa.Column("fraction", sa.Float),
        sa.Column("part", sa.String(20)),
        sa.Column("claim_date", sa.Date, nullable=False),
        sa.Column("source_publisher", sa.String(300), nullable=False),
        sa.Column("source_url", sa.String(1000), nullable=False),
        sa.Column("source_published", sa.Date),
        sa.Column("source_title", sa.String(300), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.UniqueConstraint("claim_id", "version", name="uq_claim_version"),
    )
    op.create_table(
        "assessment_retractions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("assessment_id", sa.Integer, nullable=False, index=True),
        sa.Column("batch_id", sa.Integer, nullable=False, index=True),
    )
    with op.batch_alter_table("assessments") as batch:
        batch.drop_constraint("uq_assessment_date_kind", type_="unique")
        batch.add_column(sa.Column("batch_id", sa.Integer))
        batch.create_index("ix_assessments_batch_id", ["batch_id"])

    bind = op.get_bind()
    types = {"place_id": sa.Integer, "fraction": sa.Float, "added_at": sa.DateTime}
    types |= {"claim_date": sa.Date, "source_published": sa.Date}
    claims = sa.table(
        "claims", *(sa.column(c, types.get(c, sa.String)) for c in ["id", "added_at", *DETAILS])
    )
    rows = [r._mapping for r in bind.execute(sa.select(claims).order_by(claims.c.added_at))]
    n_assessments = bind.scalar(sa.text("SELECT count(*) FROM assessments"))
    if not rows and not n_assessments:
        return
    now = datetime.now(UTC).replace(tzinfo=None)
    batch_id = bind.execute(
        sa.insert(batches).values(
            kind="upgrade",
            author="upgrade",
            created_at=now,
            origin="stored before the ledger kept history",
            reason="",
        )
    ).inserted_primary_key[0]
    out = [
        {
            **{c: r[c] for c in DETAILS},
            "claim_id": r["id"],
            "version": 1,
            "natural_id": natural_id(r),
            "withdrawn": False,
            "batch_id": batch_id,
            "author": "unknown (stored before the ledger kept history)",
            "created_at": r["added_at"],
            "reason": "",
        }
        for r in rows
    ]
    for i in range(0, len(out), 1000):
        bind.execute(sa.insert(versions), out[i : i + 1000])
    bind.execute(sa.text("UPDATE assessments SET batch_id = :b"), {"b": batch_id})


def downgrade() -> None:
    raise NotImplementedError("history is never dropped")
