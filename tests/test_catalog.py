"""The catalog of recorded games (tests/catalog/games): each replays with `redline replay --verify`
exactly as recorded, so a change to the engine or the shipped scenario that changes how an old game
goes is caught. After changing either on purpose, re-record: `python tests/catalog/record.py`."""

from __future__ import annotations

from pathlib import Path

import pytest

from game import cli, paths
from game.loader import check_scenario

CATALOG = Path(__file__).parent / "catalog" / "games"
GAMES = sorted(CATALOG.glob("*.json"))
RERECORD = "if the change is meant, re-record the catalog: python tests/catalog/record.py"


def test_the_catalog_holds_games_of_every_ending_of_the_shipped_scenario() -> None:
    report = check_scenario(paths.scenario_folder(None))
    assert report.content is not None
    endings = {ending.model.id for ending in report.content.endings}
    recorded = {path.stem.rpartition("-")[0] for path in GAMES}
    assert recorded == endings, RERECORD
    assert len(GAMES) >= 2 * len(endings)


@pytest.mark.parametrize("game", GAMES, ids=[path.stem for path in GAMES])
def test_a_recorded_game_replays_identically(game: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["replay", str(game), "--verify"])
    out, err = capsys.readouterr()
    assert code == 0 and out.startswith("identical: "), f"{game.name}: {out}{err} ({RERECORD})"
