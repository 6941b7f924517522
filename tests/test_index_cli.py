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


def test_clear_errors(tmp_path, capsys):
    assert main(["build", "--corpus", str(tmp_path / "missing"), "--index-dir", str(tmp_path / "i")]) == 2
    assert "does not exist" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["build", "--corpus", str(empty), "--index-dir", str(tmp_path / "i")]) == 1
    assert "no usable articles" in capsys.readouterr().err
    assert main(["status", "--index-dir", str(tmp_path / "none")]) == 1
    assert "python -m index build" in capsys.readouterr().err
