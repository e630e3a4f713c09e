"""The tables as version 0.2.0 made them with metadata.create_all (a frozen copy).

A database made by that version has these tables and no alembic_version table; it is
stamped with this revision and upgraded from here.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def tables(metadata: sa.MetaData) -> None:
    """Today's (0.2.0) table definitions, never to change: tests build old databases with them."""
    sa.Table(
        "claims",
        metadata,
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("place_id", sa.Integer, nullable=False, index=True),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("claimant", sa.String(8), nullable=False),
        sa.Column("claimant_org", sa.String(300), nullable=False, default=""),
        sa.Column("controller", sa.String(10), nullable=False),
        sa.Column("extent", sa.String(10)),
        sa.Column("fraction", sa.Float),
        sa.Column("part", sa.String(20)),
        sa.Column("claim_date", sa.Date, nullable=False, index=True),
        sa.Column("source_publisher", sa.String(300), nullable=False, default=""),
        sa.Column("source_url", sa.String(1000), nullable=False, default=""),
        sa.Column("source_published", sa.Date),
        sa.Column("source_title", sa.String(300), nullable=False, default=""),
        sa.Column("note", sa.Text, nullable=False, default=""),
        sa.Column("added_at", sa.DateTime, nullable=False),
    )
    sa.Table(
        "assessments",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("assessed_on", sa.Date, nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("source", sa.String(300), nullable=False, default=""),
        sa.Column("geometry_wkb", sa.LargeBinary, nullable=False),
        sa.Column("imported_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("assessed_on", "kind", name="uq_assessment_date_kind"),
    )
    sa.Table(
        "meta",
        metadata,
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def upgrade() -> None:
    metadata = sa.MetaData()
    tables(metadata)
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata = sa.MetaData()
    tables(metadata)
    metadata.drop_all(op.get_bind())
