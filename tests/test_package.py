"""`pip install .` (pyproject.toml): the wheel holds the packages, the shipped weights and
the four commands, and each command runs from the installed files (not this checkout)."""
from __future__ import annotations

import configparser
import subprocess
import sys
import zipfile

from conftest import ROOT

COMMANDS = {"article-qa": "qa.__main__:run", "article-qa-index": "index.__main__:main",
            "article-qa-evaluate": "evaluation.__main__:main", "article-qa-app": "app:main"}


def test_wheel_installs_commands_and_weights(tmp_path):
    import pytest

    pytest.importorskip("setuptools", reason="building the wheel offline needs setuptools in this venv")
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True, cwd=tmp_path)
    (wheel,) = wheels.glob("article_qa-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {"qa/weights/reader-int8.onnx", "qa/weights/calibration.json",
            "app.py", "index/wire.py", "evaluation/__main__.py", "web/static/app.css", "web/static/app.js"} <= set(names)
    ep = configparser.ConfigParser()
    ep.read_string(zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode())
    assert dict(ep["console_scripts"]) == COMMANDS
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    for name, spec in COMMANDS.items():
        module, func = spec.split(":")
        code = (f"import sys; sys.path.insert(0, {str(target)!r}); import {module} as m; "
                f"assert m.__file__.startswith({str(target)!r}), m.__file__; sys.argv = [{name!r}, '--help']; "
                f"m.{func}()")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=tmp_path, timeout=120)
        assert out.returncode == 0 and b"usage:" in out.stdout, (name, out.stderr[-500:])
