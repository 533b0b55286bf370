"""Charts as inline SVG drawn on the server: no script, no build step, readable in any browser."""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT, PAD = 640, 200, 32
SERIES = (("anxiety", "#c2410c"), ("anger", "#b91c1c"), ("sadness", "#1d4ed8"), ("positive", "#15803d"))


def timeline_svg(scores: list[dict[str, float]]) -> str:
    """Each customer message's scores over the conversation, one line per feeling."""
    if not scores:
        return '<p class="muted">No scored customer messages yet.</p>'
    step = (WIDTH - 2 * PAD) / max(len(scores) - 1, 1)
    parts = [(f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
              'aria-label="Emotion timeline of this conversation">'),
             f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#999"/>',
             f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#999"/>']
    for y_value in (0.0, 0.5, 1.0):
        y = _y(y_value)
        parts.append(f'<text x="4" y="{y + 4:.1f}" font-size="10">{y_value:.1f}</text>')
    for index, (name, colour) in enumerate(SERIES):
        points = " ".join(f"{PAD + i * step:.1f},{_y(s.get(name, 0.0)):.1f}" for i, s in enumerate(scores))
        parts.append(f'<polyline class="series" data-series="{name}" fill="none" stroke="{colour}" '
                     f'stroke-width="2" points="{points}"/>')
        parts.append(f'<text x="{WIDTH - PAD - 70}" y="{PAD + 12 * index}" font-size="11" fill="{colour}">'
                     f'{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _y(value: float) -> float:
    return HEIGHT - PAD - max(0.0, min(1.0, value)) * (HEIGHT - 2 * PAD)


BAR_WIDTH, BAR_HEIGHT = 480, 22


def bar_chart(title: str, values: dict[str, float], unit: str = "") -> str:
    """Horizontal bars, one per label, scaled to the largest value."""
    if not values:
        return f'<p class="muted">{escape(title)}: nothing yet.</p>'
    top = max(values.values()) or 1.0
    height = BAR_HEIGHT * len(values) + 8
    parts = [(f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {BAR_WIDTH + 220} {height}" '
              f'width="{BAR_WIDTH + 220}" height="{height}">')]
    for index, (label, value) in enumerate(values.items()):
        y = index * BAR_HEIGHT + 4
        width = max(1.0, BAR_WIDTH * value / top)
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{escape(str(label))}</text>')
        parts.append(f'<rect class="bar" x="150" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT - 6}" fill="#4f46e5"/>')
        shown = f"{value:.2f}" if isinstance(value, float) and not value.is_integer() else f"{value:g}"
        parts.append(f'<text x="{150 + width + 6:.1f}" y="{y + 14}" font-size="12">{shown}{escape(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)
