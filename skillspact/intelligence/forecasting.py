"""Demand forecasts of one monthly series, with prediction intervals and an honest backtest.

Pure: numpy, pandas and statsmodels (imported inside the functions), no Django. The forecasts
task feeds it series such as "share of job ads asking for skill X per month" and stores what it
returns.

The method
----------
Holt's linear exponential smoothing with a damped additive trend, in its state-space form
(statsmodels `ETSModel(error="add", trend="add", damped_trend=True)`, fitted by maximum
likelihood). The level follows the data, the slope follows the level, and the damping factor
(0.8 to 0.98) makes the slope fade with the horizon, so a trend is never extended in a straight
line for three years. The series stays monthly: aggregating to quarters would leave eight to
twelve points for three years of ads, too few to fit and to backtest. No seasonal component:
three years hold too few cycles to estimate twelve seasonal terms beside the trend; the seasonal
ups and downs end up in the intervals instead.

Prediction intervals (80 % and 95 %) are the model's exact analytic intervals for additive
errors; every value is clipped to the valid range (a share lies in [0, 1]).

The backtest
------------
The last 12 months (a third of the history when it has fewer than 36 months) are held back, the
method is refitted on the rest and forecasts the held-back months; so does the naive forecast
(the last value seen, repeated). Both errors are reported as MAE and as MASE (the MAE divided by
the in-sample MAE of the one-step naive forecast on the fitting months: below 1 means better
than the naive method would have done one step ahead). The method "beats naive" when its MAE on
the held-back months is lower than the naive MAE. When it does not, the naive forecast (with
random-walk intervals) is the one to trust, and the pages say so.

Trend per year is the least-squares slope of the last 24 months of history, times twelve: what
the data did, independent of the model, used to rank rising and falling series.

Survey waves are not a history: two or three waves give a change between waves
(`waves_change`), never a forecast.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

MIN_HISTORY = 24
HELD_BACK = 12
TREND_WINDOW = 24
METHOD = "Holt damped trend (ETS A,Ad,N)"
NAIVE = "Naive (last value)"
CONSTANT = "Constant (no variation in the history)"
# z-values of the two-sided 80 % and 95 % normal intervals.
Z80 = 1.2815515655446004
Z95 = 1.959963984540054


class TooShort(ValueError):
    """The series has fewer months than the minimum history."""


@dataclass
class Backtest:
    """How the method and the naive forecast did on held-back months."""

    held_back: int
    periods: list[str]
    actual: list[float]
    method: list[float]
    naive: list[float]
    mae: float
    mae_naive: float
    mase: float | None
    mase_naive: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "held_back": self.held_back,
            "periods": self.periods,
            "actual": self.actual,
            "method": self.method,
            "naive": self.naive,
            "mae": self.mae,
            "mae_naive": self.mae_naive,
            "mase": self.mase,
            "mase_naive": self.mase_naive,
        }


@dataclass
class Result:
    """A fitted forecast: the points, the backtest, and what to trust."""

    method: str
    history: list[tuple[str, float]]
    points: list[dict[str, Any]]
    backtest: Backtest
    beats_naive: bool
    trend_per_year: float
    parameters: dict[str, float] = field(default_factory=dict)


def month_add(period: str, months: int) -> str:
    """ "2025-11" plus 3 months -> "2026-02"."""
    year, month = (int(part) for part in period[:7].split("-"))
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> int:
    """How many months from `first` to `last` ("2024-01", "2024-03" -> 2)."""
    y1, m1 = (int(part) for part in first[:7].split("-"))
    y2, m2 = (int(part) for part in last[:7].split("-"))
    return (y2 * 12 + m2) - (y1 * 12 + m1)


def fill_months(series: list[tuple[str, float]], *, fill: float = 0.0) -> list[tuple[str, float]]:
    """The series sorted by month with every missing month between the first and the last
    given `fill` (a month without ads is a share of 0)."""
    if not series:
        return []
    values = {period[:7]: float(value) for period, value in series}
    ordered = sorted(values)
    span = months_between(ordered[0], ordered[-1])
    return [
        (month_add(ordered[0], step), values.get(month_add(ordered[0], step), fill))
        for step in range(span + 1)
    ]


def held_back_months(length: int) -> int:
    """12 months, or a third of a history shorter than 36 months."""
    return HELD_BACK if length >= 3 * HELD_BACK else max(1, length // 3)


def trend_per_year(values: list[float]) -> float:
    """Least-squares slope of the last 24 values, per year (12 steps)."""
    import numpy as np

    window = np.asarray(values[-TREND_WINDOW:], dtype=float)
    if len(window) < 2:
        return 0.0
    steps = np.arange(len(window), dtype=float)
    slope = np.polyfit(steps, window, 1)[0]
    return float(slope * 12)


def forecast(
    series: list[tuple[str, float]],
    *,
    horizon: int = 36,
    bounds: tuple[float, float] | None = (0.0, 1.0),
    min_history: int = MIN_HISTORY,
) -> Result:
    """Fit the method to a monthly series of (month "YYYY-MM", value), backtest it against the
    naive forecast and forecast `horizon` months ahead with 80 % and 95 % intervals.

    Raises TooShort for fewer than `min_history` months (after filling gaps with 0)."""
    history = fill_months(series)
    if len(history) < min_history:
        raise TooShort(f"{len(history)} months of history; {min_history} needed")
    if not 1 <= horizon <= 120:
        raise ValueError("horizon must be 1 to 120 months")
    periods = [period for period, _value in history]
    values = [value for _period, value in history]

    held = held_back_months(len(values))
    fit_part, test_part = values[:-held], values[-held:]
    method_fit = _fit(fit_part, held, bounds)
    naive_fit = [fit_part[-1]] * held
    mae = _mae(test_part, method_fit.means)
    mae_naive = _mae(test_part, naive_fit)
    scale = _naive_scale(fit_part)
    backtest = Backtest(
        held_back=held,
        periods=periods[-held:],
        actual=_rounded(test_part),
        method=_rounded(method_fit.means),
        naive=_rounded(naive_fit),
        mae=_round(mae),
        mae_naive=_round(mae_naive),
        mase=_round(mae / scale) if scale > 0 else None,
        mase_naive=_round(mae_naive / scale) if scale > 0 else None,
    )
    beats_naive = method_fit.method == METHOD and mae < mae_naive

    final = _fit(values, horizon, bounds)
    naive = _naive_forecast(values, horizon, bounds)
    points = []
    for step in range(horizon):
        points.append(
            {
                "period": month_add(periods[-1], step + 1),
                "mean": _round(final.means[step]),
                "lower_80": _round(final.lower_80[step]),
                "upper_80": _round(final.upper_80[step]),
                "lower_95": _round(final.lower_95[step]),
                "upper_95": _round(final.upper_95[step]),
                "naive": _round(naive.means[step]),
                "naive_lower_80": _round(naive.lower_80[step]),
                "naive_upper_80": _round(naive.upper_80[step]),
                "naive_lower_95": _round(naive.lower_95[step]),
                "naive_upper_95": _round(naive.upper_95[step]),
            }
        )
    return Result(
        method=final.method,
        history=[(period, _round(value)) for period, value in history],
        points=points,
        backtest=backtest,
        beats_naive=beats_naive,
        trend_per_year=_round(trend_per_year(values)),
        parameters=final.parameters,
    )


@dataclass
class WavesChange:
    """The change between the first and the last survey wave; no forecast."""

    waves: list[tuple[str, float]]
    change: float | None
    reason: str = "Survey waves are not a history: too few points to fit or test a trend."


def waves_change(waves: list[tuple[str, float]]) -> WavesChange:
    """The change from the first to the last wave (in wave order as given)."""
    if len(waves) < 2:
        return WavesChange(waves=list(waves), change=None)
    return WavesChange(waves=list(waves), change=_round(waves[-1][1] - waves[0][1]))


# -- internals ---------------------------------------------------------------------------------


@dataclass
class _Fit:
    method: str
    means: list[float]
    lower_80: list[float]
    upper_80: list[float]
    lower_95: list[float]
    upper_95: list[float]
    parameters: dict[str, float] = field(default_factory=dict)


def _fit(values: list[float], horizon: int, bounds: tuple[float, float] | None) -> _Fit:
    """The damped-trend model's forecast; a constant series (or a failed fit) gets the naive
    forecast, named as such."""
    import numpy as np

    array = np.asarray(values, dtype=float)
    if float(np.ptp(array)) == 0.0:
        fit = _naive_forecast(values, horizon, bounds)
        fit.method = CONSTANT
        return fit
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = ETSModel(pd.Series(array), error="add", trend="add", damped_trend=True)
            fitted = model.fit(disp=False, maxiter=500)
            prediction = fitted.get_prediction(start=len(array), end=len(array) + horizon - 1)
            frame95 = prediction.summary_frame(alpha=0.05)
            frame80 = prediction.summary_frame(alpha=0.20)
    except (ValueError, np.linalg.LinAlgError, FloatingPointError):
        return _naive_forecast(values, horizon, bounds)
    means = frame95["mean"].to_numpy()
    if not np.all(np.isfinite(means)):
        return _naive_forecast(values, horizon, bounds)
    return _Fit(
        method=METHOD,
        means=_clip(means, bounds),
        lower_80=_clip(frame80["pi_lower"].to_numpy(), bounds),
        upper_80=_clip(frame80["pi_upper"].to_numpy(), bounds),
        lower_95=_clip(frame95["pi_lower"].to_numpy(), bounds),
        upper_95=_clip(frame95["pi_upper"].to_numpy(), bounds),
        parameters={
            "alpha": _round(float(fitted.smoothing_level)),
            "beta": _round(float(fitted.smoothing_trend)),
            "phi": _round(float(fitted.damping_trend)),
        },
    )


def _naive_forecast(values: list[float], horizon: int, bounds: tuple[float, float] | None) -> _Fit:
    """The last value repeated, with random-walk intervals (the spread of monthly changes
    growing with the square root of the horizon)."""
    import numpy as np

    array = np.asarray(values, dtype=float)
    changes = np.diff(array)
    sigma = float(np.sqrt(np.mean(changes**2))) if len(changes) else 0.0
    last = float(array[-1])
    steps = np.arange(1, horizon + 1, dtype=float)
    spread = sigma * np.sqrt(steps)
    means = np.full(horizon, last)
    return _Fit(
        method=NAIVE,
        means=_clip(means, bounds),
        lower_80=_clip(means - Z80 * spread, bounds),
        upper_80=_clip(means + Z80 * spread, bounds),
        lower_95=_clip(means - Z95 * spread, bounds),
        upper_95=_clip(means + Z95 * spread, bounds),
    )


def _clip(array: Any, bounds: tuple[float, float] | None) -> list[float]:
    import numpy as np

    if bounds is not None:
        array = np.clip(array, bounds[0], bounds[1])
    return [float(value) for value in array]


def _mae(actual: list[float], predicted: list[float]) -> float:
    return sum(abs(a - p) for a, p in zip(actual, predicted, strict=True)) / len(actual)


def _naive_scale(values: list[float]) -> float:
    """In-sample MAE of the one-step naive forecast (the MASE denominator)."""
    if len(values) < 2:
        return 0.0
    return sum(abs(values[i] - values[i - 1]) for i in range(1, len(values))) / (len(values) - 1)


def _round(value: float) -> float:
    return 0.0 if not math.isfinite(value) else round(float(value), 6)


def _rounded(values: list[float]) -> list[float]:
    return [_round(value) for value in values]
