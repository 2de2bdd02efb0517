"""The layers of the code hold: the import contracts of pyproject.toml ([tool.importlinter]) are kept.

The core (format, expressions, compiled content, the engines) imports no interface, no pydantic, no
file, clock or process modules and nothing above it; the services know no interface; only
`python -m game` imports the command line. Imports inside functions count.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).parent / "lint-imports"


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` in `root`, on the package `game` there, with the contracts of its pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(root), "NO_COLOR": "1"}
    return subprocess.run([str(LINT), "--no-cache"], capture_output=True, text=True, cwd=root, env=env, timeout=120)


def test_the_import_contracts_are_kept() -> None:
    done = lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


def test_the_core_contract_names_every_module_of_the_game() -> None:
    """A new module of the game is either part of the core or forbidden to it: the list is never stale."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    core = next(contract for contract in config["contracts"] if contract["id"] == "core")
    named = {*core["source_modules"], *core["forbidden_modules"]}
    package = ROOT / "game"
    modules = {f"game.{path.stem}" for path in package.glob("*.py") if path.stem not in ("__init__", "__main__")}
    modules |= {f"game.{path.parent.name}" for path in package.glob("*/__init__.py")}
    assert modules - named == set()


def copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "game", tmp_path / "game", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path / "game"


def add_import(module: Path, line: str) -> None:
    """Add an import inside a function at the end of a module (a lazy import counts too)."""
    module.write_text(module.read_text(encoding="utf-8") + f"\n\ndef _late() -> None:\n    {line}\n",
                      encoding="utf-8")


def test_a_core_module_reading_files_or_showing_things_breaks_them(tmp_path: Path) -> None:
    package = copy_of_the_package(tmp_path)
    add_import(package / "expr.py", "import pathlib")
    add_import(package / "reference.py", "import rich")
    done = lint(tmp_path)
    assert done.returncode != 0
    assert "game.expr is not allowed to import pathlib" in done.stdout
    assert "game.engine is not allowed to import pathlib" in done.stdout  # through game.expr
    assert "game.reference is not allowed to import rich" in done.stdout


def test_a_service_reaching_the_interface_or_the_command_line_breaks_them(tmp_path: Path) -> None:
    package = copy_of_the_package(tmp_path)
    add_import(package / "saves.py", "import game.tui.theme")
    add_import(package / "tui" / "theme.py", "import game.cli")
    done = lint(tmp_path)
    assert done.returncode != 0
    assert "game.saves is not allowed to import game.tui" in done.stdout
    assert "game.tui.theme -> game.cli" in done.stdout
