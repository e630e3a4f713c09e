"""A layer's change from one date's payload to another's, for the live map.

A date of the whole front draws some 12,000 shapes, and a step of the slider changes a
few hundred of them. So once the map's frame shows a date, the next one is sent as the
change from it: the rows that are new or differ, and the shapes that are gone. Every
payload has a token (a hash of its text); a delta names the token it applies to
(``base``), the token it makes (``token``) and where the whole payload can be fetched
(``full``) by a frame that does not show ``base`` (it missed a render). The browser's
side is ``conflictmap.claimLayer`` in ``static/conflictmap.js``.

A delta is only made from a payload this process has sent lately (:func:`remember`);
otherwise the caller sends the whole payload.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict

_TEXTS: OrderedDict[str, str] = OrderedDict()  # token -> payload text, newest last
_TEXTS_MAX = 64  # a few dates of every layer, for every session of the process
_ROWS: OrderedDict[str, dict] = OrderedDict()  # token -> rows by shape
_ROWS_MAX = 16
_TEXT_FIELDS = 5  # summary, date, organisation, label, note


def token_of(payload: str) -> str:
    """The token of a payload text: the first 16 hex digits of its SHA-1.

    >>> token_of('{"rows":[]}')
    'fbc7d62a3474154d'
    """
    return hashlib.sha1(payload.encode()).hexdigest()[:16]


def _put(cache: OrderedDict, key, value, limit: int) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > limit:
        cache.popitem(last=False)


def remember(token: str, payload: str) -> None:
    """Keep a payload that is being sent, so a delta can be made from it later."""
    _put(_TEXTS, token, payload, _TEXTS_MAX)


def rows_by_shape(payload: dict) -> dict[str, tuple]:
    """A :func:`conflictmap.render.mapview.layer_rows` payload as ``{"<place id>|<part>":
    (place id, part, style, texts..., geometry)}`` with every index resolved (the style
    as its JSON, the texts as the row has them, trailing empty ones left out, the
    geometry None when the bank has it): two payloads' rows are equal when they draw
    the same."""
    text = payload["strings"].__getitem__
    styles = [json.dumps(s, sort_keys=True) for s in payload["styles"]]
    out = {}
    for raw in payload["rows"]:
        if isinstance(raw[-1], dict):  # a GeoJSON geometry: the bank lacks the shape
            geometry, texts = json.dumps(raw[-1], separators=(",", ":")), raw[3:-1]
        else:
            geometry, texts = None, raw[3:]
        part = text(raw[1])
        out[f"{raw[0]}|{part}"] = (raw[0], part, styles[raw[2]], *map(text, texts), geometry)
    return out


def _rows_of(token: str) -> dict[str, tuple] | None:
    rows = _ROWS.get(token)
    if rows is None:
        text = _TEXTS.get(token)
        if text is None:
            return None
        rows = rows_by_shape(json.loads(text))
        _put(_ROWS, token, rows, _ROWS_MAX)
    return rows


def encode(key: str, pane: str, rows: list[tuple]) -> dict:
    """Resolved rows (as :func:`rows_by_shape` gives them) in the compact form of
    ``layer_rows``: texts and styles as indexes, trailing empty texts left out."""
    strings: dict[str, int] = {"": 0}
    styles: dict[str, int] = {}
    out = []
    for pid, part, style, *texts, geometry in rows:
        item = [pid, strings.setdefault(part, len(strings)), styles.setdefault(style, len(styles))]
        item += [strings.setdefault(t, len(strings)) for t in texts]
        if geometry is not None:  # after every text, as layer_rows puts it
            item += [0] * (3 + _TEXT_FIELDS - len(item))
            item.append(json.loads(geometry))
        else:
            while len(item) > 3 and item[-1] == 0:
                item.pop()
        out.append(item)
    return {
        "key": key,
        "pane": pane,
        "styles": [json.loads(s) for s in styles],
        "strings": list(strings),
        "rows": out,
    }


def delta(key: str, pane: str, base: str, token: str, full: str) -> dict | None:
    """The change of layer ``key`` from the payload of token ``base`` to that of
    ``token`` (both :func:`remember`-ed): ``rows`` new or drawn differently, ``drop``
    the shapes gone, and ``full``, where the frame can fetch the whole payload of
    ``token``. None when either payload is no longer kept."""
    old, new = _rows_of(base), _rows_of(token)
    if old is None or new is None:
        return None
    out = encode(key, pane, [row for k, row in new.items() if old.get(k) != row])
    out.update(base=base, token=token, full=full, drop=[k for k in old if k not in new])
    return out
