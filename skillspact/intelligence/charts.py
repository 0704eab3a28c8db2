"""The survey results charts, as plain Plotly JSON that the vendored plotly.js draws offline.

Every chart is drawn from figures its page also shows as a table, with the sample sizes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from skillspact.organisations.charts import LAYOUT

if TYPE_CHECKING:
    from skillspact.intelligence.results import MatrixRow, WaveComparison

BLUE = "#0b4f8a"
GREEN = "#0f7b5f"
ORANGE = "#b35c00"
GREY = "#6b7280"
COLOURS = [BLUE, GREEN, ORANGE, "#6a3d9a", "#8c564b"]


def choices_json(title: str, options: list[tuple[str, int]]) -> str:
    """Horizontal bars: how many answers chose each option (the first option on top)."""
    figure = {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [count for _label, count in options][::-1],
                "y": [label for label, _count in options][::-1],
                "marker": {"color": BLUE},
                "hovertemplate": "%{y}: %{x:,}<extra></extra>",
            }
        ],
        "layout": {
            **LAYOUT,
            "height": max(200, 60 + 32 * len(options)),
            "title": {"text": title},
            "yaxis": {"automargin": True},
            "xaxis": {"rangemode": "tozero", "title": {"text": _("Answers")}},
        },
    }
    return json.dumps(figure)


def scale_json(title: str, steps: list[tuple[str, int]]) -> str:
    """Vertical bars, one per step of the scale (a histogram of a discrete scale)."""
    figure = {
        "data": [
            {
                "type": "bar",
                "x": [step for step, _count in steps],
                "y": [count for _step, count in steps],
                "marker": {"color": GREEN},
                "hovertemplate": "%{x}: %{y:,}<extra></extra>",
            }
        ],
        "layout": {
            **LAYOUT,
            "title": {"text": title},
            "xaxis": {"type": "category", "title": {"text": _("Answer")}},
            "yaxis": {"rangemode": "tozero", "title": {"text": _("Answers")}},
        },
    }
    return json.dumps(figure)


def histogram_json(title: str, values: list[float]) -> str:
    """A histogram of the numbers given."""
    figure = {
        "data": [
            {
                "type": "histogram",
                "x": values,
                "marker": {"color": GREEN},
                "hovertemplate": "%{x}: %{y:,}<extra></extra>",
            }
        ],
        "layout": {
            **LAYOUT,
            "title": {"text": title},
            "xaxis": {"title": {"text": _("Answer")}},
            "yaxis": {"rangemode": "tozero", "title": {"text": _("Answers")}},
        },
    }
    return json.dumps(figure)


def matrix_scatter_json(title: str, rows: list[MatrixRow], *, element: int = 0) -> str:
    """Proficiency (x) against importance (y), one point per skill sized by its sample, with
    the four quadrants named; small samples are drawn hollow and named in the hover text."""
    points = [
        row
        for row in rows
        if row.proficiency.value is not None and row.importance.value is not None
    ]
    largest = max((row.n for row in points), default=1) or 1
    data: list[dict[str, Any]] = []
    for is_small, name, symbol in (
        (False, _("Skill"), "circle"),
        (True, _("Skill, fewer than 10 answers"), "circle-open"),
    ):
        subset = [row for row in points if row.is_small == is_small]
        if not subset:
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": name,
                "x": [row.proficiency.value for row in subset],
                "y": [row.importance.value for row in subset],
                "text": [row.label for row in subset],
                "textposition": "top center",
                "customdata": [row.n for row in subset],
                "marker": {
                    "size": [12 + 28 * row.n / largest for row in subset],
                    "color": ORANGE if is_small else BLUE,
                    "symbol": symbol,
                    "line": {"width": 2, "color": ORANGE if is_small else BLUE},
                },
                "hovertemplate": "%{text}<br>"
                + _("proficiency")
                + " %{x:.2f} · "
                + _("importance")
                + " %{y:.2f} · n=%{customdata}<extra></extra>",
            }
        )
    corner = {"showarrow": False, "font": {"color": GREY, "size": 11}}
    figure = {
        "data": data,
        "layout": {
            **LAYOUT,
            "height": 480,
            "title": {"text": title},
            "xaxis": {
                "range": [0.8, 5.4],
                "dtick": 1,
                "title": {"text": _("Mean proficiency (1-5)")},
            },
            "yaxis": {
                "range": [0.8, 5.6],
                "dtick": 1,
                "title": {"text": _("Mean importance (1-5)")},
            },
            "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
            "legend": {"orientation": "h", "y": -0.2},
            "shapes": [
                {
                    "type": "line",
                    "x0": 3,
                    "x1": 3,
                    "y0": 0.8,
                    "y1": 5.6,
                    "line": {"dash": "dot", "color": GREY},
                },
                {
                    "type": "line",
                    "x0": 0.8,
                    "x1": 5.4,
                    "y0": 3,
                    "y1": 3,
                    "line": {"dash": "dot", "color": GREY},
                },
            ],
            "annotations": [
                {
                    **corner,
                    "x": 1.0,
                    "y": 5.5,
                    "xanchor": "left",
                    "text": _("Gap: important, low proficiency"),
                },
                {
                    **corner,
                    "x": 5.3,
                    "y": 5.5,
                    "xanchor": "right",
                    "text": _("Strength: important, proficient"),
                },
                {**corner, "x": 1.0, "y": 0.9, "xanchor": "left", "text": _("Low priority")},
                {
                    **corner,
                    "x": 5.3,
                    "y": 0.9,
                    "xanchor": "right",
                    "text": _("Proficient, less important"),
                },
            ],
        },
    }
    return json.dumps(figure)


def waves_json(comparison: WaveComparison) -> str:
    """Mean importance of each skill, one group of bars per skill and one bar per wave."""
    data = []
    for index, wave in enumerate(comparison.waves):
        name = wave.wave or wave.title
        data.append(
            {
                "type": "bar",
                "name": name,
                "x": [row.label for row in comparison.rows],
                "y": [row.cells[index].importance.value for row in comparison.rows],
                "customdata": [row.cells[index].importance.n for row in comparison.rows],
                "marker": {"color": COLOURS[index % len(COLOURS)]},
                "hovertemplate": "%{x}: %{y:.2f} (n=%{customdata})<extra>" + name + "</extra>",
            }
        )
    figure = {
        "data": data,
        "layout": {
            **LAYOUT,
            "title": {"text": _("Mean importance by wave")},
            "barmode": "group",
            "yaxis": {"range": [0, 5], "title": {"text": _("Mean importance (1-5)")}},
            "xaxis": {"automargin": True},
            "legend": {"orientation": "h", "y": -0.25},
        },
    }
    return json.dumps(figure)
