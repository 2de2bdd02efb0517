"""The analyst's futures and the policies that play them: as a player or an author relies on them."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from game.analyst.rollouts import Analyst, Roller, future_seed
from game.analyst.stats import distance, paired_interval, wilson
from game.content import Content
from game.engine import Engine, GameState
from game.loader import load_scenario
from game.paths import scenario_folder
from game.policies import Counsel, Lookahead, grade_rank, meter_worth

SHIPPED = scenario_folder("red-line")


@pytest.fixture(scope="module")
def shipped() -> Content:
    return load_scenario(SHIPPED)


def first_decision(content: Content, seed: int = 7) -> GameState:
    return Engine(content).new_game(seed)


def test_wilson_interval_holds_the_share_and_stays_within_0_and_1() -> None:
    share, low, high = wilson(0, 50)
    assert share == 0 and low == 0 and 0 < high < 0.1
    share, low, high = wilson(50, 50)
    assert share == 1 and high == 1 and 0.9 < low < 1
    share, low, high = wilson(30, 100)
    assert low < 0.3 < high and high - low < 0.2
    assert wilson(300, 1000)[2] - wilson(300, 1000)[1] < high - low  # more futures, narrower


def test_distance_is_the_share_of_games_that_change_ending() -> None:
    assert distance({"a": 5, "b": 5}, {"a": 5, "b": 5}) == 0
    assert distance({"a": 10}, {"b": 3}) == 1
    assert distance({"a": 6, "b": 4}, {"a": 4, "b": 6}) == pytest.approx(0.2)
    mean, low, high = paired_interval(10.0, 10.0, 10)
    assert (mean, low, high) == (1.0, 1.0, 1.0)


def test_counsel_follows_the_majority_of_the_advisors(shipped: Content) -> None:
    counsel = Counsel(shipped)
    rng = random.Random(1)
    checked = 0
    for event in shipped.events.values():
        if any(x.when for c in event.model.choice for x in c.counsel):
            continue  # (counsel given under conditions is voted as the game stands: tests/test_texts_that_react.py)
        scores = {c.id: sum(1 if x.position == "for" else -1 for x in c.counsel) for c in event.model.choice}
        top = max(scores.values())
        if list(scores.values()).count(top) != 1:
            continue
        ids = tuple(scores)
        options = [(ident, 0, True) for ident in ids]
        assert counsel(event.id, options, ids, rng, {}) == max(scores, key=lambda k: scores[k])
        checked += 1
    assert checked > 10


def test_the_worth_of_a_meter_is_read_from_the_endings(shipped: Content) -> None:
    worth = meter_worth(shipped)
    rank = grade_rank(shipped)
    assert rank["nuclear_use"] == -1 and rank["armistice"] == 1
    assert worth["front"] > 0  # the line breaking (front <= 0) is a bad ending
    assert worth["peninsula"] < 0  # a second front in Korea (peninsula >= 82) is a bad ending
    assert worth["ceasefire"] > 0 and worth["nuclear_use"] < 0


def test_lookahead_prefers_the_choice_that_moves_the_meters_the_endings_favour(shipped: Content) -> None:
    lookahead = Lookahead(shipped)
    engine = Engine(shipped)
    state = first_decision(shipped)
    env = engine.environment(state)
    event = shipped.events[state.event or ""]
    values = {choice.id: lookahead.value(choice, env) for choice in event.choices}
    ids = tuple(values)
    picked = lookahead(event.id, [(i, 0, True) for i in ids], ids, random.Random(1), env)
    assert values[picked] == max(values.values())


def test_unranked_endings_leave_the_lookahead_without_preferences(shipped: Content, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "s"
    shutil.copytree(SHIPPED, folder)
    scenario = folder / "scenario.toml"
    text = scenario.read_text()
    start = text.index("grades = [")
    scenario.write_text(text[:start] + text[text.index("\n", start) + 1:])
    content = load_scenario(folder)
    assert not any(meter_worth(content).values())


def test_futures_are_the_same_whatever_the_number_of_processes(shipped: Content) -> None:
    state = first_decision(shipped)
    alone = Analyst(shipped, "counsel").futures(state, 60)
    shared = Analyst(shipped, "counsel", jobs=2, source=(SHIPPED, ()))
    try:
        together = shared.futures(state, 60)
    finally:
        shared.close()
    assert alone.endings == together.endings
    assert alone.done == together.done == 60
    assert set(alone.options) == {ident for ident, _p, ok in Engine(shipped).choice_options(state) if ok}


def test_each_future_is_played_under_every_option_with_the_same_luck(shipped: Content) -> None:
    state = first_decision(shipped)
    roller = Roller(shipped, "random")
    seeds = {future_seed(state, k) for k in range(50)}
    assert len(seeds) == 50  # futures differ from each other
    one = roller.world(state, 3, fog=True)
    again = roller.world(state, 3, fog=True)
    assert one.seed == again.seed and one.values == again.values  # and each is the same for every option
    # an option played twice on the same futures gives the same endings: only the options differ
    futures = Analyst(shipped, "random").futures(state, 30, options=[state_choice(shipped, state)] * 1)
    again_futures = Analyst(shipped, "random").futures(state, 30, options=[state_choice(shipped, state)])
    assert futures.endings == again_futures.endings


def state_choice(content: Content, state: GameState) -> str:
    return next(ident for ident, _p, ok in Engine(content).choice_options(state) if ok)


def test_under_the_fog_futures_draw_hidden_stats_from_the_estimates_never_the_truth(shipped: Content) -> None:
    state = first_decision(shipped)
    roller = Roller(shipped, "counsel")
    engine = roller.engine
    hidden = roller.hidden
    assert hidden
    moved = state.copy()
    for ident in hidden:  # a different truth with the same estimate the player sees
        estimate, _band = engine.estimate(state.values, ident, state.seed, state.turn)
        moved.values[ident] = state.values[ident]
    for k in range(20):
        world = roller.world(state, k, fog=True)
        for ident in hidden:
            estimate, band = engine.estimate(state.values, ident, state.seed, state.turn)
            assert estimate - band - 1e-9 <= world.values[ident] <= estimate + band + 1e-9
    truths = {roller.world(state, k, fog=True).values[hidden[0]] for k in range(20)}
    assert len(truths) > 1  # drawn anew in each future, not one fixed guess
    seen = roller.world(state, 0, fog=False)
    assert all(seen.values[ident] == state.values[ident] for ident in hidden)


def test_the_odds_add_up_and_report_paths(shipped: Content) -> None:
    state = first_decision(shipped)
    futures = Analyst(shipped, "counsel").futures(state, 40)
    for odds in futures.odds(shipped, stats=("front", "capital"), steps=4):
        assert sum(share for share, _low, _high in odds.endings.values()) == pytest.approx(1)
        assert all(low <= share <= high for share, low, high in odds.grades.values())
        assert len(odds.path["front"]) == 4
        assert -1 <= odds.score <= 1


def test_streamed_futures_can_be_stopped(shipped: Content) -> None:
    state = first_decision(shipped)
    seen: list[int] = []
    stop: Callable[[], bool] = lambda: len(seen) >= 2
    for futures in Analyst(shipped, "counsel").stream(state, 500, stop=stop):
        seen.append(futures.done)
    assert seen[0] > 0 and seen[-1] < 500


@pytest.mark.parametrize("policy", ["counsel", "lookahead"])
def test_simulate_offers_the_new_policies(policy: str) -> None:
    from game.sim import run_games

    content = load_scenario(SHIPPED)
    tally = run_games(content, 30, policy=policy)
    assert tally.games == 30 and sum(tally.endings.values()) == 30


def test_compare_finds_the_option_that_is_better_at_every_grade(edit: Callable[[str, str, str], Path]) -> None:
    from game.analyst.compare import compare_games, format_report, report

    folder = edit("scenario.toml", 'hypothetical_from = 2024-10-30\n',
                  'hypothetical_from = 2024-10-30\ngrades = ["catastrophic", "mixed", "good"]\n')
    # waiting calms things; warning now starts a war at once
    edit("events/main.toml", 'effects = ["tension += 10", "warned = true"]',
         'effects = ["tension += 60", "warned = true"]')
    content = load_scenario(folder)
    tally = compare_games(content, ["opening"], "random", runs=60)
    found = report(content, tally, policy="random", runs=60, seed=1)
    (opening,) = found["decisions"]
    assert opening["reached"] == 60
    scores = {row["option"]: row["score"] for row in opening["options"]}
    assert scores["wait"] > scores["warn"]
    assert {"better": "wait", "worse": "warn"} in [{k: d[k] for k in ("better", "worse")} for d in opening["dominant"]]
    assert not opening["inert"]
    text = format_report(found, one=True)
    assert "dominant: 'wait' is at least as good as 'warn'" in text


def test_compare_calls_a_decision_inert_when_its_options_change_nothing(edit: Callable[[str, str, str], Path]) -> None:
    from game.analyst.compare import compare_games, report

    folder = edit("events/main.toml", 'effects = ["intel += 10", "tension -= 1"]', 'effects = ["tension += 0"]')
    edit("events/main.toml", 'effects = ["tension += 3"]', 'effects = ["tension += 0"]')
    content = load_scenario(folder)
    found = report(content, compare_games(content, ["routine"], "random", runs=60), policy="random", runs=60, seed=1)
    (routine,) = found["decisions"]
    assert routine["inert"] and routine["spread"] < 0.05 and not routine["dominant"]


def test_compare_all_ranks_decisions_and_is_the_same_on_two_processes() -> None:
    from game.analyst.compare import compare_games

    content = load_scenario(SHIPPED)
    one = compare_games(content, None, "random", runs=50)
    two = compare_games(content, None, "random", runs=50, jobs=2, source=(SHIPPED, ()))
    assert one.endings == two.endings and one.reached == two.reached
    assert len(one.endings) > 20


def test_simulate_compare_on_the_command_line(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "game", "simulate", *args], capture_output=True, text=True,
                              cwd=tmp_path, check=False)

    found = run("--compare", "going_public", "--runs", "40", "--json")
    assert found.returncode == 0, found.stderr
    data = json.loads(found.stdout)
    assert [d["event"] for d in data["decisions"]] == ["going_public"]
    assert {row["option"] for row in data["decisions"][0]["options"]} >= {"keep_classified", "declassify_targets"}
    wrong = run("--compare", "going_publik", "--runs", "5")
    assert wrong.returncode == 2 and "no event 'going_publik'" in wrong.stderr and "going_public" in wrong.stderr
    assert "Traceback" not in wrong.stderr


def _redline(*args: str, cwd: Path, stdin: str = "") -> Any:
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "game", *args], capture_output=True, text=True, cwd=cwd,
                          input=stdin, check=False)


def test_the_plain_game_offers_the_analysts_odds(tmp_path: Path) -> None:
    played = _redline("play", "--plain", "--seed", "3", "--no-autosave", cwd=tmp_path, stdin="o\nq\n")
    assert played.returncode == 0, played.stderr
    assert "o for the analyst's odds" in played.stdout
    assert "futures of each option" in played.stdout and "drawn from your estimates" in played.stdout
    assert played.stdout.count("likeliest:") == 4  # the four options of the first decision
    assert played.stdout.count("(typically, 6 decisions on)") == 4  # and where the meters they move apart go


def test_analyze_names_the_decisions_that_shaped_a_finished_game(tmp_path: Path) -> None:
    import json

    saves = tmp_path / "saves"
    played = _redline("play", "--plain", "--seed", "5", "--saves", str(saves), cwd=tmp_path, stdin="1\n" * 400)
    assert "redline analyze" in played.stdout
    final = sorted(saves.glob("autosave-*.json"))[-1]
    found = _redline("analyze", str(final), "--futures", "8", "--jobs", "1", "--json", cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    data = json.loads(found.stdout)
    assert data["moments"] and data["futures"] == 8
    assert any(line.startswith("Had you chosen") for line in data["summary"])
    text = _redline("analyze", str(final), "--futures", "8", "--jobs", "1", cwd=tmp_path)
    assert "The decisions that shaped this ending:" in text.stdout and "Every decision, by impact" in text.stdout
    assert "worked out before, kept in the save" in text.stdout  # computed once
    verified = _redline("replay", str(final), "--verify", cwd=tmp_path)
    assert verified.returncode == 0, verified.stdout  # the save is as good as before
    # a kept analysis is read as strictly as the rest of the save
    from game.saves import SaveError, checksum, read_save

    body = json.loads(final.read_text())
    body["analysis"]["moments"][0]["score"] = {k: 7.0 for k in body["analysis"]["moments"][0]["score"]}
    body.pop("checksum")
    body["checksum"] = checksum(body)
    final.write_text(json.dumps(body))
    with pytest.raises(SaveError, match="analysis"):
        read_save(final)
    unfinished = _redline("play", "--plain", "--seed", "5", "--saves", str(tmp_path / "other"), cwd=tmp_path,
                          stdin="1\nq\n")
    assert unfinished.returncode == 0
    early = sorted((tmp_path / "other").glob("autosave-*.json"))[-1]
    refused = _redline("analyze", str(early), cwd=tmp_path)
    assert refused.returncode == 2 and "not over yet" in refused.stderr and "Traceback" not in refused.stderr


def test_the_player_can_switch_the_analyst_off_in_the_settings() -> None:
    from game.settings import Settings, SettingsError, parse_settings, settings_text

    assert parse_settings("analyst = false\n").analyst is False
    assert parse_settings("").analyst is True
    assert parse_settings(settings_text(Settings(analyst=False))).analyst is False
    with pytest.raises(SettingsError, match="analyst must be true or false"):
        parse_settings('analyst = "no"\n')


def test_a_grade_the_scenario_does_not_list_is_a_located_error(edit: Callable[[str, str, str], Path]) -> None:
    from game.loader import check_scenario

    folder = edit("scenario.toml", 'hypothetical_from = 2024-10-30\n',
                  'hypothetical_from = 2024-10-30\ngrades = ["catastrophic", "mixed"]\n')
    report = check_scenario(folder)
    messages = [str(p) for p in report.problems]
    assert any("grade 'good'" in m and "scenario.toml:" in m for m in messages), messages


def test_the_debrief_weighs_the_decisions_of_a_game_with_standing_actions(shipped: Content) -> None:
    from game.analyst.shaping import decision_states, shape
    from game.replay import choices_of

    engine = Engine(shipped)
    state = engine.new_game(12)
    action = next(iter(shipped.actions))
    state = engine.act(state, action).state
    for _ in range(3):
        state = engine.choose(state, state_choice(shipped, state)).state
    choices = choices_of(state)
    assert any(choice.startswith("action:") for _event, choice in choices)
    states = decision_states(engine, state.seed, choices)
    assert [choice for _state, choice in states] == [c for _e, c in choices if not c.startswith("action:")]
    found = shape(shipped, state.seed, choices, "grind", futures=3)
    assert found is not None and len(found.moments) >= 2


def test_the_interval_of_a_dominance_claim_widens_with_the_pairs_compared() -> None:
    from game.analyst.stats import Z95, z_for_pairs
    assert z_for_pairs(1) == pytest.approx(Z95)
    assert z_for_pairs(6) == pytest.approx(2.638, abs=1e-3) and z_for_pairs(12) > z_for_pairs(6)


def test_an_ending_that_comes_early_is_worth_its_rank_less_what_playing_on_is_worth(edit: Any) -> None:
    """The lookahead's edges: `war` (catastrophic) can end the game at any turn, so it also takes away
    the rest of the game; `calm` comes only when the calendar runs out and is worth its rank."""
    from game.policies import ending_edges, grade_rank
    folder = edit("scenario.toml", 'timeout_ending = "stalemate"',
                  'timeout_ending = "stalemate"\ngrades = ["catastrophic", "mixed", "good"]')
    content = load_scenario(folder)
    rank = grade_rank(content)
    playing_on = (rank["calm"] + rank["stalemate"]) / 2
    edges = {(name, threshold): worth for name, _direction, threshold, worth in ending_edges(content)}
    assert edges[("tension", 90.0)] == pytest.approx(rank["war"] - playing_on)
    assert edges[("tension", 40.0)] == pytest.approx(rank["calm"])


def test_a_flag_that_ends_the_game_weighs_as_much_as_its_ending(edit: Any) -> None:
    """`war` comes as soon as `warned` is set (one side of an `or`): the lookahead values setting it
    as reaching `war`, not as one meter among others; a flag read only when the calendar runs out
    (or beside another condition) ends nothing by itself."""
    from game.policies import EDGE_WEIGHT, ending_flags, grade_rank
    edit("scenario.toml", 'when = "tension >= 90"', 'when = "tension >= 90 or warned"')
    folder = edit("scenario.toml", 'timeout_ending = "stalemate"',
                  'timeout_ending = "stalemate"\ngrades = ["catastrophic", "mixed", "good"]')
    content = load_scenario(folder)
    rank = grade_rank(content)
    playing_on = (rank["calm"] + rank["stalemate"]) / 2
    assert ending_flags(content) == {"warned": pytest.approx(rank["war"] - playing_on)}
    lookahead = Lookahead(content)
    plain = meter_worth(content)["warned"]  # (its worth as a leaning of the condition)
    assert lookahead.worth["warned"] == pytest.approx(plain + EDGE_WEIGHT * (rank["war"] - playing_on))

    shipped = load_scenario(SHIPPED)
    found = ending_flags(shipped)
    assert {"nuclear_use", "nato_clash", "us_dprk_combat", "dismissed"} <= set(found)
    assert "ceasefire" not in found and "reassurance_force" not in found  # (read at the calendar's end)
    assert all(worth < 0 for worth in found.values())


def test_a_meter_that_makes_a_disaster_likelier_is_worth_keeping_low(edit: Any) -> None:
    """`threat` is in no ending's condition, but the reply's gamble ends the game in `war` with a
    chance that rises with it: the lookahead counts that danger, and a choice that only raises
    `threat` is worth less than nothing; where the chance does not read it, nothing."""
    from game.policies import DANGER_WEIGHT
    edit("scenario.toml", 'when = "tension >= 90"', 'when = "tension >= 90 or broke"')
    edit("scenario.toml", 'timeout_ending = "stalemate"',
         'timeout_ending = "stalemate"\ngrades = ["catastrophic", "mixed", "good"]')
    edit("scenario.toml", '[[flag]]\nid = "warned"', '[[flag]]\nid = "warned"\n\n[[flag]]\nid = "broke"')
    edit("events/main.toml", 'chance = 0.5\n    text = "It failed."\n    effects = ["tension += 30", "threat += 20"]',
         'chance = "threat / 100"\n    text = "It failed."\n    effects = ["broke = true"]')
    edit("events/main.toml", 'effects = ["tension -= 10"]',
         'effects = ["tension -= 10"]\n  available_if = "not warned"\n  unavailable_reason = "Too late."')
    folder = edit("events/main.toml", 'effects = ["tension += 3"]', 'effects = ["threat += 20"]')
    content = load_scenario(folder)
    lookahead = Lookahead(content)
    engine = Engine(content)
    env = dict(engine.environment(engine.new_game(3)), warned=True)  # (accepting is not open)
    calm, tense = dict(env, threat=20), dict(env, threat=80)
    assert lookahead.danger(tense) < lookahead.danger(calm) < 0
    ignore = content.events["routine"].choice("ignore")
    assert ignore is not None
    raised = dict(env, threat=min(100, env["threat"] + 20))
    assert lookahead.value(ignore, env) == pytest.approx(
        DANGER_WEIGHT * (lookahead.danger(raised) - lookahead.danger(env)))
    assert lookahead.value(ignore, env) < 0

    assert Lookahead(content).danger(dict(env, warned=False)) == 0  # (accepting is open, and safe)
    steady = edit("events/main.toml", 'chance = "threat / 100"', 'chance = 0.5')
    assert Lookahead(load_scenario(steady)).value(ignore, env) == 0


def test_a_standing_consequence_a_choice_switches_on_counts_for_the_turns_it_would_act(edit: Any) -> None:
    """`strike` only counts a strike, but a rule lowers tension on even turns once one is counted: the
    lookahead values the strike as that rule's effects over the turns left (2, 4 and 6 of a six-turn
    game), discounted by RULE_WEIGHT, as much as a choice that lowers tension by that much at once;
    a choice that changes nothing the rule reads is valued as before; and a rule that reads the
    choice itself (`chose()`) counts too."""
    from game.policies import RULE_WEIGHT
    edit("scenario.toml", 'timeout_ending = "stalemate"',
         'timeout_ending = "stalemate"\ngrades = ["catastrophic", "mixed", "good"]')
    plain = load_scenario(edit("events/main.toml", 'effects = ["tension -= 5"]', 'effects = ["tension -= 1"]'))
    rule = ('[[rule]]\nid = "strikes_bite"\nwhen = "strikes >= 1 and turn % 2 == 0"\neffects = ["tension -= 3"]\n'
            'text = "The strikes bite."\n\n[[rule]]\nid = "waited"\nwhen = \'chose("opening", "wait")\'\n'
            'effects = ["tension -= 2"]\ntext = "Waiting pays."\n\n[[ending]]')
    edit("scenario.toml", "[[ending]]", rule)
    content = load_scenario(edit("events/main.toml", 'effects = ["tension -= 1"]',
                                 f'effects = ["tension -= {3 * 3 * RULE_WEIGHT}"]'))
    engine = Engine(content)
    env = engine.environment(engine.new_game(3))
    assert env["turn"] == 1
    opening = content.events["opening"]
    strike, wait, warn = opening.choice("strike"), opening.choice("wait"), opening.choice("warn")
    assert strike is not None and wait is not None and warn is not None
    before = Lookahead(plain)
    plain_strike, plain_warn = plain.events["opening"].choice("strike"), plain.events["opening"].choice("warn")
    assert plain_strike is not None and plain_warn is not None
    assert before.value(plain_strike, env) == 0  # (strikes are worth nothing)
    lookahead = Lookahead(content)
    # (the same move of tension, once from the strike's rule and once from `wait`'s own effect; `wait`
    # also switches on `waited`, on each of the five turns left)
    once = lookahead.value(wait, env)
    assert lookahead.value(strike, env) > 0
    unwaited = Lookahead(load_scenario(edit("scenario.toml", 'when = \'chose("opening", "wait")\'', 'when = "false"')))
    assert unwaited.value(wait, env) == pytest.approx(lookahead.value(strike, env))
    assert once > unwaited.value(wait, env)
    assert lookahead.value(warn, env) == pytest.approx(before.value(plain_warn, env))


def test_the_lookahead_draws_an_outcome_after_the_choice_s_own_effects(edit: Any) -> None:
    """The engine draws an outcome once the choice's effects are in, so a choice that raises `intel`
    before a gamble whose odds read `intel` is valued at the raised odds: as if the chance were
    written as its value there (intel 20 + 80 = 100, a win chance of 1.0)."""
    edit("scenario.toml", 'timeout_ending = "stalemate"',
         'timeout_ending = "stalemate"\ngrades = ["catastrophic", "mixed", "good"]')
    folder = edit("events/main.toml", '  id = "gamble"\n  label = "Gamble"\n  visible_if = "warned"\n',
                  '  id = "gamble"\n  label = "Gamble"\n  visible_if = "warned"\n  effects = ["intel += 80"]\n')
    content = load_scenario(folder)
    written = load_scenario(edit("events/main.toml", 'chance = "0.5 + intel / 200"', 'chance = "1.0"'))
    engine = Engine(content)
    env = engine.environment(engine.new_game(3))
    assert env["intel"] == 20
    gamble, fixed = content.events["reply"].choice("gamble"), written.events["reply"].choice("gamble")
    assert gamble is not None and fixed is not None
    assert Lookahead(content).value(gamble, env) == pytest.approx(Lookahead(written).value(fixed, env))
