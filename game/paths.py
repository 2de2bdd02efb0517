"""Where the shipped content and the default save folder are: beside the package, in the checkout."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SAVES = ROOT / "saves"
DEFAULT_SCENARIO = "red-line"


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
