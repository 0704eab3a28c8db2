"""Plotly figures for the directory, built on the server and drawn by plotly.js offline."""

from __future__ import annotations

import plotly.graph_objects as go
from django.utils.translation import gettext as _

LAYOUT = {
    "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
    "height": 320,
    "font": {"family": "system-ui, sans-serif", "size": 12},
    "paper_bgcolor": "#ffffff",
    "plot_bgcolor": "#ffffff",
}
BAR_COLOUR = "#0b4f8a"


def bar_json(title: str, labels: list[str], values: list[int], *, top: int = 15) -> str:
    """A horizontal bar chart of the `top` largest values, as Plotly JSON."""
    labels, values = labels[:top][::-1], values[:top][::-1]
    figure = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker_color=BAR_COLOUR,
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    figure.update_layout(title=title, yaxis={"automargin": True}, **LAYOUT)
    return str(figure.to_json())


def members_line_json(series: list[tuple[str, int]]) -> str:
    """The number of member organisations over time, as Plotly JSON."""
    figure = go.Figure(
        go.Scatter(
            x=[month for month, _count in series],
            y=[count for _month, count in series],
            mode="lines+markers",
            line={"color": "#0f7b5f", "width": 3},
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    figure.update_layout(title=_("Member organisations over time"), **LAYOUT)
    return str(figure.to_json())
