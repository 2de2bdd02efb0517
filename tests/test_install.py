"""Red Line as a package: what the wheel and the source distribution carry, and the game installed from the
wheel, run from an empty folder: scenarios from inside the package, saves and settings in the user's folders."""

from __future__ import annotations

import email
import os
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli

import game
from tests.conftest import MINI

ROOT = Path(__file__).resolve().parent.parent
SOURCE_FILES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "game").rglob("*")
                      if p.is_file() and p.suffix in (".py", ".tcss") and "__pycache__" not in p.parts)
SCENARIO_FILES = sorted(p.relative_to(ROOT / "content").as_posix() for p in (ROOT / "content").rglob("*.toml"))


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(wheel, sdist), built as a user builds them: the sdist from the tree, the wheel from the sdist."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], check=True,
                   capture_output=True, timeout=600)
    [wheel] = out.glob("*.whl")
    [sdist] = out.glob("*.tar.gz")
    return wheel, sdist


def test_the_wheel_carries_every_module_the_scenarios_and_the_schema(dist: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(dist[0]) as wheel:
        names = set(wheel.namelist())
        assert set(SOURCE_FILES) <= names
        assert {f"game/scenarios/{name}" for name in SCENARIO_FILES} <= names
        schema = wheel.read("game/docs/content.schema.json")
        assert schema == (ROOT / "docs" / "content.schema.json").read_bytes()
        # the `#:schema` line of every shipped file leads to the schema inside the package too
        for name in SCENARIO_FILES:
            first = wheel.read(f"game/scenarios/{name}").decode().splitlines()[0]
            assert first.startswith("#:schema "), name
            target = os.path.normpath(os.path.join("game/scenarios", os.path.dirname(name), first.split()[1]))
            assert target == "game/docs/content.schema.json", name
        # nothing but the package and its metadata: no content/, docs/, tests/ or saves/ beside it
        assert {name.split("/")[0] for name in names} == {"game", f"redline-{game.__version__}.dist-info"}
        assert not [name for name in names if name.startswith("game/docs/") and not name.endswith(".schema.json")]


def test_the_wheel_metadata_has_the_license_python_versions_and_extras(dist: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(dist[0]) as wheel:
        info = f"redline-{game.__version__}.dist-info"
        metadata = email.message_from_bytes(wheel.read(f"{info}/METADATA"))
        assert wheel.read(f"{info}/licenses/LICENSE") == (ROOT / "LICENSE").read_bytes()
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    assert metadata["Version"] == game.__version__
    assert metadata["License-Expression"] == "MIT" and metadata["License-File"] == "LICENSE"
    assert metadata["Requires-Python"] == ">=3.11"
    classifiers = metadata.get_all("Classifier") or []
    assert {"Programming Language :: Python :: 3.11", "Programming Language :: Python :: 3.13"} <= set(classifiers)
    assert not [c for c in classifiers if c.startswith("License ::")]  # the SPDX expression says it
    assert "web" in (metadata.get_all("Provides-Extra") or [])
    assert "redline = game.cli:main" in entry_points
    declared = tomli.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert set(declared["classifiers"]) == set(classifiers)


def test_the_sdist_carries_the_docs_the_tests_and_the_license(dist: tuple[Path, Path]) -> None:
    with tarfile.open(dist[1]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"LICENSE", "README.md", "pyproject.toml", "docs/AUTHORING.md", "docs/DESIGN.md",
            "docs/content.schema.json", "tests/conftest.py"} <= names
    assert {f"content/{name}" for name in SCENARIO_FILES} <= names
    assert set(SOURCE_FILES) <= names


@pytest.fixture(scope="module")
def installed(dist: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel unpacked as pip installs it, in a folder of its own (its dependencies are this environment's)."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile",
                    "--disable-pip-version-check", "--target", str(target), str(dist[0])],
                   check=True, capture_output=True, timeout=300)
    return target


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """An empty folder to run in, with user folders of its own under it."""
    (tmp_path / "here").mkdir()
    yield tmp_path


def run(installed: Path, home: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("REDLINE_")}
    environment.update(PYTHONPATH=str(installed), HOME=str(home), XDG_DATA_HOME=str(home / "data"),
                       XDG_CONFIG_HOME=str(home / "config"), REDLINE_CACHE=str(home / "cache"), **env)
    return subprocess.run([sys.executable, "-m", "game", *args], input=stdin, capture_output=True, text=True,
                          cwd=home / "here", env=environment, timeout=300)


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if "__pycache__" not in p.parts}


def test_installed_the_game_runs_from_the_package_and_keeps_saves_in_the_data_folder(installed: Path,
                                                                                      home: Path) -> None:
    before = files_under(installed)
    where = run(installed, home, "-c", "x")  # argparse's own error: proves which `game` answers
    assert where.returncode == 2
    found = subprocess.run([sys.executable, "-c", "import game, game.paths as p; print(game.__file__, p.SOURCE_TREE)"],
                           capture_output=True, text=True, cwd=home / "here",
                           env={**os.environ, "PYTHONPATH": str(installed)}, check=True).stdout.split()
    assert found == [str(installed / "game" / "__init__.py"), "False"]

    assert run(installed, home, "--version").stdout == f"redline {game.__version__}\n"
    checked = run(installed, home, "check")
    last = checked.stdout.splitlines()[-1]
    assert checked.returncode == 0 and last.startswith("ok: "), checked.stdout + checked.stderr
    data_saves = home / "data" / "redline" / "saves"
    assert run(installed, home, "saves").stdout == f"no saves in {data_saves}\n"

    played = run(installed, home, "play", "--plain", "--seed", "5", stdin="1\n" * 300)
    assert played.returncode == 0, played.stderr
    assert "Decisions taken:" in played.stdout and f"Autosaved to {data_saves}" in played.stdout
    listed = run(installed, home, "saves").stdout.splitlines()
    kept = len(list(data_saves.glob("autosave-*.json")))
    assert kept >= 1 and listed[-1] == f"{kept} file{'s' if kept > 1 else ''} in {data_saves}"
    assert all(line.endswith("ok") for line in listed[1:-1])
    assert run(installed, home, "simulate", "--runs", "5").returncode == 0

    assert files_under(home / "here") == set()  # nothing written where the player happened to be
    assert files_under(installed) == before  # nor into the installed package
    assert not (home / "config").exists()  # no settings until the player changes one


def test_installed_a_save_folder_by_variable_or_option_is_made_when_missing(installed: Path, home: Path) -> None:
    by_variable = home / "by-variable" / "saves"
    done = run(installed, home, "play", "--plain", "--seed", "2", stdin="1\nq\n", REDLINE_SAVES=str(by_variable))
    assert done.returncode == 0, done.stderr
    assert len(list(by_variable.glob("autosave-*.json"))) == 1
    assert run(installed, home, "saves", REDLINE_SAVES=str(by_variable)).stdout.splitlines()[-1] == \
        f"1 file in {by_variable}"
    by_option = home / "by-option"
    done = run(installed, home, "play", "--plain", "--seed", "2", "--saves", str(by_option), stdin="1\nq\n",
               REDLINE_SAVES=str(by_variable))
    assert done.returncode == 0 and len(list(by_option.glob("autosave-*.json"))) == 1
    assert len(list(by_variable.glob("autosave-*.json"))) == 1
    assert not (home / "data").exists()


def test_installed_a_scenario_folder_is_played_by_path(installed: Path, home: Path) -> None:
    done = run(installed, home, "play", "--plain", str(MINI), "--seed", "4", "--no-autosave", stdin="1\n" * 40)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Mini crisis: seed 4\n") and "Decisions taken:" in done.stdout
    both = run(installed, home, "play", "--plain", str(MINI), "--scenario", "red-line")
    assert both.returncode == 2 and both.stderr == "redline: error: give a scenario folder or --scenario, not both\n"
