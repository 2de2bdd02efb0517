"""The static warnings of `redline check`, and the interval reasoning under them, held to the
compiled expressions on random values."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from game.authoring.intervals import BOTH, Abstract, Span, evaluate
from game.expr import ExprError, Names, Type, compile_expr
from game.loader import check_scenario

Edit = Callable[[str, str, str], Path]
EVENTS = "events/main.toml"


def warnings_of(folder: Path) -> list[str]:
    report = check_scenario(folder)
    assert report.content is not None, report.problems
    return [str(n) for n in report.notes if n.severity == "warning"]


def test_a_condition_beyond_the_declared_range_is_warned_of(edit: Edit) -> None:
    folder = edit(EVENTS, 'trigger = "turn >= 2 and season != \\"\\""', 'trigger = "turn >= 2 and tension >= 900"')
    found = [w for w in warnings_of(folder) if "can never hold" in w]
    assert len(found) == 1
    assert "main.toml:89:11: warning: event 'routine': its 'trigger' can never hold" in found[0]
    assert "`tension >= 900` cannot hold (tension is between 0 and 100)" in found[0]


def test_conditions_that_can_hold_are_not_warned_of(edit: Edit) -> None:
    folder = edit(EVENTS, 'trigger = "turn >= 2 and season != \\"\\""',
                  'trigger = "tension >= 100 or (intel * 2 > 150 and not warned)"')
    assert not [w for w in warnings_of(folder) if "can never hold" in w]


def test_a_follow_up_that_brings_its_own_event_back_at_once(edit: Edit) -> None:
    folder = edit(EVENTS, '  id = "handle"\n', '  id = "handle"\n  followups = [{ event = "routine", after = 0 }]\n')
    assert any("event 'routine' schedules itself again at once" in w for w in warnings_of(folder))


def test_flags_set_and_never_read_and_read_and_never_set(edit: Edit) -> None:
    edit("scenario.toml", '[[counter]]', '[[flag]]\nid = "never_set"\n\n[[counter]]')
    folder = edit(EVENTS, 'visible_if = "warned"', 'visible_if = "warned and never_set"')
    found = warnings_of(folder)
    assert any("flag 'never_set' is read but nothing sets it, so it is always false" in w for w in found)
    assert any("counter 'strikes' is set but nothing reads it" in w for w in found)


def test_an_advisor_who_never_speaks(edit: Edit) -> None:
    folder = edit("scenario.toml", '[[rule]]',
                  '[[advisor]]\nid = "mute"\nname = "M"\ntitle = "T"\nstance = "s"\n\n[[rule]]')
    assert any("advisor 'mute' never speaks" in w for w in warnings_of(folder))


def test_a_choice_that_tells_the_player_nothing(edit: Edit) -> None:
    folder = edit(EVENTS, '  label = "Handle it"\n', '  label = "Handle it"\n  text = "You handle it."\n')
    found = [w for w in warnings_of(folder) if "event 'routine'" in w and "no text and no outcomes" in w]
    assert len(found) == 1
    assert "main.toml:102:8: warning: event 'routine': choice 'ignore' has no text and no outcomes" in found[0]


def test_an_outcome_that_tells_the_player_nothing_after_a_silent_choice(edit: Edit) -> None:
    folder = edit(EVENTS, '  label = "Handle it"\n',
                  '  label = "Handle it"\n\n    [[event.choice.outcome]]\n    id = "quietly"\n    chance = 1\n\n'
                  '    [[event.choice.outcome]]\n    id = "loudly"\n    chance = 1\n    text = "Everyone hears."\n\n')
    found = [w for w in warnings_of(folder) if "'handle'" in w]
    assert len(found) == 1
    assert "outcome 'quietly' of choice 'handle' has no text and neither has the choice" in found[0]


def test_every_shipped_choice_tells_the_player_what_it_did() -> None:
    assert not [w for w in warnings_of(Path("content/red-line")) if "reads nothing" in w]


def test_the_shipped_scenario_has_no_condition_that_can_never_hold() -> None:
    assert not [w for w in warnings_of(Path("content/red-line")) if "can never hold" in w]


_NAMES = Names(types={"a": "num", "b": "num", "f": "bool", "g": "bool"}, constants={}, string_values={})
_RANGES: dict[str, Abstract] = {"a": Span(0, 100), "b": Span(-5, 5), "f": BOTH, "g": BOTH}


def _number(rng: random.Random, depth: int) -> str:
    if depth <= 0 or rng.random() < 0.3:
        return rng.choice(["a", "b", str(rng.randint(-20, 120)), str(rng.uniform(-3, 3))[:5]])
    shape = rng.randrange(6)
    x, y = _number(rng, depth - 1), _number(rng, depth - 1)
    if shape == 0:
        return f"({x} {rng.choice('+-*/')} {y})"
    if shape == 1:
        return f"{rng.choice(['min', 'max'])}({x}, {y})"
    if shape == 2:
        return f"abs({x})"
    if shape == 3:
        return f"clamp({x}, {y}, {_number(rng, 0)})"
    if shape == 4:
        return f"round({x})"
    return f"({x} if {_condition(rng, depth - 1)} else {y})"


def _condition(rng: random.Random, depth: int) -> str:
    if depth <= 0 or rng.random() < 0.3:
        compare = rng.choice(["<", "<=", ">", ">=", "==", "!="])
        return rng.choice(["f", "g", "not f", f"{_number(rng, 0)} {compare} {_number(rng, 0)}"])
    x, y = _condition(rng, depth - 1), _condition(rng, depth - 1)
    return rng.choice([f"({x} and {y})", f"({x} or {y})", f"not ({x})", f"{_number(rng, 1)} < {_number(rng, 1)}"])


def test_what_intervals_say_an_expression_can_give_contains_what_it_gives() -> None:
    rng = random.Random(5)
    for _ in range(400):
        text = _condition(rng, 3) if rng.random() < 0.5 else _number(rng, 3)
        abstract = evaluate(text, _RANGES)
        want: Type = "num" if isinstance(abstract, Span) else "bool"
        try:
            compiled = compile_expr(text, _NAMES, want)
        except ExprError:
            want = "num" if want == "bool" else "bool"
            compiled = compile_expr(text, _NAMES, want)
        for _ in range(30):
            env = {"a": rng.choice([0.0, 100.0, rng.uniform(0, 100)]), "f": rng.random() < 0.5,
                   "b": rng.choice([-5.0, 5.0, rng.uniform(-5, 5)]), "g": rng.random() < 0.5}
            value = compiled(env)
            if want == "bool":
                assert abstract is None or (isinstance(abstract, frozenset) and bool(value) in abstract), text
            elif isinstance(abstract, Span):
                assert abstract.lo - 1e-9 <= value <= abstract.hi + 1e-9, (text, env, value, abstract)


def test_a_text_that_reads_a_hidden_stat_itself_is_warned_of_and_its_estimate_is_not(edit: Edit) -> None:
    brief = 'brief = "They replied."'
    folder = edit("events/main.toml", brief, 'brief = [{ when = "threat > 60", text = "They mean it." }, '
                                             '{ when = \'estimate("threat") > 60\', text = "They may mean it." }, '
                                             '{ when = \'band("threat") <= 5\', text = "Surely." }]')
    told = [w for w in warnings_of(folder) if "reads the hidden stat" in w]
    assert len(told) == 1 and "'threat'" in told[0] and 'estimate("threat")' in told[0]


def test_a_follow_up_that_can_bring_back_an_event_that_fires_once(edit: Edit) -> None:
    # 'late' fires once and has a trigger: a follow-up that does not ask whether it fired can bring it twice
    old = 'followups = [{ event = "reply", after = 1 }]'
    folder = edit(EVENTS, old, 'followups = [{ event = "reply", after = 1 }, { event = "late", after = 3 }]')
    found = [w for w in warnings_of(folder) if "fires once but can also come by its trigger" in w]
    assert len(found) == 1 and "event 'late'" in found[0] and 'fired("late") == 0' in found[0]


def test_a_follow_up_that_asks_whether_its_event_fired_is_not_warned_of(edit: Edit) -> None:
    old = 'followups = [{ event = "reply", after = 1 }]'
    folder = edit(EVENTS, old, 'followups = [{ event = "reply", after = 1 }, '
                  """{ event = "late", after = 3, when = 'fired("late") == 0' }, { event = "routine", after = 2 }]""")
    assert not [w for w in warnings_of(folder) if "fires once but can also come by its trigger" in w]


def test_a_standing_action_that_can_bring_back_an_event_that_fires_once_is_warned_of(mini_copy: Path) -> None:
    # 'late' fires once and has a trigger; of the action's two outcomes only the first fails to ask
    (mini_copy / "actions.toml").write_text(
        '[[action]]\nid = "probe"\nlabel = "Probe"\ncost = ["intel -= 1"]\n\n'
        '  [[action.outcome]]\n  id = "found"\n  chance = 1\n  followups = [{ event = "late", after = 1 }]\n\n'
        '  [[action.outcome]]\n  id = "asked"\n  chance = 1\n'
        """  followups = [{ event = "late", after = 1, when = 'fired("late") == 0' }]\n""", encoding="utf-8")
    found = [w for w in warnings_of(mini_copy) if "fires once but can also come by its trigger" in w]
    assert len(found) == 1 and "actions.toml:9:" in found[0] and "event 'late'" in found[0], found
