"""The dashboard: every meter with its value, bounds and a sparkline; hidden ones as estimates; the danger
zones where a meter ends the game, and a warning under a meter that nears one."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

from textual.content import Content
from textual.widget import Widget

from game.debrief import format_number, format_shown, sparkline
from game.engine import StatView
from game.stakes import Warning, Zone

WARNING_MARK = "⚠"


@dataclass(frozen=True)
class Meter:
    """One row of the dashboard: what the player sees now and the history to chart."""

    view: StatView
    series: tuple[float, ...]
    zones: tuple[Zone, ...] = field(default=())
    warning: Warning | None = None


def zone_text(view: StatView, zone: Zone) -> str:
    """'Political capital ≤ 0: The resignation letter' (with its condition, if it has one)."""
    condition = f" if {zone.condition_text}" if zone.condition else ""
    return f"{view.label} {zone.describe(view.min, view.max)}{condition}: {zone.title}"


def warning_text(view: StatView, warning: Warning) -> str:
    """'near ≤ 0 (8 away): The resignation letter', said of a hidden stat's band as such."""
    where = warning.zone.describe(view.min, view.max)
    if warning.distance <= 0:
        return f"{WARNING_MARK} {'may be at' if warning.estimated else 'at'} {where}: {warning.zone.title}"
    away = format_shown(warning.distance, view.min, view.max)
    return f"{WARNING_MARK} near {where} ({'band ' if warning.estimated else ''}{away} away): {warning.zone.title}"


def meter_value(view: StatView) -> str:
    """'42', or for a hidden stat '≈45±25': the estimate and the half-width of its band."""
    if view.hidden:
        band = (view.high - view.low) / 2
        return f"≈{format_shown(view.value, view.min, view.max)}±{format_shown(band, view.min, view.max)}"
    return format_shown(view.value, view.min, view.max)


def meter_bounds(view: StatView) -> str:
    bounds = f"/{format_number(view.max)}" if view.min == 0 else f" {format_number(view.min)}–{format_number(view.max)}"
    return bounds + view.unit


def meter_lines(meters: Sequence[Meter], width: int) -> list[Content]:
    """The dashboard laid out for a width. A long label wraps under itself rather than lose words;
    the sparkline is dropped before the labels get cramped."""
    if not meters:
        return []
    numbers_width = max(len(meter_value(m.view)) + len(meter_bounds(m.view)) for m in meters)
    longest_label = max(len(m.view.label) for m in meters)
    room = width - numbers_width - 2
    spark_width = max(0, min(10, room - longest_label))
    if spark_width < 5:
        spark_width = 5 if room - 5 >= 18 else 0
    lines = []
    for meter in meters:
        view = meter.view
        value, bounds = meter_value(view), meter_bounds(view)
        # numbers sit right-aligned against the sparkline; the label has what is left of its line
        label_width = max(6, width - len(value) - len(bounds) - 1 - (spark_width + 1 if spark_width else 0))
        label_lines = textwrap.wrap(view.label, label_width) or [""]
        for extra in label_lines[:-1]:
            lines.append(Content(extra))
        spark = sparkline(meter.series, view.min, view.max, spark_width) if spark_width else ""
        style = "italic $text-warning" if view.hidden else "bold"
        lines.append(Content.assemble(
            f"{label_lines[-1]:<{label_width}} ",
            (value, "bold $text-error" if meter.warning else style),
            (bounds, "dim"),
            (f" {spark:<{spark_width}}" if spark_width else "", "$text-accent"),
        ))
        if meter.warning is not None:
            for line in textwrap.wrap(warning_text(view, meter.warning), max(8, width - 2)):
                lines.append(Content.styled(f"  {line}", "bold $text-error"))
    zoned = [(m.view, zone) for m in meters for zone in m.zones]
    if zoned:
        lines.append(Content.styled("Ends the game", "bold dim"))
        for view, zone in zoned:
            for number, line in enumerate(textwrap.wrap(zone_text(view, zone), max(8, width - 2))):
                lines.append(Content.styled(("  " if number else "") + line, "dim"))
    return lines


class Dashboard(Widget):
    """The meters, a line each (two for a long label at a narrow width)."""

    DEFAULT_CSS = """
    Dashboard {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._meters: tuple[Meter, ...] = ()

    def show(self, meters: Sequence[Meter]) -> None:
        self._meters = tuple(meters)
        self.refresh(layout=True)

    @property
    def meters(self) -> tuple[Meter, ...]:
        return self._meters

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return len(meter_lines(self._meters, width))

    def render(self) -> Content:
        return Content("\n").join(meter_lines(self._meters, self.content_region.width or self.size.width))
