"""Server-drawn SVG charts: coordinates worked out here, drawn by templates. No JavaScript, no CDN."""

from dataclasses import dataclass

WIDTH, HEIGHT = 320, 180
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 12, 28


@dataclass
class Series:
    key: str
    label: str
    points: list[tuple[float, float, float]]  # (x, y, value)
    css: str

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _value in self.points)


def _y(value: float) -> float:
    value = max(0.0, min(100.0, value))
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / 100.0)


def trend_chart(points: list[dict], series: list[tuple[str, str, str]]) -> dict:
    """Lines of 0–100 figures over the plan years. `series` is [(key, label, css class)]."""
    count = len(points)
    span = WIDTH - LEFT - RIGHT
    xs = [LEFT + (span * index / (count - 1) if count > 1 else span / 2) for index in range(count)]
    lines = []
    for key, label, css in series:
        coords = [(xs[i], _y(p[key]), p[key]) for i, p in enumerate(points) if p.get(key) is not None]
        lines.append(Series(key=key, label=label, points=coords, css=css))
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "series": lines,
        "x_labels": [(xs[i], HEIGHT - 8, f"{p['year']}–{p['year'] + 1}") for i, p in enumerate(points)],
        "y_ticks": [(LEFT - 6, _y(v) + 4, v, _y(v)) for v in (0, 50, 100)],
        "left": LEFT,
        "right": WIDTH - RIGHT,
    }
