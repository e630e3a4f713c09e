"""What a claim says, as the tables write it: ``(place, claimant, controller, *details)``
where a detail is a part («north»), a share (0.45), ``"partial"`` or the claim's date.
Without details a claim is about the whole place on the day of publication; contested
claims have no extent."""

from __future__ import annotations

from datetime import date

Key = tuple[str, str, str, str | None, str | None, float | None, date]


def expected(spec: set[tuple], published: date) -> set[Key]:
    """The full keys of the claims a table row expects."""
    out = set()
    for name, claimant, controller, *details in spec:
        extent = None if controller == "CONTESTED" else "full"
        part = fraction = None
        when = published
        for d in details:
            if isinstance(d, date):
                when = d
            elif isinstance(d, float):
                fraction, extent = d, "partial"
            elif d == "partial":
                extent = "partial"
            else:
                part, extent = d, "partial"
        if controller == "CONTESTED":
            extent = None  # a contested place has no extent, even in a part of it
        out.add((name, claimant, controller, extent, part, fraction, when))
    return out


def found(extraction) -> set[Key]:
    """The full keys of the claims the reader proposed."""
    return {
        (
            c.place.name,
            c.claimant,
            c.controller,
            c.extent,
            c.part,
            None if c.fraction is None else round(c.fraction, 2),
            c.date,
        )
        for c in extraction.claims
    }
