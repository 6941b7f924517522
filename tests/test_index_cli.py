import re
import shutil

from index.__main__ import main


def test_build_and_status_commands(tmp_path, capsys):
    from conftest import SHIPPED_CORPUS

    corpus = tmp_path / "corpus"
    shutil.copytree(SHIPPED_CORPUS, corpus)
    (corpus / "broken.json").write_text("{oops")
    idx = tmp_path / "idx"
    assert main(["build", "--corpus", str(corpus), "--index-dir", str(idx), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert re.search(r"full build: 1 articles, \d+ passages, \d+ sentences in \d+\.\d s", out), out
    assert "skipped broken.json" in err
    assert main(["status", "--corpus", str(corpus), "--index-dir", str(idx)]) == 0
    out, _ = capsys.readouterr()
    assert "articles:  1" in out and "unchanged since the build" in out
    (corpus / "extra.txt").write_text("Extra\n\nAn extra story about ports.")
    assert main(["status", "--corpus", str(corpus), "--index-dir", str(idx)]) == 0
    out, _ = capsys.readouterr()
    assert "added: extra.txt" in out and "python -m index build" in out
    # a manifest naming another model's fingerprint fails status (--verify too), as `qa ask` refuses it
    import json

    from index import store

    manifest_file = store.current_version_dir(idx) / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    manifest["model"]["fingerprint"] = "0" * 32
    manifest_file.write_text(json.dumps(manifest))
    assert main(["status", "--verify", "--index-dir", str(idx)]) == 1
    assert "built with model" in capsys.readouterr().err


def test_clear_errors(tmp_path, capsys):
    assert main(["build", "--corpus", str(tmp_path / "missing"), "--index-dir", str(tmp_path / "i")]) == 2
    assert "does not exist" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["build", "--corpus", str(empty), "--index-dir", str(tmp_path / "i")]) == 1
    assert "no usable articles" in capsys.readouterr().err
    assert main(["status", "--index-dir", str(tmp_path / "none")]) == 1
    assert "python -m index build" in capsys.readouterr().err


def test_device_cuda(tmp_path, capsys):
    """--device cuda embeds in fp16 on a GPU; without one it stops with a message (the GPU
    half of this test runs only where torch sees CUDA)."""
    import pytest
    import torch
    from conftest import SHIPPED_CORPUS

    args = ["build", "--corpus", str(SHIPPED_CORPUS), "--index-dir", str(tmp_path / "gpu"), "--quiet",
            "--device", "cuda"]
    if not torch.cuda.is_available():
        assert main(args) == 1
        assert "no CUDA GPU" in capsys.readouterr().err
        pytest.skip("no CUDA GPU here: the fp16 build itself is not run")
    from index import store

    assert main(args) == 0
    assert main(["build", "--corpus", str(SHIPPED_CORPUS), "--index-dir", str(tmp_path / "cpu"), "--quiet",
                 "--embedder", "torch-fp32"]) == 0
    a, b = (store.load_version(store.current_version_dir(tmp_path / x)) for x in ("gpu", "cpu"))
    assert float((a.passage_matrix() * b.passage_matrix()).sum(1).min()) > 0.999
