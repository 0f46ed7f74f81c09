"""A report page read back as a browser's parser would: its elements, attributes, ids and text."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Page:
    """What html.parser found in a page."""

    tags: list[str] = field(default_factory=list)
    attributes: list[tuple[str, str, str | None]] = field(default_factory=list)  # (tag, name, value)
    ids: list[str] = field(default_factory=list)
    text: str = ""
    sections: list[str] = field(default_factory=list)  # the ids of the <section> elements, in order


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.tags.append(tag)
        for name, value in attrs:
            self.page.attributes.append((tag, name, value))
            if name == "id" and value is not None:
                self.page.ids.append(value)
                if tag == "section":
                    self.page.sections.append(value)

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def read_page(markup: str) -> Page:
    """Parse ``markup``."""
    reader = _Reader()
    reader.feed(markup)
    reader.close()
    reader.page.text = "".join(reader._text)
    return reader.page
