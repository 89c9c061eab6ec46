"""Inline SVG charts for the HTML class report, drawn in Python: the page needs no script
and no chart library to show them, and loads nothing from anywhere.

Each chart carries stable hooks for scripts and tests: the histogram's bars are
`g.bin[data-low][data-high][data-count]`, the pass-rate bars `g.pass-rate[data-question]
[data-value]`, and each curve of a plot `g.curve[data-label][data-segments]`. Every text
goes through `html.escape` (control characters shown as escapes); no `style` attribute
is written (the page's Content-Security-Policy admits only its own style sheet), colours
are presentation attributes.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from checker.model.overview import AnswerPlot, Curve, QuestionStats, ScoreBin
from checker.model.printable import printable
from checker.render.class_data import points

WIDTH = 640
# Answer curves: colour and dash pattern both differ, so the lines stay apart in greyscale
# and for readers who do not tell these colours apart.
PALETTE = ("#c0392b", "#1f77b4", "#e67e22", "#2ca02c", "#8e44ad", "#7f6a00")
DASHES = ("7 4", "2 3", "9 3 2 3", "4 4", "12 4", "1 2")
TRUTH_COLOUR = "#111111"


def number(value: float) -> str:
    """A count or points as the JSON report gives them (whole points without `.0`)."""
    return str(points(value))


def percent(rate: float) -> str:
    return f"{rate * 100:.0f}%"


def escape(text: str, quote: bool = True) -> str:
    """`html.escape`, after control characters are shown as escapes (`printable`): an ESC
    or a bidi override a student typed never reaches the page as itself."""
    return html.escape(printable(text), quote)


def attr(value: object) -> str:
    return escape(str(value), quote=True)


def _f(value: float) -> str:
    """A coordinate: short, and never `-0`."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def people_count(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


# --- histogram ----------------------------------------------------------------------------


def histogram_svg(bins: Sequence[ScoreBin]) -> str:
    """People per range of total points: one bar per bin, its count written above it."""
    height, left, right, top, bottom = 230, 36, 12, 22, 40
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    base = top + plot_h
    most = max((b.count for b in bins), default=0)
    out = [f'<svg id="histogram" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
           f'width="{WIDTH}" height="{height}" aria-labelledby="histogram-title" '
           f'xmlns="http://www.w3.org/2000/svg">',
           '<title id="histogram-title">People per range of total points</title>',
           f'<line class="axis" x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" '
           'stroke="#555"/>']
    if not bins:
        out.append(f'<text x="{WIDTH // 2}" y="{top + plot_h // 2}" text-anchor="middle">'
                   'no graded files</text></svg>')
        return "".join(out)
    for tick in _ticks(0, most, 4) if most else ():
        if tick != int(tick):
            continue
        y = base - plot_h * tick / most
        out.append(f'<text class="tick" x="{left - 6}" y="{_f(y + 4)}" text-anchor="end">'
                   f'{int(tick)}</text>')
    slot = plot_w / len(bins)
    label_every = max(1, math.ceil(56 / slot))
    for i, b in enumerate(bins):
        last = i == len(bins) - 1
        span = f"[{number(b.low)}, {number(b.high)}{']' if last else ')'}"
        h = plot_h * b.count / most if most else 0.0
        x, centre = left + i * slot + slot * 0.1, left + (i + 0.5) * slot
        out.append(f'<g class="bin" data-low="{number(b.low)}" data-high="{number(b.high)}" '
                   f'data-count="{b.count}"><title>{attr(people_count(b.count))} scored '
                   f'{attr(span)} points</title>'
                   f'<rect x="{_f(x)}" y="{_f(base - h)}" width="{_f(slot * 0.8)}" '
                   f'height="{_f(h)}" fill="#4a78b0"/>'
                   f'<text class="count" x="{_f(centre)}" y="{_f(base - h - 5)}" '
                   f'text-anchor="middle">{b.count}</text>')
        if i % label_every == 0 or last:
            out.append(f'<text class="label" x="{_f(centre)}" y="{base + 16}" '
                       f'text-anchor="middle">{attr(number(b.low))}–{attr(number(b.high))}</text>')
        out.append("</g>")
    out.append(f'<text class="axis-title" x="{left + plot_w // 2}" y="{height - 4}" '
               'text-anchor="middle">total points</text></svg>')
    return "".join(out)


# --- pass rate per question ---------------------------------------------------------------


def pass_rate_svg(questions: Sequence[QuestionStats]) -> str:
    """One horizontal bar per question: the share of readable files that are verified."""
    row, left, top, right = 22, 96, 8, 150
    height = top * 2 + row * max(len(questions), 1)
    full = WIDTH - left - right
    out = [f'<svg id="pass-rates" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
           f'width="{WIDTH}" height="{height}" aria-labelledby="pass-rates-title" '
           'xmlns="http://www.w3.org/2000/svg">',
           '<title id="pass-rates-title">Pass rate per question (verified over readable files)</title>']
    for i, q in enumerate(questions):
        y = top + i * row
        width = full * q.pass_rate
        out.append(f'<g class="pass-rate" data-question="{attr(q.id)}" '
                   f'data-value="{round(q.pass_rate, 4)}">'
                   f'<title>{attr(q.id)}: {q.verified} of {people_count(q.people)} verified '
                   f'({percent(q.pass_rate)})</title>'
                   f'<text class="label" x="{left - 8}" y="{y + 15}" text-anchor="end">{attr(q.id)}</text>'
                   f'<rect class="track" x="{left}" y="{y + 3}" width="{full}" height="{row - 6}" '
                   'fill="#e8e8e8"/>'
                   f'<rect class="bar" x="{left}" y="{y + 3}" width="{_f(width)}" height="{row - 6}" '
                   'fill="#2e8b57"/>'
                   f'<text class="value" x="{_f(left + full + 8)}" y="{y + 15}">'
                   f'{percent(q.pass_rate)} ({q.verified}/{q.people})</text></g>')
    out.append("</svg>")
    return "".join(out)


# --- answers against the truth ------------------------------------------------------------


def line_chart_svg(plot: AnswerPlot, index: int) -> str:
    """The truth and each answer over the plot's variable; an undefined value breaks a line.

    The vertical range follows the truth (widened to show answers near it); an answer that
    leaves that range is cut at the chart's edge rather than squashing the truth flat."""
    height, left, right, top, bottom = 300, 56, 14, 12, 36
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    x0, x1 = _range([x for x in plot.xs if math.isfinite(x)])
    y0, y1 = _value_range(plot.truth, plot.answers)

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * plot_w

    def py(y: float) -> float:
        # Far outside points are pulled in a little: the clip path hides them either way.
        return min(max(top + (y1 - y) / (y1 - y0) * plot_h, top - 4 * plot_h), top + 5 * plot_h)

    clip = f"plot-clip-{index}"
    out = [f'<svg class="chart line-chart" role="img" viewBox="0 0 {WIDTH} {height}" '
           f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
           f'<title>{attr(plot.question)}: answers and the truth over {attr(plot.variable)}</title>',
           f'<defs><clipPath id="{clip}"><rect x="{left}" y="{top}" width="{plot_w}" '
           f'height="{plot_h}"/></clipPath></defs>',
           f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>']
    for tick in _ticks(x0, x1, 6):
        x = px(tick)
        out.append(f'<line x1="{_f(x)}" y1="{top + plot_h}" x2="{_f(x)}" y2="{top + plot_h + 4}" '
                   f'stroke="#999"/><text class="tick" x="{_f(x)}" y="{top + plot_h + 16}" '
                   f'text-anchor="middle">{_label(tick)}</text>')
    for tick in _ticks(y0, y1, 5):
        y = py(tick)
        out.append(f'<line x1="{left}" y1="{_f(y)}" x2="{left + plot_w}" y2="{_f(y)}" '
                   f'stroke="{"#aaa" if tick == 0 else "#eee"}"/><text class="tick" x="{left - 6}" '
                   f'y="{_f(y + 4)}" text-anchor="end">{_label(tick)}</text>')
    out.append(f'<text class="axis-title" x="{left + plot_w // 2}" y="{height - 4}" '
               f'text-anchor="middle">{attr(plot.variable)}</text>')
    out.append(f'<g clip-path="url(#{clip})">')
    for i, curve in enumerate((plot.truth, *plot.answers)):
        colour, dash = _style(i)
        segments = _segments(plot.xs, curve.values)
        out.append(f'<g class="curve{" truth" if i == 0 else ""}" data-label="{attr(curve.label)}" '
                   f'data-segments="{len(segments)}" stroke="{colour}" fill="{colour}">'
                   f'<title>{attr(curve.label)}</title>')
        for segment in segments:
            if len(segment) == 1:
                (x, y), = segment
                out.append(f'<circle cx="{_f(px(x))}" cy="{_f(py(y))}" r="2.5"/>')
                continue
            coords = " ".join(f"{_f(px(x))},{_f(py(y))}" for x, y in segment)
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<polyline points="{coords}" fill="none" '
                       f'stroke-width="{2.5 if i == 0 else 2}"{dashed}/>')
        out.append("</g>")
    out.append("</g></svg>")
    return "".join(out)


def legend_swatch(index: int) -> str:
    """The small line that stands for curve `index` (0: the truth) in a legend."""
    colour, dash = _style(index)
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<svg class="swatch" width="30" height="10" viewBox="0 0 30 10" aria-hidden="true" '
            f'xmlns="http://www.w3.org/2000/svg"><line x1="1" y1="5" x2="29" y2="5" '
            f'stroke="{colour}" stroke-width="{2.5 if index == 0 else 2}"{dashed}/></svg>')


def _style(index: int) -> tuple[str, str]:
    if index == 0:
        return TRUTH_COLOUR, ""
    return PALETTE[(index - 1) % len(PALETTE)], DASHES[(index - 1) % len(DASHES)]


def _segments(xs: Sequence[float], values: Sequence[float | None]) -> list[list[tuple[float, float]]]:
    """Runs of defined, finite points: a None (undefined, not real) ends a run."""
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    # A curve has a value per x; should one be short, its missing tail is undefined.
    for x, y in zip(xs, values, strict=False):
        if y is None or not math.isfinite(y) or not math.isfinite(x):
            if current:
                runs.append(current)
            current = []
            continue
        current.append((x, y))
    if current:
        runs.append(current)
    return runs


def _finite(values: Sequence[float | None]) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


def _value_range(truth: Curve, answers: Sequence[Curve]) -> tuple[float, float]:
    own = _finite(truth.values)
    others = [v for curve in answers for v in _finite(curve.values)]
    if not own:
        return _range(others)
    low, high = min(own), max(own)
    span = max(high - low, abs(high), abs(low), 1e-9)
    near = [v for v in others if low - 1.5 * span <= v <= high + 1.5 * span]
    return _range(own + near)


def _range(values: Sequence[float]) -> tuple[float, float]:
    """A padded interval holding every value (a default one when there are none)."""
    if not values:
        return -1.0, 1.0
    low, high = min(values), max(values)
    if high - low < 1e-12:
        pad = max(abs(low) * 0.1, 1.0)
        return low - pad, high + pad
    pad = (high - low) * 0.05
    return low - pad, high + pad


def _ticks(low: float, high: float, count: int) -> list[float]:
    """Round numbers in [low, high], about `count` of them."""
    if not high > low:
        return [low]
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if raw <= m * magnitude)
    first = math.ceil(low / step)
    ticks = []
    k = first
    while k * step <= high + step * 1e-9:
        ticks.append(round(k * step, 12))
        k += 1
    return ticks


def _label(value: float) -> str:
    text = f"{value:.4g}"
    return "0" if text == "-0" else text.replace("-", "−")
