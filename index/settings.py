"""What an index is built with, in two records.

`IndexSettings` is what the vectors and rows depend on (the chunking, how sentence vectors
are made, the title prefix, the format) and, bound to an embedder, what the manifest
records; a live index whose recorded settings differ from a build's (`needs_full_rebuild`,
by equality) is rebuilt from scratch instead of updated. `BuildOptions` are the run-time
choices that change how a build runs, never what it writes: a forced full rebuild, worker
processes, the engine, progress bars, waiting for another build's lock.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal, get_args

from common import config

from .chunking import ChunkSettings

SentenceVectors = Literal["separate", "late", "pooled"]
SENTENCE_VECTORS = get_args(SentenceVectors)
Engine = Literal["local", "ray"]
ENGINES = get_args(Engine)


def _format_version() -> int:
    from .store import FORMAT_VERSION

    return FORMAT_VERSION


@dataclass(frozen=True)
class IndexSettings:
    """Everything but the embedder that the stored rows and vectors depend on."""

    chunking: ChunkSettings = field(default_factory=ChunkSettings)
    # "separate": each sentence embedded on its own; "late": pooled from its passage's one pass;
    # "pooled": each sentence embedded on its own and no passage pass (a passage's vector is the
    # mean of its sentences')
    sentence_vectors: SentenceVectors = config.SENTENCE_VECTORS
    embed_title: bool = True  # passages are embedded and searched with their article's title first
    format: int = field(default_factory=_format_version)

    def __post_init__(self):
        if self.sentence_vectors not in SENTENCE_VECTORS:
            raise ValueError(f"sentence vectors must be one of {', '.join(SENTENCE_VECTORS)}, "
                             f"not {self.sentence_vectors!r}")
        if not isinstance(self.chunking, ChunkSettings):
            raise TypeError(f"chunking must be a ChunkSettings, not {type(self.chunking).__name__}")

    def manifest(self, embedder) -> dict:
        """The manifest fields these settings write, with the embedder's identity."""
        return {"model": model_identity(embedder), "chunking": self.chunking.as_dict(),
                "embed_title": self.embed_title, "sentence_vectors": self.sentence_vectors}

    @classmethod
    def from_manifest(cls, manifest: dict) -> IndexSettings | None:
        """The settings a version was built with (None: a manifest these settings cannot read:
        chunking options this program does not have, or lacks; a version from before an option
        existed was not built with its default)."""
        chunking = manifest.get("chunking")
        if not isinstance(chunking, dict) or set(chunking) != set(ChunkSettings.__dataclass_fields__):
            return None
        try:
            return cls(chunking=ChunkSettings(**chunking),
                       sentence_vectors=manifest.get("sentence_vectors", "separate"),  # format 1 had no choice
                       embed_title=manifest.get("embed_title", True),
                       format=manifest.get("format_version", _format_version()))
        except (TypeError, ValueError):
            return None

    def needs_full_rebuild(self, embedder, manifest: dict) -> bool:
        """Must an index with this manifest be rebuilt from scratch (not updated) to have
        these settings and this embedder? Yes when anything recorded differs."""
        return (IndexSettings.from_manifest(manifest) != self
                or manifest.get("model") != model_identity(embedder))


def model_identity(embedder) -> dict:
    """The embedder as the manifest records it (and checks on load)."""
    return {"name": embedder.name, "fingerprint": embedder.fingerprint, "dim": embedder.dim,
            "path": embedder.path, "backend": embedder.backend}


@dataclass(frozen=True)
class BuildOptions:
    """How a build runs; nothing here changes what it writes."""

    full: bool = False  # rebuild every article, even with an up-to-date live index
    progress: bool = True  # a progress bar on stderr
    wait_for_lock: bool = False  # wait for another build of the same index instead of failing
    workers: int | None = None  # reader processes (local) or Ray workers; None: by corpus size (local), 2 (Ray)
    engine: Engine = "local"  # "ray": read and embed on a Ray cluster (requirements-ray.txt)
    ray_address: str | None = None  # a running Ray cluster; None: a local one of `workers` CPUs

    def __post_init__(self):
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {self.engine!r}")
        if self.workers is not None and self.workers < 0:
            raise ValueError(f"workers must be 0 or more, not {self.workers}")

    def as_dict(self) -> dict:
        return asdict(self)
