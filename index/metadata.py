"""Article metadata: publication date, outlet, author and URL, each None when unknown.

Read from JSON fields (`date`, `published`, `datePublished`, ...), from a header
block at the top of a .txt/.md file (`Date:`, `Source:`, `Author:`, `URL:` lines
before the first blank line) or YAML front matter (`---` ... `---`), and from HTML
pages with trafilatura (its metadata reads `<meta>` tags, JSON-LD `NewsArticle`,
`<time>` elements and bylines; dates through htmldate). Dates are normalised to
ISO 8601: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS][+HH:MM]` when a time is given.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

FIELDS = ("date", "source", "author", "url")
# Names under which each field appears in JSON records and front matter (lower case).
ALIASES = {
    "date": ("date", "published", "published_at", "publishedat", "date_published", "datepublished",
             "pubdate", "publication_date", "created", "created_at"),
    "source": ("source", "outlet", "publisher", "site_name", "sitename", "site", "publication", "newspaper"),
    "author": ("author", "authors", "byline", "by", "writer"),
    "url": ("url", "link", "canonical", "canonical_url", "permalink"),
    "title": ("title", "headline"),
}
_KEY_OF = {alias: key for key, names in ALIASES.items() for alias in names}
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z _-]{0,30}):\s*(.*)$")


@dataclass(frozen=True)
class Meta:
    date: str | None = None
    source: str | None = None
    author: str | None = None
    url: str | None = None

    def merged(self, other: Meta) -> Meta:
        """Fields of self, filled in from `other` where self has none."""
        return Meta(**{f: getattr(self, f) or getattr(other, f) for f in FIELDS})


def normalize_date(value) -> str | None:
    """ISO 8601 for a date given as text, a number year, or a datetime; None when it
    cannot be read as a date.

    >>> normalize_date("March 4, 2026"), normalize_date("2026-03-04T09:30:00Z")
    ('2026-03-04', '2026-03-04T09:30+00:00')
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return _iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if not text or len(text) > 64:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    try:
        return _iso(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    if not re.search(r"\d{4}", text):
        return None  # no year: "Tuesday" or "March 4" is not a date we can place
    from dateutil import parser

    try:
        parsed = parser.parse(text, default=dt.datetime(1, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None
    if not 1800 <= parsed.year <= 2200:
        return None
    has_time = bool(re.search(r"\d{1,2}:\d{2}", text))
    return _iso(parsed) if has_time else parsed.date().isoformat()


def _iso(value: dt.datetime) -> str:
    if value.hour == value.minute == value.second == 0 and value.tzinfo is None:
        return value.date().isoformat()
    return value.isoformat(timespec="seconds" if value.second else "minutes")


def day(date: str | None) -> str | None:
    """The calendar day (YYYY-MM-DD) of a normalised date."""
    return date[:10] if date else None


def _clean_value(key: str, value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):  # JSON-LD style {"name": ...}
        value = value.get("name") or value.get("@id")
    if isinstance(value, (list, tuple)):
        names = [_clean_value(key, v) for v in value]
        value = ", ".join(n for n in names if n)
    if key == "date":
        return normalize_date(value)
    text = " ".join(str(value).split())
    if key == "author":
        text = re.sub(r"^by\s+", "", text, flags=re.I)
    return text[:300] or None


def from_mapping(obj: dict) -> tuple[Meta, str | None]:
    """(metadata, title) from a JSON record or front matter, under any known alias."""
    found: dict[str, object] = {}
    for k, v in obj.items():
        key = _KEY_OF.get(str(k).lower().replace("-", "_").replace(" ", "_"))
        if key and key not in found and v not in (None, "", []):
            found[key] = v
    title = found.pop("title", None)
    meta = Meta(**{f: _clean_value(f, found.get(f)) for f in FIELDS})
    return meta, (title if isinstance(title, str) else None)


MAX_FRONT_MATTER = 64_000  # characters of YAML front matter read; metadata is a few lines


def _front_matter(text: str):
    """YAML front matter, parsed safely and cheaply: no tags beyond plain data (safe
    loader), no aliases (a few hundred bytes of nested aliases expand to gigabytes: the
    "billion laughs"), at most MAX_FRONT_MATTER characters. ValueError when refused;
    None when it is not YAML.

    >>> _front_matter("title: Hi\\ndate: 2026-09-01")["title"]
    'Hi'
    >>> _front_matter("a: &x [1]\\nb: *x")
    Traceback (most recent call last):
    ValueError: YAML aliases are not read in front matter
    """
    import yaml

    if len(text) > MAX_FRONT_MATTER:
        raise ValueError(f"front matter over {MAX_FRONT_MATTER} characters")
    try:
        return yaml.load(text, Loader=_no_alias_loader())  # a SafeLoader subclass: plain data only
    except yaml.YAMLError:
        return None  # not YAML after all (a Markdown rule, say): the text stays text


@lru_cache(maxsize=1)
def _no_alias_loader():
    """yaml's SafeLoader, refusing aliases (made once; yaml is imported only when needed)."""
    import yaml

    class NoAliases(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                raise ValueError("YAML aliases are not read in front matter")
            return super().compose_node(parent, index)

    return NoAliases


def split_header(raw: str) -> tuple[Meta, str | None, str]:
    """Metadata at the top of a plain-text or Markdown file: YAML front matter, or a
    block of `Key: value` lines before the first blank line. Returns (meta, title
    from the header or None, the rest of the file)."""
    text = raw.lstrip("\ufeff")
    if text.startswith("---"):
        m = re.match(r"---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)", text, re.S)
        if m:
            try:
                data = _front_matter(m.group(1))
            except ValueError:
                data = {}  # refused (aliases, too long): no metadata from it, and not read as text either
            if isinstance(data, dict):
                meta, title = from_mapping(data)
                return meta, title, text[m.end():]
    lines = text.lstrip("\r\n").split("\n")
    found: dict[str, str] = {}
    rest_of_block: list[str] = []
    n = 0
    for n, line in enumerate(lines):  # noqa: B007  n is where the header block ends, read after the loop
        if not line.strip():
            break
        m = _HEADER_LINE.match(line.strip())
        key = _KEY_OF.get(m.group(1).strip().lower().replace(" ", "_").replace("-", "_")) if m else None
        if key and key not in found:
            found[key] = m.group(2).strip()
        else:
            rest_of_block.append(line)
    else:
        n = len(lines)
    if not found or (set(found) == {"title"}):
        return Meta(), None, raw
    if len(rest_of_block) > 1:  # a paragraph that happens to hold "Source: ..." is not a header
        return Meta(), None, raw
    meta = Meta(**{f: _clean_value(f, found.get(f)) for f in FIELDS})
    title = found.get("title") or (rest_of_block[0].strip() if rest_of_block else None)
    return meta, title, "\n".join(lines[n:])


@lru_cache(maxsize=1)
def _trafilatura_config():
    """Short news items count as main text (trafilatura's default minimum, 250
    characters, sends a two-paragraph story to its one-line fallback)."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "20")
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "10")
    config.set("DEFAULT", "MAX_FILE_SIZE", str(100_000_000))  # our loader applies its own limit first
    return config


def from_html(raw: str) -> tuple[Meta, str, str] | None:
    """(metadata, title, body text with blank lines between paragraphs) of a news
    page by trafilatura, or None when it finds no main text."""
    import trafilatura

    for name in ("trafilatura", "htmldate", "courlan"):  # their "empty tree" notes are ours to report
        logging.getLogger(name).setLevel(logging.CRITICAL)
    doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, include_tables=True,
                                      favor_recall=True, deduplicate=False, config=_trafilatura_config())
    if doc is None or not (doc.text or "").strip():
        return None
    title = (doc.title or "").strip()
    paras = [p.strip() for p in doc.text.split("\n") if p.strip()]
    if paras and title and paras[0] == title:
        paras = paras[1:]
    meta = Meta(date=normalize_date(doc.date), source=_clean_value("source", doc.sitename),
                author=_clean_value("author", doc.author), url=_clean_value("url", doc.url))
    if not all(getattr(meta, f) for f in FIELDS):
        meta = meta.merged(_json_ld(raw))
    return meta, title, "\n\n".join(paras)


_LD = re.compile(r"<script[^>]*application/ld\+json[^>]*>(.*?)</script>", re.S | re.I)


def _json_ld(raw: str) -> Meta:
    """Fields trafilatura leaves out (the page address) from JSON-LD NewsArticle blocks."""
    import json

    for block in _LD.findall(raw)[:10]:
        try:
            data = json.loads(block)
        except (ValueError, RecursionError):
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        for item in items:
            if isinstance(item, dict) and "Article" in str(item.get("@type", "")):
                url = item.get("url") or item.get("mainEntityOfPage")
                return Meta(date=_clean_value("date", item.get("datePublished")),
                            source=_clean_value("source", item.get("publisher")),
                            author=_clean_value("author", item.get("author")),
                            url=_clean_value("url", url if isinstance(url, str) else None))
    return Meta()
