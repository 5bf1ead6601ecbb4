"""The dashboard's inline SVG charts: sized to their data, labels escaped."""

from bot.console import charts


def test_labels_are_escaped_and_values_drawn():
    svg = str(charts.horizontal_bars([("<b>hours</b>", 3), ("pricing", 1)], 'Top "topics"'))
    assert "&lt;b&gt;hours&lt;/b&gt;" in svg and "<b>" not in svg
    assert 'aria-label="Top &#34;topics&#34;"' in svg and svg.count("<rect") == 2


def test_stacked_columns_have_one_stack_per_day_and_a_legend():
    svg = str(charts.stacked_columns(["01 Jun", "02 Jun"], {"Web chat": [2, 0], "SMS": [1, 3]}, "per day"))
    assert svg.count("<rect") == 3 + 2  # three non-zero parts, two legend keys
    assert "02 Jun: SMS 3" in svg


def test_split_bars_share_each_row():
    svg = str(charts.split_bars([("hours", (3, 1))], ("alone", "staff"), "shares"))
    assert "hours: alone 3 of 4" in svg and "hours: staff 1 of 4" in svg
