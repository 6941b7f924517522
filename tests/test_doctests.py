"""The examples in the query-time modules' docstrings (and the results page writer's) are run, so they cannot go stale."""
from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["qa.answer_type", "qa.whole", "qa.conversation", "qa.timeline", "qa.yesno",
           "index.chunking", "bench.tables"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0, result
