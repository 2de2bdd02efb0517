"""The names every scenario has are declared once (`expr.BUILTINS`): the loader, `names` and the texts'
slots all know each of them, and a scenario cannot take one for its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from game.expr import BUILTINS
from game.loader import ContentError, load_scenario
from game.names import names_of, slots_of

MINI = Path(__file__).parent / "fixtures" / "mini"


def test_names_and_slots_list_every_builtin() -> None:
    content = load_scenario(MINI)
    names = names_of(content)
    assert {row["id"] for row in names["calendar"]} == set(BUILTINS)
    assert {name: shown for name, shown in slots_of(content) if name in BUILTINS} == {
        name: builtin.shown for name, builtin in BUILTINS.items()}


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_a_stat_cannot_take_a_builtin_name(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    scenario = folder / "scenario.toml"
    scenario.write_text(scenario.read_text(encoding="utf-8")
                        + f'\n[[stat]]\nid = "{name}"\nlabel = "Clash"\nmin = 0\nmax = 10\ninitial = 1\n',
                        encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_scenario(folder)
    assert name in str(raised.value) and "built in" in str(raised.value)
