"""Placing villages: a places table of the settlements people placed (KATOTTG code,
oblast, raion, point, who, when, the batch), one row per placing, never changed.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "places",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("place_id", sa.Integer, nullable=False, index=True),
        sa.Column("katottg", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("aliases", sa.Text, nullable=False),
        sa.Column("oblast", sa.String(100), nullable=False),
        sa.Column("raion", sa.String(100), nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("placed_at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("withdrawn", sa.Boolean, nullable=False),
        sa.Column("batch_id", sa.Integer, index=True),
    )


def downgrade() -> None:
    raise NotImplementedError("placings are never dropped")
