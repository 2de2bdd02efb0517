"""docs/AUTHORING.md stays true: every field of every model, every function and built-in name is
described; its tutorial and the example pack load with the shipped scenario."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import tomli

from game import model
from game.expr import FUNCTION_NAMES
from game.loader import BUILTIN_NAMES, check_scenario
from game.sim import simulate

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "AUTHORING.md"
PACK = ROOT / "docs" / "example-pack"
SHIPPED = ROOT / "content" / "red-line"


def _models() -> dict[str, type]:
    return {cls.__name__: cls for cls in model.FORMAT_MODELS}


def _reference_tables(text: str) -> dict[str, list[str]]:
    """Model name -> the fields listed in the table under `### ... (ModelName)`."""
    tables: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        heading = re.match(r"^### .*\((\w+)\)\s*$", line)
        if heading:
            current = heading.group(1)
            tables[current] = []
        elif line.startswith("## ") or line.startswith("### "):
            current = None
        elif current is not None:
            row = re.match(r"^\| `(\w+)` \|", line)
            if row:
                tables[current].append(row.group(1))
    return tables


def _section(text: str, title: str) -> str:
    start = text.index(f"\n### {title}\n")
    end = text.find("\n### ", start + 1)
    return text[start: end if end != -1 else None]


@pytest.fixture(scope="module")
def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def test_every_model_has_a_reference_table(guide: str) -> None:
    assert set(_reference_tables(guide)) == set(_models())


@pytest.mark.parametrize("name", sorted(_models()))
def test_reference_lists_exactly_the_fields_of_the_model(guide: str, name: str) -> None:
    listed = _reference_tables(guide)[name]
    fields = model.field_names(_models()[name])
    assert sorted(listed) == sorted(fields), f"the guide's table for {name} is out of step with game/model.py"
    assert len(listed) == len(set(listed))


def test_every_function_of_the_language_is_described(guide: str) -> None:
    functions = _section(guide, "Functions")
    for name in FUNCTION_NAMES:
        assert f"| `{name}(" in functions, f"{name}() is missing from the guide's list of functions"
    described = set(re.findall(r"^\| `(\w+)\(", functions, flags=re.MULTILINE))
    assert described == set(FUNCTION_NAMES), "the guide describes a function the language does not have"


def test_every_built_in_name_is_described(guide: str) -> None:
    names = _section(guide, "Names")
    for name in BUILTIN_NAMES:
        if name not in ("true", "false"):
            assert f"`{name}`" in names
    values = _section(guide, "Values and types")
    assert "`true`" in values and "`false`" in values


def _toml_blocks(text: str) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL)


def test_tutorial_event_loads_with_the_shipped_scenario(guide: str, tmp_path: Path) -> None:
    pack = tmp_path / "my-pack"
    pack.mkdir()
    event = next(block for block in _toml_blocks(guide) if "[[event]]" in block)
    (pack / "first_event.toml").write_text(event, encoding="utf-8")
    report = check_scenario(SHIPPED, [pack])
    assert report.problems == []
    assert report.content is not None and "my_first_event" in report.content.events


def test_tutorial_event_is_reached_in_automated_play(guide: str, tmp_path: Path) -> None:
    pack = tmp_path / "my-pack"
    pack.mkdir()
    event = next(block for block in _toml_blocks(guide) if "[[event]]" in block)
    (pack / "first_event.toml").write_text(event, encoding="utf-8")
    content = check_scenario(SHIPPED, [pack]).content
    assert content is not None
    report = simulate(content, runs=60, seed=1)
    reached = {e["id"]: e["count"] for e in report["coverage"]["events"]}
    assert reached["my_first_event"] > 0


def test_tutorial_mistakes_give_the_messages_the_guide_shows(guide: str, tmp_path: Path) -> None:
    pack = tmp_path / "my-pack"
    pack.mkdir()
    event = next(block for block in _toml_blocks(guide) if "[[event]]" in block)
    event = event.replace("capital += 3", "captial += 3").replace('advisor = "whitaker"', 'advisor = "whitacker"')
    (pack / "first_event.toml").write_text(event, encoding="utf-8")
    report = check_scenario(SHIPPED, [pack])
    shown = re.search(r"```text\n(my-pack/first_event.toml.*?)```", guide, flags=re.DOTALL)
    assert shown is not None
    messages = [str(p).split("first_event.toml", 1)[1] for p in report.problems]
    expected = [line.split("first_event.toml", 1)[1] for line in shown.group(1).strip().splitlines()]
    assert messages == expected


def test_every_toml_example_in_the_guide_is_valid_toml(guide: str) -> None:
    for block in _toml_blocks(guide):
        tomli.loads(block)


def test_example_pack_adds_two_events_and_replaces_one(tmp_path: Path) -> None:
    report = check_scenario(SHIPPED, [PACK])
    assert report.problems == []
    assert report.content is not None
    replaced = [n for n in report.notes if "replaces" in n.message]
    assert len(replaced) == 1 and "event 'weather_cold_snap'" in replaced[0].message
    base = check_scenario(SHIPPED).content
    assert base is not None
    added = set(report.content.events) - set(base.events)
    assert added == {"pack_seoul_cable", "pack_cable_leak"}
    assert report.content.events["weather_cold_snap"].model.title.endswith("(the example pack's version)")


def test_example_pack_events_are_reached_when_explored() -> None:
    content = check_scenario(SHIPPED, [PACK]).content
    assert content is not None
    report = simulate(content, runs=250, seed=1, policy="explore")
    reached = {e["id"]: e["count"] for e in report["coverage"]["events"]}
    assert reached["pack_seoul_cable"] > 0 and reached["pack_cable_leak"] > 0


def test_example_pack_can_be_copied_and_loaded_from_anywhere(tmp_path: Path) -> None:
    copy = tmp_path / "pack"
    shutil.copytree(PACK, copy)
    assert check_scenario(SHIPPED, [copy]).problems == []
