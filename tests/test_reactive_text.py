"""Texts that react: an ending's epilogue written as paragraphs, each shown as the game went; a bad
condition is a located load error."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.debrief import debrief_markdown
from game.engine import Engine
from game.loader import ContentError, check_scenario, load_scenario
from game.paths import scenario_folder

SCENARIO = '''[scenario]
id = "one"
title = "One"
role = "R"
start_date = 2024-10-23
days_per_turn = 7
last_turn = 1
timeout_ending = "end"

[[stat]]
id = "only"
label = "Only"
initial = 5

[[flag]]
id = "warned"
description = "A warning was given."

[[ending]]
id = "end"
title = "End"
epilogue = [
    "It is over.",
    { when = "warned", text = "You gave the warning." },
    { otherwise = true, text = "No warning was ever given." },
    { when = "only > 100", text = "Never shown." },
]

[[event]]
id = "e"
title = "E"
brief = "B"
trigger = "true"

[[event.choice]]
id = "warn"
label = "Warn"
effects = ["warned = true"]

[[event.choice]]
id = "wait"
label = "Wait"
'''


def _play(tmp_path: Path, choice: str, text: str = SCENARIO) -> tuple[Engine, str]:
    (tmp_path / "one.toml").write_text(text, encoding="utf-8")
    engine = Engine(load_scenario(tmp_path))
    state = engine.choose(engine.new_game(1), choice).state
    assert state.over
    return engine, debrief_markdown(engine, state)


def test_the_epilogue_tells_what_the_player_did(tmp_path: Path) -> None:
    _, warned = _play(tmp_path, "warn")
    assert "It is over.\n\nYou gave the warning.\n" in warned
    assert "No warning" not in warned and "Never shown" not in warned
    _, waited = _play(tmp_path, "wait")
    assert "It is over.\n\nNo warning was ever given.\n" in waited
    assert "You gave the warning" not in waited


def test_a_bad_condition_in_a_paragraph_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        _play(tmp_path, "warn", SCENARIO.replace('when = "warned"', 'when = "warnd"'))
    message = str(caught.value)
    assert "one.toml:24:15: unknown name 'warnd'" in message


def test_otherwise_without_a_case_before_it_is_an_error(tmp_path: Path) -> None:
    text = SCENARIO.replace('{ when = "warned", text = "You gave the warning." },\n', "")
    with pytest.raises(ContentError) as caught:
        _play(tmp_path, "warn", text)
    assert "one.toml:24:" in str(caught.value) and "'otherwise'" in str(caught.value)


def test_the_shipped_timeout_epilogue_follows_the_strike_limits() -> None:
    engine = Engine(load_scenario(scenario_folder("red-line")))
    state = engine.new_game(3)
    state.ending = "grind"
    state.values["strikes_kursk"] = True
    kursk = engine.epilogue(state)
    assert "around Kursk and held the limit there" in kursk and "never lifted the limits" not in kursk
    state.values["strikes_kursk"] = False
    assert "never lifted the limits" in engine.epilogue(state)


def test_a_flag_read_only_by_an_epilogue_counts_as_read(tmp_path: Path) -> None:
    (tmp_path / "one.toml").write_text(SCENARIO, encoding="utf-8")
    report = check_scenario(tmp_path)
    assert report.content is not None
    assert not [n for n in report.notes if "'warned'" in str(n)]
    (tmp_path / "one.toml").write_text(SCENARIO.replace('when = "warned"', 'when = "only > 1"'), encoding="utf-8")
    assert any("flag 'warned' is set but nothing reads it" in str(n) for n in check_scenario(tmp_path).notes)


CHOICES = SCENARIO.replace('''[[event.choice]]
id = "warn"
label = "Warn"
effects = ["warned = true"]
''', '''[[event.choice]]
id = "warn"
label = "Warn"
effects = ["warned = true"]
text = [
    "You speak.",
    { when = "warned", text = "The warning is on the record." },
    { otherwise = true, text = "Nobody heard." },
]

  [[event.choice.outcome]]
  id = "heard"
  chance = 1
  text = [
    { when = "warned and only >= 5", text = "Moscow answers the warning." },
    { otherwise = true, text = "Silence." },
  ]
''')


def test_choice_and_outcome_texts_tell_what_happened(tmp_path: Path) -> None:
    (tmp_path / "one.toml").write_text(CHOICES, encoding="utf-8")
    engine = Engine(load_scenario(tmp_path))
    told = engine.choose(engine.new_game(1), "warn").text
    assert told == "You speak.\n\nThe warning is on the record.\n\nMoscow answers the warning."
    assert "Nobody heard" not in told and "Silence" not in told


def test_a_bad_condition_in_a_choice_text_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        _play(tmp_path, "warn", CHOICES.replace('{ when = "warned and only >= 5"', '{ when = "warned and onyl >= 5"'))
    assert "one.toml:" in str(caught.value) and "unknown name 'onyl'" in str(caught.value)


def test_the_shipped_strike_limits_text_says_what_washington_had_warned() -> None:
    engine = Engine(load_scenario(scenario_folder("red-line")))
    choice = engine.content.events["strike_limits"].choice("keep_limits")
    assert choice is not None and len(choice.parts) == 4
    from game.text import render

    env = engine.environment(engine.new_game(3))
    env.update(deployment_red_line=True, declassified=True)
    assert "drew a line" in render(choice.parts, env) and "caution" not in render(choice.parts, env)
    env.update(deployment_red_line=False, declassified=False)
    assert "caution" in render(choice.parts, env) and "came to nothing" not in render(choice.parts, env)
