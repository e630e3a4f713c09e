"""Text folded for name matching, with a map back to the original offsets.

Place names are looked up by their normalised key (:func:`conflictmap.places.translit.name_key`:
lower case, no accents, no apostrophes, hyphens and dots as spaces). A text is folded
the same way, character by character, so that a match in the folded text can be
turned back into offsets in the text a person pasted.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from .translit import APOSTROPHES

_DROP = "\x00"
_SPACES = "-‐‑–—_./\t\r\n\f\v\u00a0\u2009\u202f"
_table: dict[int, str] = {}


def _fold_char(ch: str) -> str:
    """One folded character (or the drop marker) for one character of text."""
    if ch in APOSTROPHES:
        return _DROP
    if ch in _SPACES or ch.isspace():
        return " "
    if ch in "ёЁ":
        return "е"
    if ch in "йЙїЇ":
        return ch.lower()
    low = ch.lower()
    if len(low) != 1:
        low = ch
    base = unicodedata.normalize("NFKD", low)
    if base and base[0].isascii() and base[0].isalpha():
        return base[0]
    return low if len(low) == 1 else ch


def _ensure(text: str) -> None:
    missing = set(text).difference(map(chr, _table))
    for ch in missing:
        _table[ord(ch)] = _fold_char(ch)


_POSSESSIVE = re.compile(r"[" + re.escape(APOSTROPHES) + r"](?=s\b)", re.IGNORECASE)
_REMOVE = re.compile(_DROP + r"+| (?= )")


@dataclass(frozen=True)
class FoldedText:
    """A folded copy of a text and the offsets needed to map positions back."""

    original: str
    folded: str
    removed: tuple[int, ...]  # folded positions before which characters were removed
    shift: tuple[int, ...]  # cumulative count of removed characters at those positions

    def to_original(self, pos: int) -> int:
        """The offset in the original text of folded position ``pos``."""
        i = bisect_right(self.removed, pos)
        return pos + (self.shift[i - 1] if i else 0)

    def to_original_end(self, pos: int) -> int:
        """The original offset just after the character at folded position ``pos - 1``."""
        return self.to_original(pos - 1) + 1 if pos > 0 else 0


def fold(text: str) -> FoldedText:
    """Fold ``text`` like :func:`name_key` folds a name, keeping offsets.

    A possessive apostrophe ("Pokrovsk's") becomes a space so that the name still ends
    at a word boundary; other apostrophes vanish ("Kup'yansk" -> "kupyansk").

    >>> f = fold("Near Kup'yansk’s  edge")
    >>> f.folded
    'near kupyansk s edge'
    >>> f.original[f.to_original(5):f.to_original(13)]
    "Kup'yansk"
    """
    _ensure(text)
    marked = _POSSESSIVE.sub(" ", text)
    folded = marked.translate(_table)
    removed: list[int] = []
    shift: list[int] = []
    pieces: list[str] = []
    last = 0
    total = 0
    for m in _REMOVE.finditer(folded):
        pieces.append(folded[last : m.start()])
        total += m.end() - m.start()
        removed.append(m.start() - (total - (m.end() - m.start())))
        shift.append(total)
        last = m.end()
    pieces.append(folded[last:])
    return FoldedText(text, "".join(pieces), tuple(removed), tuple(shift))
