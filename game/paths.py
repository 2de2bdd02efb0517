"""Where things are: the shipped scenarios inside the package, the save folder and the settings file.

Installed, the scenarios are package data (`game/scenarios`), saves go to the user's data folder
and settings to the user's config folder. Run from a source tree, the repository's `content/` and
`saves/` are used, as the repository lays them out.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs
import tomli

from game.safetext import shown

APP = "redline"
ROOT = Path(__file__).resolve().parent.parent
SAVES_VARIABLE = "REDLINE_SAVES"
DEFAULT_SCENARIO = "red-line"


def _packaged(name: str) -> Path | None:
    """A folder the wheel carries inside the package, or None when running from a source tree."""
    # an installed package is a folder on disk (pip, pipx and uv never install a zip), so the
    # resource is a Path; anything else is treated as not carrying it
    found = resources.files("game") / name
    return found if isinstance(found, Path) and found.is_dir() else None


_SCENARIOS = _packaged("scenarios")
#: True when running from a source tree (a checkout, an editable install) rather than an installed wheel
SOURCE_TREE = _SCENARIOS is None
CONTENT = ROOT / "content" if _SCENARIOS is None else _SCENARIOS
#: the JSON Schema that the `#:schema` line of every shipped content file points to
SCHEMA = CONTENT.parent / "docs" / "content.schema.json"
#: where saves go when nothing else is asked for in a source tree
CHECKOUT_SAVES = ROOT / "saves"


def scenario_ids(content: Path = CONTENT) -> list[str]:
    """The scenarios shipped in the content folder (each a sub-folder with .toml files)."""
    if not content.is_dir():
        return []
    return sorted(p.name for p in content.iterdir() if p.is_dir() and any(p.rglob("*.toml")))


def scenario_folder(scenario: str | None, content: Path = CONTENT) -> Path:
    """The folder of a scenario by id; the default one when no id is given."""
    if scenario is None:
        ids = scenario_ids(content)
        scenario = ids[0] if len(ids) == 1 else DEFAULT_SCENARIO
    return content / scenario


def scenario_title(scenario: str, content: Path = CONTENT) -> str:
    """A shipped scenario's title as its scenario.toml gives it, read without checking the rest; its id when
    that file does not say."""
    try:
        with (content / scenario / "scenario.toml").open("rb") as file:
            title = tomli.load(file).get("scenario", {}).get("title")
    except (OSError, tomli.TOMLDecodeError, AttributeError):
        return scenario
    return title if isinstance(title, str) and title.strip() else scenario


def default_saves() -> Path:
    """The save folder when no --saves is given: $REDLINE_SAVES, else the checkout's saves/ in a
    source tree, else the user's data folder."""
    chosen = os.environ.get(SAVES_VARIABLE, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    if SOURCE_TREE:
        return CHECKOUT_SAVES
    return platformdirs.user_data_path(APP, appauthor=False) / "saves"


def saves_folder(chosen: Path | None = None) -> Path:
    """The save folder: the one given with --saves, else the default one."""
    return chosen if chosen is not None else default_saves()


def settings_file() -> Path:
    """The player's settings, in the user's config folder."""
    return platformdirs.user_config_path(APP, appauthor=False) / "settings.toml"


class FolderError(Exception):
    """A folder that was asked for cannot be used; the message is one line."""


def make_folder(folder: Path) -> Path:
    """The folder, made (with its parents) when it does not exist yet; FolderError when it cannot be."""
    if folder.is_dir():
        return folder
    if folder.exists():
        raise FolderError(f"{shown(folder)} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FolderError(f"cannot make the folder {shown(folder)}: {error.strerror or error}") from None
    return folder
