"""The lexical side of an index, built once with it and saved in the version folder:
BM25 over the passages (bm25s, Snowball stems from common.text) and the number of
sentences each term occurs in (the sentence scorer's idf).
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

from common.text import terms

BM25_DIR = "bm25"
DF_FILE = "sentence_df.json"


def passage_search_text(title: str, passage: str, with_title: bool) -> str:
    """What a passage is embedded and BM25-indexed as: its article's title, then its text."""
    return f"{title}. {passage}" if with_title and title else passage


def build_bm25(docs: list[list[str]]):
    import bm25s

    model = bm25s.BM25()
    model.index(docs, show_progress=False)
    return model


def passage_terms(data, with_title: bool) -> list[list[str]]:
    return [terms(passage_search_text(data.articles[data.chunk_article(i)].title, data.chunk_text(i), with_title))
            for i in range(data.n_passages)]


def sentence_df(data) -> dict[str, int]:
    """Sentences each term occurs in."""
    df: dict[str, int] = {}
    for i in range(len(data.sentences)):
        for t in set(terms(data.sentence_text(i))):
            df[t] = df.get(t, 0) + 1
    return df


def idf_table(df: Mapping[str, float], n: int) -> dict[str, float]:
    """Inverse sentence frequency log((N+1)/(df+0.5)) of each term."""
    return {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}


def save(folder: Path, bm25, df: Mapping[str, int]) -> None:
    bm25.save(str(folder / BM25_DIR), show_progress=False)
    (folder / DF_FILE).write_text(json.dumps(df, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def load(folder: Path):
    """(bm25, sentence document frequencies) saved in a version folder."""
    import bm25s

    bm25 = bm25s.BM25.load(str(folder / BM25_DIR), show_progress=False)
    df = json.loads((folder / DF_FILE).read_text(encoding="utf-8"))
    return bm25, df
