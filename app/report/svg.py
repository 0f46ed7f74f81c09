"""A chart drawn by app.plots, as SVG markup to put inline in the report: deterministic and self-contained.

matplotlib's SVG backend (a ``Figure`` with ``FigureCanvasSVG``, no pyplot state) writes text as paths, so the
page needs no font; its date is left out and its ids come from a fixed salt, so the same chart gives the same
bytes. Each chart's ids get a prefix of its own, so several charts in one page never share an id.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

from app.plots import new_axes
from app.report.markup import Html, esc

__all__ = ["chart_svg"]

_ID = re.compile(r'\bid="([^"]+)"')
_HREF = re.compile(r'xlink:href="#([^"]+)"')
_URL = re.compile(r"url\(#([^)]+)\)")
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)


def chart_svg(
    name: str,
    title: str,
    draw: Callable[..., None],
    *args: Any,  # noqa: ANN401 - forwarded to the drawing function, as ChartWidget.redraw does
    size: tuple[float, float] = (6.4, 3.6),
) -> Html:
    """The chart ``draw(axes, *args)`` titled ``title``, as an ``<svg>`` element whose ids start with ``name``."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, layout="constrained")
    FigureCanvasSVG(figure)
    draw(new_axes(figure, title), *args)
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"scoredesk-{name}", "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = _METADATA.sub("", text[text.index("<svg") :])  # no XML prolog or doctype inside HTML; no RDF block
    text = _ID.sub(lambda m: f'id="{name}-{m.group(1)}"', text)
    text = _HREF.sub(lambda m: f'xlink:href="#{name}-{m.group(1)}"', text)
    text = _URL.sub(lambda m: f"url(#{name}-{m.group(1)})", text)
    return Html(text.replace("<svg ", f'<svg role="img" aria-label="{esc(title)}" class="chart" ', 1).strip())
