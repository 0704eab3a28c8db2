"""The pure forecasting module: method, intervals, backtest against the naive forecast."""

from __future__ import annotations

import random

import pytest

from skillspact.intelligence import forecasting


def monthly(values: list[float], start: str = "2023-01") -> list[tuple[str, float]]:
    return [(forecasting.month_add(start, index), value) for index, value in enumerate(values)]


def rising_share(months: int = 36, *, slope: float = 0.002, noise: float = 0.003, seed: int = 7):
    rng = random.Random(seed)
    return monthly([0.05 + slope * i + rng.gauss(0, noise) for i in range(months)])


def test_backtest_on_a_rising_share_with_noise_beats_naive_and_finds_the_trend() -> None:
    # given a share rising by 0.2 points a month (2.4 points a year) plus noise
    series = rising_share()

    # when it is forecast
    result = forecasting.forecast(series, horizon=36)

    # then the method beats repeating the last value on the held-back year
    assert result.method == forecasting.METHOD
    assert result.backtest.held_back == 12
    assert result.backtest.periods[0] == "2025-01"
    assert result.backtest.mae < result.backtest.mae_naive
    assert result.beats_naive is True
    # and the trend per year is near the truth (0.024)
    assert result.trend_per_year == pytest.approx(0.024, abs=0.003)
    # and the forecast keeps rising, less than in a straight line (damped)
    last = result.history[-1][1]
    in_a_year = result.points[11]["mean"]
    assert last < in_a_year < last + 0.024 + 0.01
    assert len(result.points) == 36
    assert result.points[0]["period"] == "2026-01"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rising_trend_is_found_whatever_the_noise_draw(seed: int) -> None:
    result = forecasting.forecast(rising_share(seed=seed))

    assert result.beats_naive is True
    assert result.trend_per_year == pytest.approx(0.024, abs=0.004)


def test_a_flat_noisy_series_that_drifts_is_not_beaten_and_the_naive_forecast_is_kept() -> None:
    # given a flat series that wanders without a trend (a random walk)
    rng = random.Random(4)
    level, values = 0.05, []
    for _month in range(36):
        level += rng.gauss(0, 0.003)
        values.append(level)

    # when it is forecast
    result = forecasting.forecast(monthly(values))

    # then the naive forecast did better on the held-back months, and is there to trust
    assert result.backtest.mae > result.backtest.mae_naive
    assert result.beats_naive is False
    assert all(point["naive"] == pytest.approx(values[-1], abs=1e-6) for point in result.points)


def test_a_trend_that_stopped_is_not_beaten_by_the_method() -> None:
    # given two years of rise, then a year flat at the level reached
    values = [0.05 + 0.002 * i for i in range(24)] + [0.05 + 0.002 * 23] * 12

    result = forecasting.forecast(monthly(values))

    assert result.backtest.mae_naive == 0.0
    assert result.beats_naive is False


def test_intervals_nest_around_the_forecast_and_stay_within_zero_and_one() -> None:
    # given a share falling towards zero
    rng = random.Random(3)
    series = monthly([max(0.0, 0.03 - 0.001 * i + rng.gauss(0, 0.002)) for i in range(36)])

    result = forecasting.forecast(series, horizon=24)

    for point in result.points:
        assert 0.0 <= point["lower_95"] <= point["lower_80"] <= point["mean"]
        assert point["mean"] <= point["upper_80"] <= point["upper_95"] <= 1.0
        assert 0.0 <= point["naive_lower_95"] <= point["naive"] <= point["naive_upper_95"] <= 1.0
    assert result.points[-1]["lower_95"] == 0.0


def test_a_series_shorter_than_two_years_is_refused() -> None:
    with pytest.raises(forecasting.TooShort):
        forecasting.forecast(rising_share(months=23))


def test_a_history_shorter_than_three_years_holds_back_a_third() -> None:
    result = forecasting.forecast(rising_share(months=27))

    assert result.backtest.held_back == 9
    assert len(result.backtest.actual) == 9


def test_missing_months_count_as_zero() -> None:
    filled = forecasting.fill_months([("2024-01", 0.1), ("2024-04", 0.2)])

    assert filled == [("2024-01", 0.1), ("2024-02", 0.0), ("2024-03", 0.0), ("2024-04", 0.2)]


def test_a_constant_series_is_named_so_and_does_not_beat_naive() -> None:
    result = forecasting.forecast(monthly([0.1] * 30))

    assert result.method == forecasting.CONSTANT
    assert result.beats_naive is False
    assert result.points[0]["mean"] == 0.1
    assert result.trend_per_year == 0.0


def test_survey_waves_give_a_change_and_no_forecast() -> None:
    change = forecasting.waves_change([("2025", 3.4), ("2026", 3.9)])

    assert change.change == pytest.approx(0.5)
    assert "not a history" in change.reason
    assert forecasting.waves_change([("2025", 3.4)]).change is None
