"""Adding articles to the corpus folder from files a reader hands over, and removing them.

`add_files` checks each file before it is stored: a supported extension, the size and
count limits, that it yields at least one usable article, that none of its article ids
is taken and that the same bytes are not already there. A refused file is reported by
name with the reason and nothing is written for it; the others are stored under safe
names (the upload's folders are never used, only a slug of its base name) through a
hidden temporary file and a rename, so a build never reads half a file. `remove_article`
moves an article's file out of the corpus into its own trash entry (nothing is deleted,
nothing overwritten) and `restore_article` puts it back. The
caller runs the incremental build afterwards.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .articles import SUFFIXES, digest, load_file, read_file, slugify, walk_corpus

MAX_FILES = 50  # files in one upload
MAX_BYTES = 20_000_000  # bytes per uploaded file
UPLOAD_FOLDER = "uploads"  # under the corpus folder
REMOVED_RECORD = "removed.json"  # in each trash entry: the article id and its path in the corpus


@dataclass
class AddReport:
    stored: list[tuple[str, str]] = field(default_factory=list)  # (name as uploaded, path in the corpus)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (name as uploaded, why)
    article_ids: list[str] = field(default_factory=list)  # of the stored files

    def lines(self) -> list[str]:
        out = [f"added {orig} as {rel}" for orig, rel in self.stored]
        return out + [f"refused {orig}: {why}" for orig, why in self.refused]


def safe_name(name: str) -> str:
    """A file name for the corpus from an uploaded name: only its last path part, the stem
    slugified, the extension lower-cased ('../../etc/My Story (1).HTML' -> 'my-story-1.html')."""
    base = Path(str(name).replace("\\", "/")).name
    suffix = Path(base).suffix.lower()
    return slugify(Path(base).stem)[:80] + suffix


def _existing(corpus_dir: Path) -> tuple[dict[str, str], set[str]]:
    """(digest of each corpus file -> its path, article ids in the corpus)."""
    files, _ = walk_corpus(corpus_dir)
    hashes, ids = {}, set()
    for path in files:
        rel = path.relative_to(corpus_dir).as_posix()
        file_hash, arts, _ = read_file(path, rel)  # an unusable corpus file has no ids to clash with
        if file_hash is not None:
            hashes[file_hash] = rel
        ids.update(a.id for a in arts)
    return hashes, ids


def add_files(corpus_dir: str | Path, files: list[tuple[str, str | Path]], max_files: int = MAX_FILES,
              max_bytes: int = MAX_BYTES) -> AddReport:
    """Store the usable ones of `files` ((name as uploaded, path of its bytes) pairs) in
    `corpus_dir/uploads/`."""
    corpus_dir = Path(corpus_dir)
    report = AddReport()
    if len(files) > max_files:
        report.refused = [(name, f"{len(files)} files at once; at most {max_files} are taken, add the rest "
                                 "in another batch") for name, _ in files]
        return report
    hashes, ids = _existing(corpus_dir)
    target = corpus_dir / UPLOAD_FOLDER
    for name, src in files:
        shown = Path(str(name).replace("\\", "/")).name or str(name)
        fname = safe_name(name)
        suffix = Path(fname).suffix
        if suffix not in SUFFIXES:
            report.refused.append((shown, f"'{suffix or 'no extension'}' files are not read; "
                                          f"use {', '.join(sorted(SUFFIXES))}"))
            continue
        try:
            size = os.path.getsize(src)
            if size > max_bytes:
                report.refused.append((shown, f"{size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit"))
                continue
            data = Path(src).read_bytes()
        except OSError as exc:
            report.refused.append((shown, f"could not be read ({exc.strerror or exc})"))
            continue
        h = digest(data)
        if h in hashes:
            report.refused.append((shown, f"already in the corpus as {hashes[h]}"))
            continue
        rel = _free_name(target, fname, corpus_dir)
        try:
            articles, skipped = load_file(Path(rel), rel, data=data)
        except Exception as exc:  # noqa: BLE001  reported by name; the other files go on
            report.refused.append((shown, str(exc) if isinstance(exc, (ValueError, OSError))
                                   else f"could not be read ({type(exc).__name__})"))
            continue
        if not articles:
            why = "; ".join(s.reason for s in skipped) or "no article in it"
            report.refused.append((shown, why))
            continue
        taken = sorted({a.id for a in articles} & ids)
        if taken:
            report.refused.append((shown, f"article id {taken[0]!r} is already in the corpus"))
            continue
        target.mkdir(parents=True, exist_ok=True)
        tmp = target / f".{Path(rel).name}.part"
        tmp.write_bytes(data)
        os.replace(tmp, corpus_dir / rel)
        hashes[h] = rel
        ids.update(a.id for a in articles)
        report.stored.append((shown, rel))
        report.article_ids.extend(a.id for a in articles)
    return report


def _free_name(folder: Path, fname: str, corpus_dir: Path) -> str:
    """`uploads/<fname>`, or `uploads/<stem>-2<suffix>`, ... when that file exists."""
    stem, suffix = Path(fname).stem, Path(fname).suffix
    n, candidate = 1, fname
    while (folder / candidate).exists():
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    return (folder / candidate).relative_to(corpus_dir).as_posix()


def remove_article(corpus_dir: str | Path, article_path: str, article_id: str, trash_dir: str | Path) -> str:
    """Move the file of article `article_id` (at `article_path` in the corpus) into
    `trash_dir`; returns where it went. Raises ValueError when it cannot be removed alone."""
    corpus_dir = Path(corpus_dir).resolve()
    path = (corpus_dir / article_path).resolve()
    if corpus_dir not in path.parents or not path.is_file():
        raise ValueError(f"the file of {article_id!r} ({article_path}) is not in the corpus folder")
    arts, _ = load_file(path, article_path)
    others = [a.id for a in arts if a.id != article_id]
    if others:
        raise ValueError(f"{article_path} also holds {len(others)} other article(s) ({', '.join(others[:3])}); "
                         "edit that file to remove one of them")
    # one new folder per removal (mkdtemp: unique even for two removals in the same second),
    # with a record of where the file came from, so `restore_article` puts back exactly it
    Path(trash_dir).mkdir(parents=True, exist_ok=True)
    trash = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%d-%H%M%S-"), dir=trash_dir))
    dest = trash / path.name
    (trash / REMOVED_RECORD).write_text(json.dumps({"article_id": article_id, "path": article_path,
                                                    "removed_at": time.strftime("%Y-%m-%dT%H:%M:%S")}) + "\n")
    shutil.move(str(path), dest)
    return str(dest)


def restore_article(corpus_dir: str | Path, removed: str | Path) -> str:
    """Put a removed file back where it was in the corpus (`removed`: the path
    `remove_article` returned); returns its path in the corpus. Raises ValueError when
    that place is taken or the trash entry is not one."""
    removed = Path(removed)
    entry = removed.parent
    record_file = entry / REMOVED_RECORD
    if not removed.is_file() or not record_file.is_file():
        raise ValueError(f"{removed} is not a removed article")
    record = json.loads(record_file.read_text())
    corpus_dir = Path(corpus_dir).resolve()
    target = (corpus_dir / record["path"]).resolve()
    if corpus_dir not in target.parents:
        raise ValueError(f"{record['path']} is not inside the corpus folder")
    if target.exists():
        raise ValueError(f"{record['path']} exists again in the corpus; move it away first")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(removed), target)
    record_file.unlink()
    entry.rmdir()
    return record["path"]
