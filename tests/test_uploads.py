"""index.uploads: files handed over by a reader are checked, stored under safe names and
removable; what is refused is named with the reason and nothing else is lost."""
from __future__ import annotations

import json

import pytest

from index.articles import load_articles
from index.uploads import add_files, remove_article, safe_name

STORY = "Harbour bridge reopens\n\nThe Kelvin harbour bridge reopened on Monday after eight months of repairs.\n"


def test_safe_name_keeps_only_a_slug_of_the_base_name():
    assert safe_name("../../etc/My Story (1).HTML") == "my-story-1.html"
    assert safe_name("C:\\Users\\x\\Report.PDF") == "report.pdf"
    assert safe_name("/abs/..txt") == "article.txt"


def test_add_files_stores_good_ones_and_names_the_rest(tiny_corpus, tmp_path):
    before = {a.id for a in load_articles(tiny_corpus).articles}
    src = tmp_path / "in"
    src.mkdir()
    (src / "Bridge.txt").write_text(STORY, encoding="utf-8")
    (src / "empty.md").write_text("")
    (src / "broken.json").write_text("{not json")
    (src / "tool.exe").write_bytes(b"MZ")
    (src / "clash.json").write_text(json.dumps({"id": sorted(before)[0], "title": "T", "text": "Some words here."}))
    (src / "again.txt").write_text(STORY, encoding="utf-8")  # same bytes as Bridge.txt
    files = [("../../" + p.name, p) for p in sorted(src.iterdir())]
    report = add_files(tiny_corpus, files)
    assert report.stored == [("Bridge.txt", "uploads/bridge.txt")]
    refused = dict(report.refused)
    assert set(refused) == {"again.txt", "broken.json", "clash.json", "empty.md", "tool.exe"}
    assert "already in the corpus as uploads/bridge.txt" in refused["again.txt"]
    assert "already in the corpus" in refused["clash.json"] and "not read" in refused["tool.exe"]
    after = load_articles(tiny_corpus)
    assert {a.id for a in after.articles} == before | {"uploads-bridge"}
    assert not [p for p in tiny_corpus.rglob("*") if p.name.startswith(".")]  # no temporary file left


def test_limits_and_a_second_file_of_the_same_name(tiny_corpus, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(STORY, encoding="utf-8")
    b.write_text(STORY.replace("Monday", "Tuesday"), encoding="utf-8")
    assert [r for _, r in add_files(tiny_corpus, [("a.txt", a), ("b.txt", b)], max_files=1).refused] == \
        ["2 files at once; at most 1 are taken, add the rest in another batch"] * 2
    assert "over the" in add_files(tiny_corpus, [("a.txt", a)], max_bytes=10).refused[0][1]
    assert add_files(tiny_corpus, [("story.txt", a)]).stored == [("story.txt", "uploads/story.txt")]
    assert add_files(tiny_corpus, [("story.txt", b)]).stored == [("story.txt", "uploads/story-2.txt")]


def test_remove_moves_the_file_and_leaves_shared_files(tiny_corpus, tmp_path):
    f = tmp_path / "bridge.txt"
    f.write_text(STORY, encoding="utf-8")
    add_files(tiny_corpus, [("bridge.txt", f)])
    moved = remove_article(tiny_corpus, "uploads/bridge.txt", "uploads-bridge", tmp_path / "trash")
    assert open(moved, encoding="utf-8").read() == STORY
    assert "uploads-bridge" not in {a.id for a in load_articles(tiny_corpus).articles}
    many = tiny_corpus / "many.jsonl"
    many.write_text("\n".join(json.dumps({"id": i, "title": i, "text": "Words for " + i}) for i in ("x1", "x2")))
    with pytest.raises(ValueError, match="also holds 1 other article"):
        remove_article(tiny_corpus, "many.jsonl", "x1", tmp_path / "trash")
    with pytest.raises(ValueError, match="not in the corpus folder"):
        remove_article(tiny_corpus, "../elsewhere.txt", "elsewhere", tmp_path / "trash")


def test_removals_in_one_second_of_same_named_files_all_survive_and_come_back(tiny_corpus, tmp_path):
    """Two files called story.txt in different folders, removed in the same second: both
    are kept apart in the trash, and each is restored to its own place."""
    from index.uploads import restore_article

    texts = {}
    for folder in ("a", "b", "c"):
        (tiny_corpus / folder).mkdir()
        texts[folder] = STORY.replace("bridge", f"bridge {folder}")
        (tiny_corpus / folder / "story.txt").write_text(texts[folder], encoding="utf-8")
    ids = {a.path: a.id for a in load_articles(tiny_corpus).articles}
    moved = [remove_article(tiny_corpus, f"{f}/story.txt", ids[f"{f}/story.txt"], tmp_path / "trash") for f in "abc"]
    assert len(set(moved)) == 3
    assert sorted(open(m, encoding="utf-8").read() for m in moved) == sorted(texts.values())
    assert not any((tiny_corpus / f / "story.txt").exists() for f in "abc")
    for m in moved:
        restore_article(tiny_corpus, m)
    assert all((tiny_corpus / f / "story.txt").read_text(encoding="utf-8") == texts[f] for f in "abc")
    assert not any((tmp_path / "trash").iterdir())  # each trash entry is gone once restored
    again = remove_article(tiny_corpus, "a/story.txt", ids["a/story.txt"], tmp_path / "trash")
    (tiny_corpus / "a" / "story.txt").write_text("a new file in its place", encoding="utf-8")
    with pytest.raises(ValueError, match="exists again"):
        restore_article(tiny_corpus, again)


def test_uploads_on_only_for_loopback_unless_allowed():
    from web.api import uploads_on

    assert uploads_on("127.0.0.1") and uploads_on("localhost") and not uploads_on("0.0.0.0")
    assert uploads_on("0.0.0.0", allow=True) and not uploads_on("127.0.0.1", refuse=True)
