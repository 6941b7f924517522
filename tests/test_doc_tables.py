"""Tables inside the docs are generated from run reports (bench.doc_tables): a block names
its runs, `python -m bench.tables --docs` rewrites it, --check finds one that differs."""
import json

from bench.doc_tables import update


def test_a_block_is_rewritten_from_its_run_and_checked(tmp_path):
    run = tmp_path / "runs" / "f"
    run.mkdir(parents=True)
    tests = {"any_json": {"inputs": 3, "max_seconds": 0.25}, "any_bytes": {"inputs": 2, "max_seconds": 1.5}}
    (run / "fuzz.json").write_text(json.dumps({
        "tests": tests, "inputs": 5, "pytest_rc": 0, "over_10s_under_1mb": 0, "seconds": 2.0, "commit": "abcdef1234",
        "finished": "2026-12-01T10:00:00", "machine": {"cores": 2}}))
    doc = tmp_path / "doc.md"
    doc.write_text("Before.\n\n<!-- bench.tables fuzz runs/f -->\n| stale |\n<!-- /bench.tables -->\n\n"
                   "<!-- bench.tables load runs/gone -->\n| kept |\n<!-- /bench.tables -->\nAfter.\n")
    updated, missing, unknown = update([doc], tmp_path, check=True)
    assert updated == ["doc.md: fuzz runs/f"] and missing == ["doc.md: load runs/gone"] and unknown == []
    assert "| stale |" in doc.read_text()  # --check changes nothing
    update([doc], tmp_path)
    text = doc.read_text()
    assert "| any JSON | 3 | 0.250 |" in text and "| any bytes, every suffix | 2 | 1.500 |" in text
    assert "| stale |" not in text and "| kept |" in text and text.startswith("Before.") and text.endswith("After.\n")
    assert update([doc], tmp_path, check=True)[0] == []  # now it matches its run
