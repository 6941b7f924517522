"""The library's rooms: `qa` answers questions and never imports training,
evaluation, bench, web or app code, nor writes HTML (the page's forms are web's);
`index` never imports `qa`; `web` (what a browser or an HTTP client meets) never
imports the offline tools; `common` imports no other part of the project. Checked
on the import graph of the source and on what a real import loads."""
from __future__ import annotations

import ast
import os
import subprocess
import sys

import pytest
from conftest import ROOT

PACKAGES = ("common", "index", "qa", "evaluation", "training", "bench", "web", "app", "html", "gradio")
FORBIDDEN = {  # "html" (the standard library's escaping) and gradio: markup and the page stay in web
    "common": {"index", "qa", "evaluation", "training", "bench", "web", "app", "gradio"},
    "index": {"qa", "evaluation", "training", "bench", "web", "app", "gradio"},
    "qa": {"evaluation", "training", "bench", "web", "app", "html", "gradio"},
    "evaluation": {"training", "bench", "app", "gradio"},
    "web": {"evaluation", "training", "bench", "app"},
}


def project_imports(package: str) -> dict[str, set[str]]:
    """For each module file of `package`: the top-level project packages it imports
    (relative imports resolve to `package` itself)."""
    out = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        found = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                found.add(package if node.level else (node.module or "").split(".")[0])
        out[str(path.relative_to(ROOT))] = found & set(PACKAGES)
    return out


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_import_graph_keeps_each_room_to_its_job(package):
    graph = project_imports(package)
    assert graph, f"no modules found in {package}"
    bad = {mod: sorted(deps & FORBIDDEN[package]) for mod, deps in graph.items() if deps & FORBIDDEN[package]}
    assert not bad, f"{package} imports what it must not: {bad}"


def test_the_checker_sees_imports(tmp_path, monkeypatch):
    """The graph check itself: a module importing training is caught."""
    import test_layout

    pkg = tmp_path / "qa"
    pkg.mkdir()
    (pkg / "x.py").write_text("from training import ranker\nfrom . import y\nimport evaluation.metrics\n")
    monkeypatch.setattr(test_layout, "ROOT", tmp_path)
    assert project_imports("qa") == {"qa/x.py": {"training", "qa", "evaluation"}}


def test_importing_qa_loads_no_offline_tool():
    code = ("import sys, qa, qa.__main__, qa.spans, qa.reader\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'training', 'evaluation', 'bench', 'app', "
            "'gradio'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_public_api():
    import qa

    for name in ("open_qa", "LiveQA", "Answer", "AnswerSettings", "Citation", "QA", "RetrievalSettings"):
        assert hasattr(qa, name), name


def test_no_constructor_changes_the_process(shipped_index, real_embedder):
    """Loading a QA object leaves the environment and BLAS threads as they were."""
    from threadpoolctl import threadpool_info

    from qa import open_qa

    env_before = dict(os.environ)
    blas_before = [(i["internal_api"], i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"]
    threads_before = real_embedder.threads
    qa = open_qa(shipped_index, embedder=real_embedder)
    qa.ask("Who authorized the meetings?")
    assert dict(os.environ) == env_before
    assert [(i["internal_api"], i["num_threads"]) for i in threadpool_info()
            if i["user_api"] == "blas"] == blas_before
    assert real_embedder.threads == threads_before


def test_index_rows_are_read_by_name():
    """An index row's columns are read by number in two places only: index.store (IndexData's
    accessors: sentence_article, sentence_span, chunk_sentences, article_layout, ...) and the
    build's `_Part` (the per-article layout's accessors). Everywhere else (qa, web, the
    build, evaluation, training, bench), a 2-D subscript of `.sentences` or `.chunks` is a
    second copy of the layout."""
    owners = {("index/store.py", None), ("index/build.py", "_Part")}
    found = []
    for pkg in ("qa", "web", "index", "evaluation", "training", "bench"):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = str(path.relative_to(ROOT))
            tree = ast.parse(path.read_text(), rel)
            classes = {id(n): c.name for c in ast.walk(tree) if isinstance(c, ast.ClassDef) for n in ast.walk(c)}
            for node in ast.walk(tree):
                if (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple)
                        and isinstance(node.value, ast.Attribute) and node.value.attr in ("sentences", "chunks")
                        and (rel, None) not in owners and (rel, classes.get(id(node))) not in owners):
                    found.append(f"{rel}:{node.lineno}")
    assert found == []


def test_the_library_reads_no_environment_at_import():
    """$QA_INDEX_DIR, $QA_EMBEDDER and $QA_SENTENCE_VECTORS are read by the commands (their
    defaults, through common.config), not when the library is imported."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), QA_INDEX_DIR="/elsewhere", QA_EMBEDDER="torch-fp32",
               QA_SENTENCE_VECTORS="late")
    code = ("import index.store, index.build, index.settings, index.embedding as e; "
            "print(index.store.DEFAULT_INDEX_DIR, e.DEFAULT_BACKEND, index.settings.IndexSettings().sentence_vectors)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert out.stdout.split() == ["data/index", "onnx-int8", "separate"], out.stderr
    helped = subprocess.run([sys.executable, "-m", "index", "build", "--help"], capture_output=True, text=True,
                            cwd=ROOT, env=env, timeout=120).stdout
    assert "default: /elsewhere" in helped and "default: torch-fp32" in helped and "default: late" in helped
