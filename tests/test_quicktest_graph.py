"""`redline quicktest` forces every event, choice and outcome and reports what goes wrong with its
place; `redline graph` draws the story."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from game.authoring.graph import dot, mermaid, story_graph
from game.authoring.quicktest import quicktest
from game.cli import main
from game.loader import load_scenario

Edit = Callable[[str, str, str], Path]
EVENTS = "events/main.toml"


def findings(folder: Path, extra: list[Path] | None = None) -> list[str]:
    return [str(f) for f in quicktest(load_scenario(folder, extra or []), games=60).findings]


def test_an_effect_that_always_runs_into_its_bound_is_found(edit: Edit) -> None:
    folder = edit(EVENTS, '"intel += 10", "tension -= 1"', '"intel += 500", "tension -= 1"')
    found = [f for f in findings(folder) if "intel += 500" in f]
    assert len(found) == 1
    assert re.match(r".*/events/main\.toml:9\d: event 'routine' choice 'handle': effect 'intel \+= 500' runs into",
                    found[0])


def test_an_outcome_whose_chance_is_always_zero_is_found_though_chance_never_picks_it(edit: Edit) -> None:
    folder = edit(EVENTS, "    chance = 0.5\n", '    chance = "max(0, tension - 200)"\n')
    found = [f for f in findings(folder) if "outcome 'lose'" in f]
    assert found and "its chance is 0 in every state the choice was tried in" in found[0]


def test_a_title_naming_a_value_is_found_as_values_are_filled_in_only_in_texts(edit: Edit) -> None:
    folder = edit(EVENTS, 'title = "Reply"', 'title = "{tension} replies"')
    found = [f for f in findings(folder) if "names" in f]
    assert len(found) == 1 and "'{tension}'" in found[0] and "event 'reply'" in found[0]


def test_an_event_no_game_reaches_is_still_forced(edit: Edit) -> None:
    old = 'trigger = "date > election and chose(\\"opening\\", \\"warn\\") and fired(\\"reply\\") >= 1"'
    folder = edit(EVENTS, old, 'trigger = "tension >= 99 and intel >= 99"')
    report = quicktest(load_scenario(folder), games=30)
    assert "late" in report.placed and report.events == 5 and report.choices == 10


@pytest.mark.parametrize("extra", [[], ["--content", "docs/example-pack"]])
def test_quicktest_runs_on_the_shipped_scenario_and_the_example_pack(extra: list[str],
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["quicktest", "--games", "40", *extra])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    content = load_scenario(Path("content/red-line"), [Path(p) for p in extra[1:]])
    assert last.startswith(f"quicktest: {len(content.events)} events, {content.choice_count} choices")
    assert code == (0 if last.endswith(" 0 problem(s)") else 1)


def test_quicktest_exits_1_on_problems(edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    folder = edit(EVENTS, 'title = "Reply"', 'title = "{nothing}"')
    assert main(["quicktest", str(folder), "--games", "20"]) == 1
    out = capsys.readouterr().out
    assert "event 'reply': its title names '{nothing}'" in out and out.rstrip().endswith("problem(s)")


def test_the_graph_has_every_event_choice_follow_up_gate_and_ending() -> None:
    content = load_scenario(Path("tests/fixtures/mini"))
    nodes, edges = story_graph(content)
    keys = {n.key for n in nodes}
    assert {f"event:{e}" for e in content.events} <= keys
    assert {f"ending:{e.model.id}" for e in content.endings} <= keys and "flag:warned" in keys
    labels = {(e.source, e.target): e.label for e in edges}
    assert labels[("choice:opening.warn", "event:reply")] == "after 1"
    assert labels[("choice:reply.gamble", "event:crisis")] == "lose: after 1 if tension > 50"
    assert labels[("choice:opening.warn", "flag:warned")] == "sets"
    assert ("event:opening", "event:late") in labels  # chose("opening", "warn") in late's trigger
    text = mermaid(content)
    assert text.startswith("flowchart LR\n")
    assert sum(1 for line in text.splitlines() if "-->" in line or "-.->" in line) == len(edges)
    assert dot(content).count(" -> ") == len(edges)


def test_graph_command_writes_dot_of_the_shipped_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "--format", "dot"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("digraph story {") and out.rstrip().endswith("}")


def test_an_always_finding_needs_more_than_one_state(edit: Edit) -> None:
    """A finding that something holds in every state tried rests on at least three states: an event
    placed in the one state where its trigger held gives no 'always' finding from that state alone."""
    old = 'trigger = "date > election and chose(\\"opening\\", \\"warn\\") and fired(\\"reply\\") >= 1"'
    folder = edit(EVENTS, old, 'trigger = "tension >= 99 and intel >= 99"')
    text = (folder / EVENTS).read_text(encoding="utf-8")
    (folder / EVENTS).write_text(text.replace('  id = "ok"\n  label = "OK"', '  id = "ok"\n  label = "OK"\n'
                                              '  effects = ["tension += 500"]'), encoding="utf-8")
    report = quicktest(load_scenario(folder), games=30)
    assert "late" in report.placed
    assert not [f for f in report.findings if "tension += 500" in str(f)]
