"""The one place page tests read markup: HTML parsed into elements (tag, id, classes,
attributes, text), so that a test asks for "the card with id t1-source-1" or "the
`mark` in it", not for a string of markup that a harmless change of attribute order or
spacing would break."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list = field(default_factory=list)  # Elements and str

    @property
    def id(self) -> str | None:
        return self.attrs.get("id")

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def walk(self):
        for c in self.children:
            if isinstance(c, Element):
                yield c
                yield from c.walk()

    def find_all(self, tag: str | None = None, cls: str | None = None, id: str | None = None) -> list[Element]:
        return [e for e in self.walk() if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
                and (id is None or e.id == id)]

    def find(self, tag: str | None = None, cls: str | None = None, id: str | None = None) -> Element | None:
        found = self.find_all(tag, cls, id)
        return found[0] if found else None

    def ids(self) -> list[str]:
        """Every id, in document order."""
        return [e.id for e in self.walk() if e.id]


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.at = self.root

    def handle_starttag(self, tag, attrs):
        el = Element(tag, {k: v or "" for k, v in attrs}, self.at)
        self.at.children.append(el)
        if tag not in VOID:
            self.at = el

    def handle_startendtag(self, tag, attrs):
        self.at.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.at))

    def handle_endtag(self, tag):
        el = self.at
        while el is not self.root and el.tag != tag:
            el = el.parent
        if el is not self.root:
            self.at = el.parent

    def handle_data(self, data):
        self.at.children.append(data)


def parse(html: str) -> Element:
    """The document's root element (tag "#root")."""
    b = _Builder()
    b.feed(html)
    b.close()
    return b.root
