"""Alembic environment: run the migrations on the connection :mod:`..migrate` hands over.

The caller holds the database's migration lock and the transaction; nothing here opens
a connection of its own.
"""

from alembic import context

from conflictmap.ledger.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
