"""The installed package carries every module and data file the app needs."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_python_package_is_listed_for_installation():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "desktop").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    found.add("desktop.resources")
    assert found == listed


def test_resource_files_are_covered_by_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = config["package-data"]["desktop.resources"]
    resources = ROOT / "resources"
    files = [f for f in resources.rglob("*") if f.is_file() and f.suffix not in (".py", ".pyc")]
    uncovered = [
        str(f.relative_to(resources))
        for f in files
        if not any(f.relative_to(resources).match(pattern) for pattern in patterns)
    ]
    assert uncovered == []
