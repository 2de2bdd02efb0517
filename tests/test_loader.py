"""Loading content: every kind of mistake is reported once, at its file, line and column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from game.loader import ContentError, check_scenario, load_scenario
from tests.conftest import MINI

Edit = Callable[[str, str, str], Path]
EVENTS = "events/main.toml"


def problems_of(folder: Path, extra: list[Path] | None = None) -> list[str]:
    report = check_scenario(folder, extra or [])
    assert report.content is None, "expected the content to be refused"
    return [str(p) for p in report.problems]


def only_problem(folder: Path) -> str:
    problems = problems_of(folder)
    assert len(problems) == 1, problems
    return problems[0]


def test_the_mini_fixture_loads_with_every_feature() -> None:
    content = load_scenario(MINI)
    assert list(content.events) == ["opening", "reply", "crisis", "routine", "late"]
    assert content.choice_count == 10
    assert [e.model.id for e in content.endings] == ["war", "calm", "stalemate"]
    assert content.words > 0 and len(content.content_hash) == 64


def test_toml_syntax_error_carries_line_and_column(edit: Edit) -> None:
    folder = edit(EVENTS, 'title = "Reply"', 'title = "Reply')
    problem = only_problem(folder)
    assert problem.startswith(f"{folder.as_posix()}/events/main.toml:42:")
    assert "TOML syntax" in problem


def test_an_unquoted_expression_is_told_to_go_in_quotes(edit: Edit) -> None:
    folder = edit(EVENTS, 'trigger = "turn == 1"', "trigger = turn == 1")
    problem = only_problem(folder)
    assert "events/main.toml:6:11: TOML syntax: Invalid value; text, expressions and conditions go in quotes" in problem


@pytest.mark.parametrize("quotes", ['"""', "'''"])
def test_an_unclosed_multiline_string_is_reported_where_it_opens(edit: Edit, quotes: str) -> None:
    folder = edit(EVENTS, 'brief = "Something happened."', f"brief = {quotes}Something happened.")
    expected = f"events/main.toml:4:9: TOML syntax: a string opened with {quotes} here is never closed"
    assert expected in only_problem(folder)


def test_a_field_given_twice_is_named(edit: Edit) -> None:
    folder = edit(EVENTS, 'title = "Opening"\n', 'title = "Opening"\ntitle = "Again"\n')
    assert "events/main.toml:4:" in (problem := only_problem(folder)) and "'title' is given twice" in problem


def test_problems_are_listed_in_the_order_of_the_lines(edit: Edit) -> None:
    edit(EVENTS, 'trigger = "turn == 1"', 'trigger = "trun == 1"')  # found when compiling, after the next
    folder = edit(EVENTS, "cooldown = 1\n", 'cooldown = "1"\n')  # found when validating
    problems = problems_of(folder)
    assert [p.split(": ")[0].rsplit("/", 1)[-1] for p in problems] == ["main.toml:6:12", "main.toml:92:12"]


def test_unknown_field_suggests_the_right_one(edit: Edit) -> None:
    folder = edit(EVENTS, '  label = "Warn them"', '  lable = "Warn them"')
    problem = only_problem(folder)
    assert "events/main.toml:11:3: unknown field 'lable'" in problem
    assert "did you mean 'label'?" in problem


def test_missing_field_points_at_its_table(edit: Edit) -> None:
    folder = edit(EVENTS, '  label = "Warn them"\n', "")
    assert "events/main.toml:9:3: missing required field 'label'" in only_problem(folder)


def test_wrong_type_names_what_was_expected(edit: Edit) -> None:
    folder = edit(EVENTS, "  posture = 1\n", '  posture = "high"\n')
    problem = only_problem(folder)
    assert "events/main.toml:12:13: 'posture' must be a whole number, not 'high'" in problem


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("cooldown = 1\n", 'cooldown = "1"\n', "events/main.toml:92:12: 'cooldown' must be a whole number, not '1'"),
        ("cooldown = 1\n", "cooldown = 1.5\n", "events/main.toml:92:12: 'cooldown' must be a whole number, not 1.5"),
        ("once = false\n", 'once = "no"\n', "events/main.toml:91:8: 'once' must be true or false, not 'no'"),
        ("once = false\n", "once = 0\n", "events/main.toml:91:8: 'once' must be true or false, not 0"),
        ("hypothetical = true\n", "hypothetical = 1\n", "events/main.toml:44:16: 'hypothetical' must be true or false"),
        ("priority = 10\n", "priority = true\n", "events/main.toml:7:12: 'priority' must be a whole number, not True"),
        ('weight = "1 + tension / 50"', "weight = true",
         "'weight' must be a number or an expression in quotes, not True"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_not_converted(edit: Edit, old: str, new: str, expected: str) -> None:
    """Text where a number is asked, a number where true or false is asked: a mistake to point out,
    not a value to guess at ("no" is not false, and 1.5 turns is not 1)."""
    folder = edit(EVENTS, old, new)
    assert expected in only_problem(folder)


def test_a_whole_number_where_a_number_is_asked_is_fine() -> None:
    stat = load_scenario(MINI).stats["tension"]  # written `initial = 40`
    assert stat.initial == 40 and isinstance(stat.initial, float)


def test_number_or_expression_field_says_so(edit: Edit) -> None:
    folder = edit(EVENTS, 'weight = "1 + tension / 50"', "weight = [1]")
    assert "'weight' must be a number or an expression in quotes" in only_problem(folder)


def test_bad_id_is_explained(edit: Edit) -> None:
    folder = edit(EVENTS, 'id = "opening"', 'id = "Opening Move"')
    problems = problems_of(folder)
    assert any("events/main.toml:2:6: 'Opening Move' is not a valid id" in p for p in problems)


def test_duplicate_id_names_both_places(mini_copy: Path) -> None:
    (mini_copy / "events" / "more.toml").write_text(
        '[[event]]\nid = "reply"\ntitle = "Again"\nbrief = "x"\n[[event.choice]]\nid = "a"\nlabel = "A"\n',
        encoding="utf-8",
    )
    problem = only_problem(mini_copy)
    assert "events/more.toml:2:6: duplicate event id 'reply' (first defined at" in problem
    assert "events/main.toml:40:1" in problem


def test_unknown_name_in_condition_has_column_and_suggestion(edit: Edit) -> None:
    folder = edit(EVENTS, 'trigger = "turn == 1"', 'trigger = "turn == 1 and tensoin > 3"')
    assert only_problem(folder).endswith(
        "events/main.toml:6:26: unknown name 'tensoin'; did you mean 'tension'?"
    )


def test_type_error_in_effect(edit: Edit) -> None:
    folder = edit(EVENTS, '"warned = true"', '"warned = 3"')
    assert "events/main.toml:13:" in only_problem(folder)
    assert "expected true/false" in only_problem(folder)


def test_unknown_follow_up_event(edit: Edit) -> None:
    folder = edit(EVENTS, '{ event = "reply", after = 1 }', '{ event = "replly", after = 1 }')
    assert only_problem(folder).endswith("events/main.toml:14:26: unknown event 'replly'; did you mean 'reply'?")


def test_unknown_advisor_in_counsel(edit: Edit) -> None:
    folder = edit(EVENTS, 'advisor = "dove"', 'advisor = "dover"')
    assert "unknown advisor 'dover'; did you mean 'dove'?" in only_problem(folder)


def test_unknown_timeout_ending(edit: Edit) -> None:
    folder = edit("scenario.toml", 'timeout_ending = "stalemate"', 'timeout_ending = "stalmate"')
    assert only_problem(folder).endswith(
        "scenario.toml:10:18: unknown ending 'stalmate'; did you mean 'stalemate'?"
    )


def test_negative_weight_and_zero_chances(edit: Edit) -> None:
    edit(EVENTS, 'weight = "1 + tension / 50"', "weight = -2")
    folder = edit(EVENTS, "chance = 0.5\n", "chance = 0\n")
    edit(EVENTS, 'chance = "0.5 + intel / 200"', "chance = 0")
    problems = problems_of(folder)
    assert any("weight must be a number from 0 up" in p for p in problems)
    assert any("every outcome has chance 0" in p for p in problems)


def test_availability_needs_a_reason(edit: Edit) -> None:
    folder = edit(EVENTS, '  unavailable_reason = "Tension is too low to justify it."\n', "")
    assert "needs an unavailable_reason" in only_problem(folder)


def test_stat_initial_outside_its_range(edit: Edit) -> None:
    folder = edit("scenario.toml", "initial = 40", "initial = 400")
    assert only_problem(folder).endswith("scenario.toml:31:11: initial (400) is outside 0..100")


def test_overlapping_seasons(edit: Edit) -> None:
    folder = edit("scenario.toml", "start = 2024-11-16", "start = 2024-11-10")
    assert "season 'winter' overlaps season 'mud'" in only_problem(folder)


def test_unknown_table_suggests_the_right_one(mini_copy: Path) -> None:
    (mini_copy / "extra.toml").write_text('[[events]]\nid = "x"\n', encoding="utf-8")
    problem = only_problem(mini_copy)
    assert "extra.toml:1:1: unknown table 'events'" in problem and "did you mean [[event]]?" in problem


def test_all_problems_are_reported_at_once(edit: Edit) -> None:
    edit(EVENTS, '  label = "Escalate"', '  lable = "Escalate"')
    edit(EVENTS, 'trigger = "turn == 1"', 'trigger = "turn == 1 and tensoin > 3"')
    edit("scenario.toml", "initial = 40", "initial = 400")
    folder = edit(EVENTS, 'advisor = "dove"', 'advisor = "dover"')
    assert len(problems_of(folder)) == 4


def test_a_broken_entry_does_not_cascade_into_unknown_name_errors(edit: Edit) -> None:
    # the reply event is invalid, but the follow-up that names it must not also be reported
    folder = edit(EVENTS, 'title = "Reply"\n', "")
    problems = problems_of(folder)
    assert len(problems) == 1 and "missing required field 'title'" in problems[0]


def test_missing_folder_and_empty_folder(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nowhere")[0].endswith("nowhere: no such folder")
    (tmp_path / "empty").mkdir()
    assert problems_of(tmp_path / "empty")[0].endswith("empty: no .toml files in this folder")


def test_not_utf8_is_reported_not_raised(mini_copy: Path) -> None:
    (mini_copy / "bad.toml").write_bytes(b'[[flag]]\nid = "x"\ndescription = "caf\xe9"\n')
    assert "bad.toml:3:19: byte E9 is not UTF-8 text: save the file as UTF-8" in only_problem(mini_copy)


def test_no_scenario_table(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('[[flag]]\nid = "x"\n', encoding="utf-8")
    assert "no [scenario] table" in problems_of(tmp_path)[0]


def test_extra_content_replaces_by_id_and_says_so(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "events.toml").write_text(
        '[[event]]\nid = "routine"\ntitle = "Routine, rewritten"\nbrief = "New."\ntrigger = "turn >= 2"\n'
        '[[event.choice]]\nid = "ok"\nlabel = "OK"\n'
        '[[event]]\nid = "brand_new"\ntitle = "New"\nbrief = "New."\ntrigger = "turn >= 3"\n'
        '[[event.choice]]\nid = "ok"\nlabel = "OK"\n',
        encoding="utf-8",
    )
    report = check_scenario(MINI, [pack])
    assert report.content is not None
    assert report.content.events["routine"].model.title == "Routine, rewritten"
    assert "brand_new" in report.content.events
    notes = [str(n) for n in report.notes]
    assert any("event 'routine' replaces the one at" in n and "pack/events.toml:1:1" in n for n in notes)


def test_unreachable_event_is_a_warning_not_an_error(mini_copy: Path) -> None:
    (mini_copy / "orphan.toml").write_text(
        '[[event]]\nid = "orphan"\ntitle = "O"\nbrief = "x"\n[[event.choice]]\nid = "a"\nlabel = "A"\n',
        encoding="utf-8",
    )
    report = check_scenario(mini_copy)
    assert report.content is not None
    assert any("event 'orphan' has no trigger and no choice schedules it" in str(n) for n in report.notes)


def test_a_condition_whose_calendar_part_never_holds_is_a_warning(edit: Edit) -> None:
    folder = edit(EVENTS, 'trigger = "turn >= 2 and season != \\"\\""', 'trigger = "turn >= 9 and season != \\"\\""')
    report = check_scenario(folder)
    assert report.content is not None
    assert [str(n).split("/events/")[-1] for n in report.notes if "never" in str(n)] == [
        "main.toml:89:11: warning: event 'routine' can never be drawn: the part of its 'trigger' that reads "
        "the calendar holds on no turn from 1 to 6"]


def test_a_choice_shown_only_on_turns_its_event_cannot_come_is_a_warning(edit: Edit) -> None:
    """'opening' comes on turn 1 only (23 October): a choice shown after the election, or open only
    in winter, is never offered; one shown on turn 1, or one that reads more than the calendar, is
    not judged."""
    edit(EVENTS, 'posture = -1\n  effects = ["tension -= 5"]',
         'posture = -1\n  visible_if = "date > election"\n  effects = ["tension -= 5"]')
    folder = edit(EVENTS, 'available_if = "tension >= 60"', 'available_if = \'season == "winter"\'')
    report = check_scenario(folder)
    assert report.content is not None
    assert [str(n).split("/events/")[-1] for n in report.notes if "can never be" in str(n)] == [
        "main.toml:30:16: warning: choice 'wait' of event 'opening' can never be shown: its 'visible_if' holds "
        "on none of the turns the event can come (turn 1)",
        "main.toml:37:18: warning: choice 'strike' of event 'opening' can never be open: its 'available_if' "
        "holds on none of the turns the event can come (turn 1)"]
    fine = edit(EVENTS, 'visible_if = "date > election"', 'visible_if = "turn == 1 and tension > 0"')
    fine = edit(EVENTS, 'available_if = \'season == "winter"\'', 'available_if = \'season == "mud"\'')
    assert not [n for n in check_scenario(fine).notes if "can never be" in str(n)]


def test_calendar_parts_that_hold_on_some_turn_give_no_warning() -> None:
    assert not [n for n in check_scenario(MINI).notes if "can never" in str(n)]


def test_an_empty_list_that_needs_items_says_so_plainly(edit: Edit) -> None:
    folder = edit("scenario.toml", 'effects = ["tension += 2"]', "effects = []")
    assert "'effects' needs at least 1 item(s), not 0" in only_problem(folder)


def test_a_folder_of_files_that_are_not_toml_says_what_it_found(tmp_path: Path) -> None:
    (tmp_path / "event.tml").write_text("[[event]]\n", encoding="utf-8")
    [problem] = problems_of(tmp_path)
    assert problem.endswith(": no .toml files in this folder (content files end in .toml; found event.tml)")


def test_load_scenario_raises_content_error_with_every_problem(edit: Edit) -> None:
    folder = edit(EVENTS, 'advisor = "dove"', 'advisor = "dover"')
    with pytest.raises(ContentError) as error:
        load_scenario(folder)
    assert len(error.value.problems) == 1


def test_content_hash_changes_with_any_edit(edit: Edit) -> None:
    before = load_scenario(MINI).content_hash
    folder = edit(EVENTS, 'brief = "Something happened."', 'brief = "Something else happened."')
    assert load_scenario(folder).content_hash != before


def test_a_passage_shared_by_several_texts_counts_once_in_the_words(edit: Edit) -> None:
    before = load_scenario(MINI).words
    shared = "A paragraph every epilogue shares, eight words long."
    edit("scenario.toml", 'epilogue = "It went badly."', f'epilogue = ["It went badly.", "{shared}"]')
    folder = edit("scenario.toml", 'epilogue = "It calmed down."', f'epilogue = ["It calmed down.", "{shared}"]')
    assert load_scenario(folder).words == before + 8
