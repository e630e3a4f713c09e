"""Charts for the pages (Altair, which ships with Streamlit)."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from conflictmap import styles

from .tables import CLAIMANTS, CONTROLLERS


def timeline_chart(rows: pd.DataFrame, as_of: date | None = None) -> alt.LayerChart:
    """One row per claimant, a mark per claim (colour: who holds it; filled: all of it,
    hollow: part of it), labelled with what was claimed; a dashed rule at ``as_of``."""
    df = rows.assign(date=pd.to_datetime(rows["date"]),
                     holder=rows["controller"].map(CONTROLLERS).fillna(rows["controller"]),
                     label=[f"{c} ×{n}" if n > 1 else c
                            for c, n in zip(rows["claim"], rows["sources"])])
    colours = alt.Scale(domain=list(CONTROLLERS.values()),
                        range=[styles.CONTROLLER_COLOURS[k] for k in CONTROLLERS])
    base = alt.Chart(df).encode(
        x=alt.X("date:T", title="Claim date", axis=alt.Axis(format="%d %b %Y")),
        y=alt.Y("claimant:N", title=None, sort=list(CLAIMANTS.values())),
        yOffset=alt.YOffset("claim:N"),
        tooltip=[alt.Tooltip("date:T", format="%Y-%m-%d"), "claimant:N", "claim:N",
                 "who:N", "publishers:N", alt.Tooltip("sources:Q", title="sources")],
    )
    points = base.mark_point(size=180, strokeWidth=3).encode(
        color=alt.Color("holder:N", scale=colours, title="Held by"),
        fill=alt.condition(alt.datum.extent == "full",
                           alt.Color("holder:N", scale=colours, legend=None),
                           alt.value("white")),
        shape=alt.Shape("extent:N", title="Claim",
                        scale=alt.Scale(domain=["full", "partial"], range=["circle", "diamond"])),
    )
    text = base.mark_text(align="left", dx=12, fontSize=12).encode(text="label:N")
    layers = [points, text]
    if as_of is not None:
        rule = alt.Chart(pd.DataFrame({"date": [pd.Timestamp(as_of)]})).mark_rule(
            strokeDash=[6, 4], color="#555").encode(x="date:T")
        layers.append(rule)
    n_rows = max(1, rows["claimant"].nunique() if len(rows) else 1)
    return alt.layer(*layers).properties(height=70 + 70 * n_rows)
