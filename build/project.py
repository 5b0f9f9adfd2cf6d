"""The release's name, version and command, read from the package (never written in the build files)."""

from __future__ import annotations

import ast
import platform
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: everything a build writes: PyInstaller's work files, the bundle, the release files (ignored by git).
OUT = ROOT / "build" / "out"


@dataclass(frozen=True)
class Project:
    """What the package says about itself."""

    app_name: str  # "Clinic Desk"
    version: str  # desktop.__version__
    command: str  # the [project.scripts] name: "clinicdesk"
    entry_point: str  # "desktop.cli:main"


def read_project(root: Path = ROOT) -> Project:
    """From desktop/__init__.py (parsed, not imported) and pyproject.toml's [project.scripts]."""
    tree = ast.parse((root / "desktop" / "__init__.py").read_text(encoding="utf-8"))
    constants: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    constants[target.id] = node.value.value
    scripts = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    command, entry_point = next(iter(scripts.items()))
    return Project(constants["APP_NAME"], constants["__version__"], command, entry_point)


def platform_tag() -> str:
    """linux-x86_64, windows-x86_64, macos-arm64 …: the archive name's last part."""
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower()
    machine = {"amd64": "x86_64", "x64": "x86_64", "aarch64": "arm64"}.get(machine, machine)
    return f"{system}-{machine}"
