"""conflictmap: territorial-control claims in the war in Ukraine, as data.

The domain package behind the conflict-claims map. It knows the places (``places``),
the claims and their sources (``claims``, ``ledger``), and what the claims say on a
given date (``control``). It never imports Streamlit, so everything here can be
tested, scripted and reused without a browser.
"""

__version__ = "0.1.0"
