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
BAR_COLOURS = ("#4f46e5", "#b45309", "#047857", "#be123c", "#0369a1", "#6d28d9", "#4d7c0f", "#374151")
"""Distinct colours, each also told apart by its pattern below (for colour-blind readers and greyscale prints)."""
BAR_PATTERNS = (
    "",
    '<path d="M0,8 L8,0" stroke="#fff" stroke-width="2"/>',
    '<circle cx="4" cy="4" r="1.6" fill="#fff"/>',
    '<path d="M0,4 L8,4" stroke="#fff" stroke-width="2"/>',
    '<path d="M0,0 L8,8 M0,8 L8,0" stroke="#fff" stroke-width="1.4"/>',
    '<path d="M4,0 L4,8" stroke="#fff" stroke-width="2"/>',
    '<path d="M0,0 L8,8" stroke="#fff" stroke-width="2"/>',
    '<rect x="2" y="2" width="4" height="4" fill="#fff"/>',
)


def bar_chart(title: str, values: dict[str, float], unit: str = "", links: dict[str, str] | None = None) -> str:
    """Horizontal bars, one per label, scaled to the largest value; a bar with a link opens it."""
    if not values:
        return f'<p class="muted">{escape(title)}: nothing yet.</p>'
    top = max(values.values()) or 1.0
    height = BAR_HEIGHT * len(values) + 8
    slug = "".join(c if c.isalnum() else "-" for c in title.lower())
    parts = [(f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {BAR_WIDTH + 220} {height}" '
              f'width="{BAR_WIDTH + 220}" height="{height}">'), "<defs>"]
    for index in range(min(len(values), len(BAR_COLOURS))):
        parts.append(f'<pattern id="{slug}-{index}" width="8" height="8" patternUnits="userSpaceOnUse">'
                     f'<rect width="8" height="8" fill="{BAR_COLOURS[index]}"/>{BAR_PATTERNS[index]}</pattern>')
    parts.append("</defs>")
    for index, (label, value) in enumerate(values.items()):
        y = index * BAR_HEIGHT + 4
        width = max(1.0, BAR_WIDTH * value / top)
        shown = f"{value:.2f}" if isinstance(value, float) and not value.is_integer() else f"{value:g}"
        bar = (f'<text x="0" y="{y + 14}" font-size="12">{escape(str(label))}</text>'
               f'<rect class="bar" data-label="{escape(str(label))}" x="150" y="{y}" width="{width:.1f}" '
               f'height="{BAR_HEIGHT - 6}" fill="url(#{slug}-{index % len(BAR_COLOURS)})" '
               f'stroke="{BAR_COLOURS[index % len(BAR_COLOURS)]}"><title>{escape(str(label))}: {shown}</title></rect>'
               f'<text x="{150 + width + 6:.1f}" y="{y + 14}" font-size="12">{shown}{escape(unit)}</text>')
        link = (links or {}).get(label)
        parts.append(f'<a href="{escape(link)}" aria-label="{escape(str(label))}: {shown}, open in the review queue">'
                     f'{bar}</a>' if link else bar)
    parts.append("</svg>")
    return "".join(parts)
