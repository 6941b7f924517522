"""Property-based tests (hypothesis): any bytes, any JSON, any file name, any question.
Never a traceback: always articles or a message naming the file, and an answer or a
BadQuestionError naming the problem.

CI runs a few hundred examples of each. The long campaign the docs report is
`python -m bench.fuzz --examples 1500` (7 tests x 1,500 inputs): it sets QA_FUZZ_EXAMPLES and
QA_FUZZ_LOG, and every load or question below then writes one line (test, input bytes,
seconds) to that log, from which the bench reports the slowest inputs. The timing lives
there, not in asserts here.
"""
from __future__ import annotations

import contextlib
import json
import os
import string
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.errors import BadQuestionError
from index.articles import SUFFIXES, load_articles

N = int(os.environ.get("QA_FUZZ_EXAMPLES", "150"))
LOG = os.environ.get("QA_FUZZ_LOG")
PDF = (Path(__file__).parent / "pdfs" / "article.pdf").read_bytes()
FUZZ = settings(max_examples=N, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                     HealthCheck.function_scoped_fixture])
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                      max_size=4),
                           max_leaves=20)
article_like = st.fixed_dictionaries({"title": st.one_of(st.text(), st.none(), st.integers()),
                                      "text": st.one_of(st.text(), st.none(), json_values)},
                                     optional={"id": json_values, "date": json_values, "source": json_values,
                                               "author": json_values, "url": json_values})


@contextlib.contextmanager
def _timed(test: str, size: int, what: str = ""):
    """With QA_FUZZ_LOG set, append how long the body took for an input of `size` bytes
    (`what`: a short description of the input, to find a slow one again)."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        if LOG:
            with open(LOG, "a", encoding="utf-8") as f:
                f.write(json.dumps({"test": test, "bytes": size, "seconds": round(time.perf_counter() - t0, 4),
                                "input": what}) + "\n")


def _load(d: str, test: str):
    size = sum(p.stat().st_size for p in Path(d).iterdir())
    with _timed(test, size):
        return load_articles(d)


def _check(report, names):
    assert {a.path for a in report.articles} | {s.path.split(" (")[0] for s in report.skipped} <= set(names)
    for a in report.articles:
        assert a.text.strip() and a.text.encode("utf-8") and a.id
    for s in report.skipped:
        assert s.reason and s.path


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(sorted(SUFFIXES)))
def test_any_bytes(data, suffix):
    with tempfile.TemporaryDirectory() as d:
        Path(d, "f" + suffix).write_bytes(data)
        _check(_load(d, "any_bytes"), ["f" + suffix])


@FUZZ
@given(value=st.one_of(article_like, st.lists(article_like, max_size=3), json_values), lines=st.booleans())
def test_any_json(value, lines):
    with tempfile.TemporaryDirectory() as d:
        name = "f.jsonl" if lines else "f.json"
        text = "\n".join(json.dumps(v) for v in (value if isinstance(value, list) else [value])) if lines \
            else json.dumps(value)
        Path(d, name).write_text(text, encoding="utf-8", errors="surrogatepass")
        _check(_load(d, "any_json"), [name])


@FUZZ
@given(stem=st.text(alphabet=string.printable + "éü日本\u200b", min_size=1, max_size=40).filter(
    lambda s: "/" not in s and "\x00" not in s and s not in (".", "..") and s.strip()),
       suffix=st.sampled_from(sorted(SUFFIXES)))
def test_any_file_name(stem, suffix):
    with tempfile.TemporaryDirectory() as d:
        body = (json.dumps({"title": "Title", "text": "Some article text."}).encode() if suffix.startswith(".json")
                else PDF if suffix == ".pdf" else b"Title\n\nSome article text.")
        try:
            Path(d, stem + suffix).write_bytes(body)
        except OSError:
            return  # a name the file system refuses is not ours to read
        report = _load(d, "any_file_name")
        if not stem.startswith("."):
            assert len(report.articles) == 1 and report.articles[0].id


@FUZZ
@given(name=st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\x00" not in b
                                                    and b not in (b".", b"..")),
       suffix=st.sampled_from([".txt", ".md", ".json"]))
def test_any_file_name_bytes(name, suffix):
    """File names of any bytes (not only UTF-8): read, or skipped with a printable reason."""
    with tempfile.TemporaryDirectory() as d:
        body = json.dumps({"title": "T", "text": "Some text."}).encode() if suffix == ".json" else b"T\n\nSome text."
        try:
            (Path(d) / os.fsdecode(name + suffix.encode())).write_bytes(body)
        except OSError:
            return
        report = _load(d, "any_file_name_bytes")
        for a in report.articles:
            assert a.path.encode("utf-8") and a.id.encode("utf-8")
        for sk in report.skipped:
            assert sk.path.encode("utf-8") and sk.reason


_yaml_scalar = st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none())
_yaml_value = st.recursive(_yaml_scalar, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(alphabet=string.ascii_letters, min_size=1, max_size=8), inner, max_size=4), max_leaves=12)


@FUZZ
@given(meta=st.dictionaries(st.sampled_from(["title", "date", "outlet", "author", "url", "tags", "x"]), _yaml_value,
                            max_size=6),
       aliases=st.integers(0, 6), body=st.text(max_size=300))
def test_any_front_matter(meta, aliases, body):
    """YAML front matter of any structure, with alias chains: read or refused (python -m
    bench.fuzz times them: an alias chain once took minutes)."""
    import yaml

    lines = [yaml.safe_dump(meta, allow_unicode=True, default_flow_style=None).strip()] if meta else []
    prev = None
    for i in range(aliases):  # each level refers nine times to the one before: the "billion laughs"
        lines.append(f"l{i}: &l{i} [" + (",".join([f"*{prev}"] * 9) if prev else '"lol"') + "]")
        prev = f"l{i}"
    with tempfile.TemporaryDirectory() as d:
        Path(d, "a.md").write_text("---\n" + "\n".join(lines) + "\n---\n" + "Heading\n\n" + body + " Words here.",
                                   encoding="utf-8", errors="surrogatepass")
        _check(_load(d, "any_front_matter"), ["a.md"])


@FUZZ
@given(depth=st.integers(0, 3000), tags=st.lists(st.sampled_from(["div", "p", "span", "section", "li", "b", "table"]),
                                                  min_size=1, max_size=5), close=st.booleans())
def test_any_html_nesting(depth, tags, close):
    """Pages nested to any depth: read, or refused before parsing (bench.fuzz times them)."""
    opening = "".join(f"<{tags[i % len(tags)]}>" for i in range(depth))
    closing = "".join(f"</{tags[i % len(tags)]}>" for i in reversed(range(depth))) if close else ""
    page = f"<html><head><title>T</title></head><body>{opening}<p>Some article text in the page.</p>{closing}</body></html>"
    with tempfile.TemporaryDirectory() as d:
        Path(d, "a.html").write_text(page, encoding="utf-8")
        _check(_load(d, "any_html_nesting"), ["a.html"])


_pieces = st.sampled_from(["<div>", "</div>", "<p>", "<table><tr><td>", "[", "]", "{", "}", '"text": "', "---\n",
                           "title: &a [*a, *a]\n", "\n\n", "# ", "<!--", "-->", "<![CDATA[", "%PDF-1.4\n", "\x00",
                           "é", "\u200b", "\ud800", ". ", "Mr. ", "\r", "\t", "http://x.example/?a=1&b=2 "])
LARGE = settings(max_examples=max(10, N // 5), deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@LARGE
@given(pieces=st.lists(st.one_of(_pieces, st.text(max_size=12)), min_size=1, max_size=6),
       reps=st.integers(1, 200_000), suffix=st.sampled_from(sorted(SUFFIXES - {".pdf"})))
def test_any_large_file(pieces, reps, suffix):
    """Files up to 1 MB of repeated structure (tags, brackets, YAML anchors, markers, odd
    characters): loaded and split into passages, or skipped with a message."""
    from index.chunking import chunk_article

    unit = "".join(pieces) or "x"
    text = (unit * min(reps, 1_000_000 // max(1, len(unit.encode("utf-8", "surrogatepass")))))[:1_000_000]
    with tempfile.TemporaryDirectory() as d:
        Path(d, "big" + suffix).write_bytes(text.encode("utf-8", "surrogatepass")[:1_000_000])
        size = Path(d, "big" + suffix).stat().st_size
        with _timed("any_large_file", size, f"{unit[:120]!r} x {reps} as {suffix}"):
            report = load_articles(d)
            for a in report.articles:
                sentences, chunks = chunk_article(a)
                assert all(0 <= c.start < c.end <= len(a.text) for c in chunks + sentences)
        _check(report, ["big" + suffix])


@pytest.fixture(scope="module")
def qa(shipped_qa):
    return shipped_qa


@FUZZ
@given(question=st.text(max_size=1500))
def test_any_question(qa, question):
    try:
        with _timed("any_question", len(question.encode("utf-8", "surrogatepass"))):
            answer = qa.ask(question)
    except BadQuestionError as exc:
        assert str(exc)
        return
    assert answer.refused or (answer.citations and all(c.quote for c in answer.citations))
    json.dumps(answer.to_json())
