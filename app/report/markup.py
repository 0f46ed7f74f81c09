"""HTML built so that escaping is the default: text is escaped unless it is already ``Html``.

Every value from an analyst's file (column names, categories, ids, issue messages) reaches the page through
``esc``, so a cell holding ``<script>`` or ``"><img onerror=…>`` shows as text and never becomes an element.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["BR", "Html", "el", "esc", "join", "table"]


class Html(str):
    """Markup that is already safe: escaped text, or tags this package wrote."""

    __slots__ = ()


BR = Html("<br>")  # a void element: el("br") would write </br>, which browsers read as a second <br>


def esc(value: object) -> Html:
    """``value`` as HTML text: markup passes through, anything else is escaped (quotes too, for attributes)."""
    if isinstance(value, Html):
        return value
    return Html(html.escape(str(value), quote=True))


def join(parts: Iterable[object], separator: str = "") -> Html:
    """Escaped parts joined into one piece of markup."""
    return Html(separator.join(esc(part) for part in parts))


def el(tag: str, *children: object, **attributes: object) -> Html:
    """``<tag attributes>children</tag>``; ``class_`` stands for ``class``; a None attribute is left out."""
    attrs = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{esc(value)}"'
        for name, value in attributes.items()
        if value is not None
    )
    return Html(f"<{tag}{attrs}>{join(children)}</{tag}>")


def table(header: Sequence[object], rows: Iterable[Sequence[object]], class_: str | None = None) -> Html:
    """A table with a header row; numbers are right-aligned by the stylesheet's ``num`` class."""
    head = el("tr", *(el("th", h, scope="col") for h in header))
    body = [el("tr", *(el("td", c, class_="num" if _numeric(c) else None) for c in row)) for row in rows]
    return el("table", el("thead", head), el("tbody", *body), class_=class_)


def _numeric(cell: object) -> bool:
    return isinstance(cell, int | float) or (isinstance(cell, str) and cell[:1].isdigit() and " " not in cell.strip())
