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
    assert choice is not None and len(choice.parts) == 6
    from game.text import render

    env = engine.environment(engine.new_game(3))
    env.update(deployment_red_line=True, declassified=True)
    assert "drew a line" in render(choice.parts, env) and "caution" not in render(choice.parts, env)
    env.update(deployment_red_line=False, declassified=False)
    assert "caution" in render(choice.parts, env) and "came to nothing" not in render(choice.parts, env)
    assert "the exception" not in render(choice.parts, env)
    env.update(camp_strikes=True)  # (a strike on a camp was allowed before the limits were decided)
    assert "the exception" in render(choice.parts, env) and "caution" in render(choice.parts, env)
    # after the facts were published and a camp struck once, Washington is not said to have done nothing
    env.update(declassified=True)
    assert "did nothing" not in render(choice.parts, env) and "go no further" in render(choice.parts, env)
    env.update(camp_strikes=False)
    assert "did nothing" in render(choice.parts, env) and "go no further" not in render(choice.parts, env)


# --- named passages: paragraphs written once, used by several texts -----------------------------

SHARED = SCENARIO.replace('''epilogue = [
    "It is over.",
    { when = "warned", text = "You gave the warning." },
    { otherwise = true, text = "No warning was ever given." },
    { when = "only > 100", text = "Never shown." },
]''', '''epilogue = ["It is over.", { passage = "recap" }]

[[ending]]
id = "other"
title = "Other"
when = "only > 100"
epilogue = [{ passage = "recap" }, "Never reached."]

[[passage]]
id = "recap"
text = [
    { when = "warned", text = "You gave the warning." },
    { otherwise = true, text = "No warning was ever given." },
    "The value ended at {only}.",
]''')


def _written(folder: Path, text: str) -> Path:
    """The scenario folder with `text` as its one file."""
    (folder / "one.toml").write_text(text, encoding="utf-8")
    return folder


def test_a_named_passage_is_shown_where_a_text_uses_it_as_the_game_went(tmp_path: Path) -> None:
    engine, warned = _play(tmp_path, "warn", SHARED)
    assert "It is over.\n\nYou gave the warning.\n\nThe value ended at 5.\n" in warned
    assert "No warning" not in warned
    _, waited = _play(tmp_path, "wait", SHARED)
    assert "It is over.\n\nNo warning was ever given.\n\nThe value ended at 5.\n" in waited
    other = engine.content.compiled_ending("other").epilogue
    end = engine.content.compiled_ending("end").epilogue
    assert [part.text for part in other][:3] == [part.text for part in end][1:]
    # (written once, counted once)
    words = engine.content.words
    plain = load_scenario(tmp_path).words
    assert words == plain and engine.content.passages["recap"].id == "recap"


def test_an_otherwise_after_a_named_passage_follows_its_last_case(tmp_path: Path) -> None:
    text = SHARED.replace('"The value ended at {only}.",\n', "").replace(
        '    { otherwise = true, text = "No warning was ever given." },\n', "").replace(
        'epilogue = ["It is over.", { passage = "recap" }]',
        'epilogue = [{ passage = "recap" }, { otherwise = true, text = "Nothing to tell." }]')
    _, warned = _play(tmp_path, "warn", text)
    assert "You gave the warning." in warned and "Nothing to tell." not in warned
    _, waited = _play(tmp_path, "wait", text)
    assert "Nothing to tell." in waited and "You gave the warning." not in waited


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('epilogue = ["It is over.", { passage = "recap" }]', 'epilogue = ["It is over.", { passage = "recp" }]',
     "one.toml:22:40: unknown passage 'recp'; did you mean 'recap'?"),
    ('    "The value ended at {only}.",\n', '    { passage = "recap" },\n',
     "one.toml:35:17: passage 'recap' would include itself (recap → recap)"),
    ('"The value ended at {only}."', '"The value ended at {nothing}."',
     "one.toml:35:26: unknown name 'nothing' in a slot"),
])
def test_a_mistake_with_a_named_passage_is_reported_once_where_it_was_written(
        tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in SHARED
    report = check_scenario(_written(tmp_path, SHARED.replace(old, new)))
    assert report.content is None
    assert [str(p).split("/")[-1] for p in report.problems] == [expected]


def test_a_named_passage_no_text_uses_is_a_warning(tmp_path: Path) -> None:
    unused = SHARED.replace('{ passage = "recap" }]\n\n[[ending]]', '"Plain."]\n\n[[ending]]').replace(
        'epilogue = [{ passage = "recap" }, "Never reached."]', 'epilogue = "Never reached."')
    report = check_scenario(_written(tmp_path, unused))
    assert report.content is not None
    assert [str(n).split("/")[-1] for n in report.notes if "passage '" in str(n)] == [
        "one.toml:31:6: warning: passage 'recap' is not used by any text"]


@pytest.mark.parametrize(("item", "expected"), [
    ('{ when = "warned" }', "missing required field 'text' in epilogue[1]"),
    ('{ passage = "recap", when = "warned" }', "unknown field 'when' (expected one of: passage)"),
    ('{ txt = "Hello." }', "unknown field 'txt' (expected one of: text, when, otherwise); did you mean 'text'?"),
    ("42", "'epilogue[1]' must be text in quotes, not 42"),
])
def test_a_misshapen_paragraph_is_one_problem_in_the_authors_terms(tmp_path: Path, item: str, expected: str) -> None:
    """A paragraph may be text, a { when, text } table or a { passage } table: a mistake in one is
    explained as that kind, once (not as every kind it failed to be, nor as the whole text)."""
    text = SHARED.replace('epilogue = ["It is over.", { passage = "recap" }]', f'epilogue = ["It is over.", {item}]')
    report = check_scenario(_written(tmp_path, text))
    assert [str(p).split(": ", 1)[1] for p in report.problems] == [expected]


def test_every_paragraph_of_a_text_written_as_a_list_counts_as_prose(tmp_path: Path) -> None:
    """The word count reads a brief written as a list of paragraphs as it reads one string, and a
    named passage once, however many texts use it."""
    whole = load_scenario(_written(tmp_path, SHARED)).words
    listed = SHARED.replace('brief = "B"', 'brief = ["B", "Two more words."]')
    assert load_scenario(_written(tmp_path, listed)).words == whole + 3
    twice = SHARED.replace('"Never reached."]', '"Never reached.", { passage = "recap" }]')
    assert load_scenario(_written(tmp_path, twice)).words == whole
