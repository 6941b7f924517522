"""Has the corpus changed since the index was built? (file hashes in the manifest)"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from common.errors import StaleIndexError


@dataclass
class CorpusChanges:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def describe(self, limit: int = 5) -> str:
        parts = []
        for label, items in (("added", self.added), ("changed", self.changed), ("removed", self.removed)):
            if items:
                more = f" and {len(items) - limit} more" if len(items) > limit else ""
                parts.append(f"{label}: {', '.join(items[:limit])}{more}")
        return "; ".join(parts)


def corpus_changes(manifest: dict, corpus_dir: str | Path) -> CorpusChanges:
    """Compare the corpus files on disk with the file hashes recorded at build time."""
    from .articles import corpus_files, file_digest

    corpus_dir = Path(corpus_dir)
    built = manifest.get("corpus", {}).get("files", {})
    now = {p.relative_to(corpus_dir).as_posix(): file_digest(p) for p in corpus_files(corpus_dir)}
    return CorpusChanges(added=sorted(set(now) - set(built)),
                         changed=sorted(k for k in now.keys() & built.keys() if now[k] != built[k]),
                         removed=sorted(set(built) - set(now)))


def check_fresh(manifest: dict, corpus_dir: str | Path) -> None:
    changes = corpus_changes(manifest, corpus_dir)
    if changes:
        raise StaleIndexError(f"the corpus in {corpus_dir} changed since the index was built ({changes.describe()})",
                              hint=f"python -m index build --corpus {corpus_dir}")
