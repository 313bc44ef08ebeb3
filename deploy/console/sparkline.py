"""Small inline SVG line charts of a share (0-1) over a source's last runs: no script, no request."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 60, 20, 2


def sparkline(values: list[float | None], label: str, alert: bool = False) -> Markup:
    """A polyline of the values (None: no point), a dot on the last one, `label` as the title people hover;
    red when the field has an open alert."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if not points:
        return Markup('<span class="spark-none">-</span>')
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return PAD + i * step, PAD + (1 - v) * (HEIGHT - 2 * PAD)

    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in points))
    last_x, last_y = xy(*points[-1])
    low = "low" if alert else "ok"
    return Markup(
        f'<svg class="spark {low}" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        f' aria-label="{escape(label)}"><title>{escape(label)}</title>'
        f'<line x1="0" y1="{PAD}" x2="{WIDTH}" y2="{PAD}" class="top"/>'
        f'<polyline points="{coords}"/><circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2"/></svg>'
    )
