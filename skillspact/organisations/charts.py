"""Figures for the directory, as plain Plotly JSON that plotly.js draws offline."""

from __future__ import annotations

import json

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
    """A horizontal bar chart of the `top` largest values."""
    # Plain dicts: building plotly.graph_objects figures costs milliseconds per page.
    figure = {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": values[:top][::-1],
                "y": labels[:top][::-1],
                "marker": {"color": BAR_COLOUR},
                "hovertemplate": "%{y}: %{x:,}<extra></extra>",
            }
        ],
        "layout": {
            **LAYOUT,
            "title": {"text": title},
            "yaxis": {"automargin": True},
            "xaxis": {"rangemode": "tozero"},
        },
    }
    return json.dumps(figure)


def members_line_json(series: list[tuple[str, int]]) -> str:
    """The number of member organisations over time."""
    figure = {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [month for month, _count in series],
                "y": [count for _month, count in series],
                "line": {"color": "#0f7b5f", "width": 3},
                "hovertemplate": "%{x}: %{y}<extra></extra>",
            }
        ],
        "layout": {**LAYOUT, "title": {"text": _("Member organisations over time")}},
    }
    return json.dumps(figure)
