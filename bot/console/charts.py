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
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
             'aria-label="Emotion timeline of this conversation">',
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
