"""The KPI charts, as plain Plotly JSON that the vendored plotly.js draws offline.

Every chart is drawn from rows its page also shows as a table, so the figures never reach
the chart alone; suppressed rows are left out of both.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from skillspact.organisations.charts import LAYOUT, bar_json

__all__ = ["bar_json", "progress_json", "years_json"]
BLUE = "#0b4f8a"
GREEN = "#0f7b5f"
ORANGE = "#b35c00"
CONFIG = {"displaylogo": False, "responsive": True}


def years_json(title: str, years: list[int], series: list[tuple[str, list[int | None]]]) -> str:
    """Grouped vertical bars, one group per year (e.g. people trained and reached)."""
    colours = [BLUE, GREEN, ORANGE]
    figure = {
        "data": [
            {
                "type": "bar",
                "name": name,
                "x": [str(year) for year in years],
                "y": values,
                "marker": {"color": colours[index % len(colours)]},
                "hovertemplate": "%{x}: %{y:,}<extra>" + name + "</extra>",
            }
            for index, (name, values) in enumerate(series)
        ],
        "layout": {
            **LAYOUT,
            "title": {"text": title},
            "barmode": "group",
            "xaxis": {"type": "category"},
            "legend": {"orientation": "h", "y": -0.15},
        },
    }
    return json.dumps(figure)


def progress_json(points: list[tuple[int, int | None, int]], target: int = 0) -> str:
    """Cumulative people trained against the cumulative pledge, up to 2030 (and the target)."""
    years = [str(year) for year, _trained, _pledged in points]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": _("People trained (cumulative)"),
            "x": years,
            "y": [trained for _year, trained, _pledged in points],
            "line": {"color": BLUE, "width": 3},
            "hovertemplate": "%{x}: %{y:,}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": _("Pledged by published commitments (cumulative)"),
            "x": years,
            "y": [pledged for _year, _trained, pledged in points],
            "line": {"color": GREEN, "width": 2, "dash": "dash"},
            "hovertemplate": "%{x}: %{y:,}<extra></extra>",
        },
    ]
    if target:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Partnership target for 2030"),
                "x": years,
                "y": [target] * len(years),
                "line": {"color": ORANGE, "width": 1, "dash": "dot"},
                "hovertemplate": "%{y:,}<extra></extra>",
            }
        )
    figure = {
        "data": data,
        "layout": {
            **LAYOUT,
            "title": {"text": _("Progress toward 2030: people trained")},
            "xaxis": {"type": "category"},
            "yaxis": {"rangemode": "tozero"},
            "legend": {"orientation": "h", "y": -0.15},
        },
    }
    return json.dumps(figure)
