"""Property-based tests (hypothesis): any bytes, any JSON, any file name, any question.
Never a traceback: always articles or a message naming the file, and an answer or a
BadQuestionError naming the problem.

CI runs a few hundred examples of each; `QA_FUZZ_EXAMPLES=4000 pytest tests/test_fuzz.py`
runs the long campaign the README reports.
"""
from __future__ import annotations

import json
import os
import string
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.errors import BadQuestionError
from index.articles import SUFFIXES, load_articles

N = int(os.environ.get("QA_FUZZ_EXAMPLES", "150"))
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
        _check(load_articles(d), ["f" + suffix])


@FUZZ
@given(value=st.one_of(article_like, st.lists(article_like, max_size=3), json_values), lines=st.booleans())
def test_any_json(value, lines):
    with tempfile.TemporaryDirectory() as d:
        name = "f.jsonl" if lines else "f.json"
        text = "\n".join(json.dumps(v) for v in (value if isinstance(value, list) else [value])) if lines \
            else json.dumps(value)
        Path(d, name).write_text(text, encoding="utf-8", errors="surrogatepass")
        _check(load_articles(d), [name])


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
        report = load_articles(d)
        if not stem.startswith("."):
            assert len(report.articles) == 1 and report.articles[0].id


@FUZZ
@given(name=st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\x00" not in b
                                                    and b not in (b".", b"..")),
       suffix=st.sampled_from([".txt", ".md", ".json"]))
def test_any_file_name_bytes(name, suffix):
    """File names of any bytes (not only UTF-8): read, or skipped with a printable reason."""
    import time

    with tempfile.TemporaryDirectory() as d:
        body = json.dumps({"title": "T", "text": "Some text."}).encode() if suffix == ".json" else b"T\n\nSome text."
        try:
            (Path(d) / os.fsdecode(name + suffix.encode())).write_bytes(body)
        except OSError:
            return
        t0 = time.perf_counter()
        report = load_articles(d)
        assert time.perf_counter() - t0 < 10
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
    """YAML front matter of any structure, with alias chains: read fast or refused."""
    import time

    import yaml

    lines = [yaml.safe_dump(meta, allow_unicode=True, default_flow_style=None).strip()] if meta else []
    prev = None
    for i in range(aliases):  # each level refers nine times to the one before: the "billion laughs"
        lines.append(f"l{i}: &l{i} [" + (",".join([f"*{prev}"] * 9) if prev else '"lol"') + "]")
        prev = f"l{i}"
    with tempfile.TemporaryDirectory() as d:
        Path(d, "a.md").write_text("---\n" + "\n".join(lines) + "\n---\n" + "Heading\n\n" + body + " Words here.",
                                   encoding="utf-8", errors="surrogatepass")
        t0 = time.perf_counter()
        report = load_articles(d)
        assert time.perf_counter() - t0 < 10
        _check(report, ["a.md"])


@FUZZ
@given(depth=st.integers(0, 3000), tags=st.lists(st.sampled_from(["div", "p", "span", "section", "li", "b", "table"]),
                                                  min_size=1, max_size=5), close=st.booleans())
def test_any_html_nesting(depth, tags, close):
    """Pages nested to any depth: read, or refused before parsing, in seconds."""
    import time

    opening = "".join(f"<{tags[i % len(tags)]}>" for i in range(depth))
    closing = "".join(f"</{tags[i % len(tags)]}>" for i in reversed(range(depth))) if close else ""
    page = f"<html><head><title>T</title></head><body>{opening}<p>Some article text in the page.</p>{closing}</body></html>"
    with tempfile.TemporaryDirectory() as d:
        Path(d, "a.html").write_text(page, encoding="utf-8")
        t0 = time.perf_counter()
        report = load_articles(d)
        assert time.perf_counter() - t0 < 10
        _check(report, ["a.html"])


@pytest.fixture(scope="module")
def qa(shipped_qa):
    return shipped_qa


@FUZZ
@given(question=st.text(max_size=1500))
def test_any_question(qa, question):
    try:
        answer = qa.ask(question)
    except BadQuestionError as exc:
        assert str(exc)
        return
    assert answer.refused or (answer.citations and all(c.quote for c in answer.citations))
    json.dumps(answer.to_json())
