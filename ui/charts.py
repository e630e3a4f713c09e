"""Charts for the pages (Altair, which ships with Streamlit)."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from conflictmap.render import styles
from ui.tables import CLAIMANTS, CONTROLLERS


def timeline_chart(rows: pd.DataFrame, as_of: date | None = None) -> alt.LayerChart:
    """One row per claimant, a mark per claim (colour: who holds it; circle: all of it,
    diamond: part of it), labelled with what was claimed; a dashed rule at ``as_of``."""
    df = rows.assign(
        date=pd.to_datetime(rows["date"]),
        holder=rows["controller"].map(CONTROLLERS).fillna(rows["controller"]),
        label=[f"{c} ×{n}" if n > 1 else c for c, n in zip(rows["claim"], rows["sources"])],
    )
    colours = alt.Scale(
        domain=list(CONTROLLERS.values()), range=[styles.CONTROLLER_COLOURS[k] for k in CONTROLLERS]
    )
    span = (df["date"].max() - df["date"].min()).days if len(df) else 0
    axis = alt.Axis(
        format="%d %b %Y",
        labelAngle=0,
        tickCount={"interval": "day", "step": max(1, span // 8)} if span <= 62 else alt.Undefined,
    )
    # Room on the right for the last labels, and a little on the left.
    first, last = (df["date"].min(), df["date"].max()) if len(df) else (None, None)
    pad = pd.Timedelta(days=max(1, span * 0.3)) if len(df) else None
    domain = [(first - pad / 4).isoformat(), (last + pad).isoformat()] if len(df) else alt.Undefined
    base = alt.Chart(df).encode(
        x=alt.X("date:T", title="Claim date", axis=axis, scale=alt.Scale(domain=domain)),
        y=alt.Y("claimant:N", title=None, sort=list(CLAIMANTS.values())),
        yOffset=alt.YOffset("claim:N"),
        tooltip=[
            alt.Tooltip("date:T", format="%Y-%m-%d"),
            "claimant:N",
            "claim:N",
            "who:N",
            "publishers:N",
            alt.Tooltip("sources:Q", title="sources"),
        ],
    )
    points = base.mark_point(size=180, filled=True, opacity=0.9).encode(
        color=alt.Color("holder:N", scale=colours, title="Held by"),
        shape=alt.Shape(
            "extent:N",
            title="Claim",
            scale=alt.Scale(domain=["full", "partial"], range=["circle", "diamond"]),
        ),
    )
    text = base.mark_text(align="left", dx=12, fontSize=12).encode(text="label:N")
    layers = [points, text]
    if as_of is not None:
        rule = (
            alt.Chart(pd.DataFrame({"date": [pd.Timestamp(as_of)]}))
            .mark_rule(strokeDash=[6, 4], color="#555")
            .encode(x="date:T")
        )
        layers.append(rule)
    n_rows = max(1, rows["claimant"].nunique() if len(rows) else 1)
    return (
        alt.layer(*layers)
        .properties(height=40 + 110 * n_rows)
        .configure_legend(orient="bottom", direction="horizontal")
    )
