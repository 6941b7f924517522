"""Process-wide settings, made once by the entry points (CLIs, app, bench), never by
library constructors.

- `offline()`: no model hub, no telemetry, quiet progress bars from Hugging Face
  libraries (our own bars stay).
- `for_queries()`: one BLAS thread. Scoring one question against the passage matrix
  is a small matrix-vector product; OpenBLAS would spread it over threads that then
  spin and starve the reader (measured: answers 2x slower at 2,500+ passages).
"""
from __future__ import annotations

import os

_OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1",
            "TOKENIZERS_PARALLELISM": "false", "GRADIO_ANALYTICS_ENABLED": "False"}


def offline() -> None:
    for key, value in _OFFLINE.items():
        os.environ.setdefault(key, value)


def for_queries() -> None:
    offline()
    # the BLAS libraries must be loaded to be limited: numpy's and the one FAISS bundles
    import faiss  # noqa: F401
    import numpy  # noqa: F401
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
