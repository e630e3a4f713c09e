"""Command groups of ``python -m conflictmap``, one module each."""
