"""Replays: verifying a record, finding where it diverges on edited content, transcripts, the CLI."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from game import cli, paths, saves
from game.engine import Engine, GameState
from game.loader import load_scenario
from game.log import Decided
from game.replay import Divergence, check, choices_of, record, replay, state_digest, transcript

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
PREFERENCE = {"opening": ["warn"], "reply": ["gamble", "accept"], "crisis": ["back_down"], "late": ["ok"]}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_scenario(FIXTURES / "mini"))


def scripted(engine: Engine, seed: int = 0) -> GameState:
    """A game that warns, gambles, backs down, and alternates handling and ignoring routine matters.
    With seed 0 it goes: opening.warn, reply.gamble (win), late.ok, routine.handle, routine.ignore."""
    state, routine = engine.new_game(seed), 0
    while not state.over:
        decision = engine.decision(state)
        assert decision is not None
        available = [c.id for c in decision.choices if c.available]
        if decision.event.id == "routine":
            pick, routine = ["handle", "ignore"][routine % 2], routine + 1
        else:
            pick = next(p for p in PREFERENCE[decision.event.id] if p in available)
        state = engine.choose(state, pick).state
    return state


def first_index(state: GameState, event: str, choice: str | None = None) -> int:
    for index, entry in enumerate(state.decisions):
        if entry.event == event and (choice is None or (isinstance(entry, Decided) and entry.choice == choice)):
            return index
    raise AssertionError(f"{event}.{choice} not in the game")


def random_game(engine: Engine, rng: random.Random) -> GameState:
    state = engine.new_game(rng.randrange(2**63))
    for _ in range(rng.randrange(0, 12)):
        decision = engine.decision(state)
        if decision is None:
            break
        state = engine.choose(state, rng.choice([c.id for c in decision.choices if c.available])).state
    return state


# --- verifying --------------------------------------------------------------------------------


def test_a_recorded_game_replays_identically(engine: Engine) -> None:
    state = scripted(engine)
    start, steps, final = record(engine, state.seed, choices_of(state))
    assert final.to_dict() == state.to_dict()
    assert start.digest == state_digest(engine.new_game(state.seed))
    assert check(engine, state.seed, steps, start) is None


def test_a_thousand_random_games_replay_identically_in_a_fresh_process(engine: Engine, tmp_path: Path) -> None:
    rng = random.Random(1000)
    info = saves.GameInfo("ba7c0000", "2024-10-23T00:00:00Z")
    games = [saves.make_record(engine, random_game(engine, rng), "batch", info).to_dict() for _ in range(1000)]
    batch = tmp_path / "games.json"
    batch.write_text(json.dumps(games), encoding="utf-8")
    child = """
import json, sys
from pathlib import Path
from game.engine import Engine
from game.loader import load_scenario
from game.replay import check, choices_of, record, state_digest
from game.saves import parse_save
engine = Engine(load_scenario(Path(sys.argv[1])))
games = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
identical, problems = 0, []
for data in games:
    saved = parse_save(json.dumps(data).encode())
    divergence = check(engine, saved.seed, saved.steps, saved.start)
    _, steps, final = record(engine, saved.seed, choices_of(saved.state))
    if divergence is None and steps == list(saved.steps) and state_digest(final) == state_digest(saved.state):
        identical += 1
    else:
        problems.append(f"seed {saved.seed}: {divergence}")
print(json.dumps({"games": len(games), "identical": identical, "problems": problems[:3]}))
"""
    env = {**os.environ, "PYTHONHASHSEED": "4242", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", child, str(FIXTURES / "mini"), str(batch)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result == {"games": 1000, "identical": 1000, "problems": []}
    assert len({(g["seed"], len(g["decisions"])) for g in games}) > 900, "the games are varied"


# --- content edited under a save --------------------------------------------------------------


def divergence_after(engine: Engine, edited: Path) -> tuple[GameState, Divergence | None, saves.Loaded]:
    state = scripted(engine)
    saved = saves.make_record(engine, state, "before the edit", saves.GameInfo.new())
    loaded = saves.open_record(saved, Engine(load_scenario(edited)))
    return state, loaded.divergence, loaded


def test_changed_effect_names_the_first_decision_that_used_it(engine: Engine, edit: Callable[..., Path]) -> None:
    folder = edit("events/main.toml", '"intel += 10", "tension -= 1"', '"intel += 5", "tension -= 1"')
    state, divergence, loaded = divergence_after(engine, folder)
    assert divergence is not None
    assert divergence.number == first_index(state, "routine", "handle") + 1
    assert divergence.step is not None and (divergence.step.event, divergence.step.choice) == ("routine", "handle")
    assert any(w.startswith("Intel was") for w in divergence.what)
    assert loaded.status == saves.CHANGED
    assert f"diverges at decision {divergence.number} (turn" in loaded.summary
    assert f"continue from after decision {divergence.matched}" in loaded.summary


def test_removed_choice_names_the_decision_that_took_it(engine: Engine, edit: Callable[..., Path]) -> None:
    folder = edit("events/main.toml", 'id = "ignore"', 'id = "disregard"')
    state, divergence, _ = divergence_after(engine, folder)
    assert divergence is not None
    assert divergence.number == first_index(state, "routine", "ignore") + 1
    assert divergence.what == ("event 'routine' no longer has a choice 'ignore'",)


def test_changed_chance_names_the_decision_whose_outcome_flips(engine: Engine, edit: Callable[..., Path]) -> None:
    folder = edit("events/main.toml", 'chance = "0.5 + intel / 200"', "chance = 0")
    state, divergence, _ = divergence_after(engine, folder)
    assert state.decisions[1].outcome == "win"
    assert divergence is not None and divergence.number == 2
    assert divergence.what[0] == "the outcome is now 'lose', was 'win'"


def test_changed_trigger_names_the_decision_whose_event_no_longer_fires(
    engine: Engine, edit: Callable[..., Path]
) -> None:
    folder = edit("events/main.toml", 'trigger = "date > election and', 'trigger = "false and date > election and')
    state, divergence, loaded = divergence_after(engine, folder)
    late = first_index(state, "late")
    assert divergence is not None and divergence.number == late + 1
    assert divergence.what[0].startswith("the event here is now") and divergence.what[0].endswith("not 'late'")
    # the player can go on from the last point that matches: right before that decision
    assert divergence.matched == late
    assert choices_of(loaded.state) == choices_of(state)[:late]
    assert loaded.state.event != "late" and not loaded.state.over


def test_removed_follow_up_names_the_decision_whose_event_changes(engine: Engine, edit: Callable[..., Path]) -> None:
    folder = edit("events/main.toml", 'followups = [{ event = "reply", after = 1 }]', "")
    _, divergence, _ = divergence_after(engine, folder)
    assert divergence is not None and divergence.number == 2
    assert divergence.what[0].endswith("not 'reply'")


def test_changed_start_is_reported_at_the_start(engine: Engine, edit: Callable[..., Path]) -> None:
    folder = edit("scenario.toml", 'label = "Tension"\ninitial = 40', 'label = "Tension"\ninitial = 45')
    _, divergence, loaded = divergence_after(engine, folder)
    assert divergence is not None and divergence.at_start and divergence.matched == 0
    assert str(divergence) == "at the start: Tension was 40, now 45"
    assert "continue from the start" in loaded.summary


def test_lower_threshold_names_the_decision_where_the_game_now_ends(
    engine: Engine, edit: Callable[..., Path]
) -> None:
    folder = edit("scenario.toml", 'when = "tension >= 90"', 'when = "tension >= 50"')
    _, divergence, _ = divergence_after(engine, folder)
    assert divergence is not None
    assert "the game now ends with 'war' here" in divergence.what


def test_text_only_edit_replays_the_same(engine: Engine, edit: Callable[..., Path]) -> None:
    folder = edit("events/main.toml", 'brief = "A routine matter."', 'brief = "A routine matter, reworded."')
    state, divergence, loaded = divergence_after(engine, folder)
    assert divergence is None
    assert loaded.status == saves.CHANGED
    assert loaded.summary == "the content changed since this save, but every decision replays the same"
    assert loaded.state.to_dict() == state.to_dict()


def test_continuing_after_a_divergence_is_a_new_game_that_leaves_the_original_alone(
    engine: Engine, edit: Callable[..., Path], tmp_path: Path
) -> None:
    state = scripted(engine)
    original = saves.save_as(tmp_path, "original", engine, state)
    before = original.read_bytes()
    edited = Engine(load_scenario(edit("events/main.toml", 'id = "ignore"', 'id = "disregard"')))
    loaded = saves.load_save(original, edited)
    assert loaded.info.game != saves.read_save(original).game
    assert loaded.info.branched_from is not None and loaded.info.branched_from["decision"] == loaded.kept
    autosaver = saves.Autosaver(tmp_path, edited, loaded.info)
    decision = edited.decision(loaded.state)
    assert decision is not None
    autosaver(edited.choose(loaded.state, decision.choices[0].id).state)
    assert original.read_bytes() == before


# --- frames and transcript --------------------------------------------------------------------


def test_replay_frames_hold_each_brief_choice_outcome_and_meters(engine: Engine) -> None:
    state = scripted(engine)
    start, steps, _ = record(engine, state.seed, choices_of(state))
    run = replay(engine, state.seed, steps, start)
    assert len(run.frames) == len(steps) == run.total
    gamble = run.frames[1]
    assert gamble.decision.event.brief == "They replied."
    assert gamble.step.choice == "gamble" and gamble.resolution.outcome == "win"
    assert gamble.resolution.text == "It worked."
    assert [v.id for v in gamble.decision.stats] == ["tension", "intel", "threat"]
    assert run.final.to_dict() == state.to_dict()


def test_transcript_reads_as_the_game(engine: Engine) -> None:
    state = scripted(engine)
    start, steps, _ = record(engine, state.seed, choices_of(state))
    text = transcript(engine, replay(engine, state.seed, steps, start))
    assert text.startswith("# Mini crisis: a replay\n")
    assert "## 1. Opening" in text and "Something happened." in text
    assert "**Warn them** **← chosen**" in text
    assert "~~Strike~~ (unavailable: Tension is too low to justify it.)" in text
    assert "H. Awk (hawk), for: Warn them." in text
    assert "Outcome: win" in text and "It worked." in text
    assert "## Ending: Stalemate (mixed)" in text
    assert "Threat: ≈" in text and "truly" in text
    assert text.rstrip().endswith(f"Decisions: {len(steps)} of {len(steps)}.")


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def mini_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the CLI find the mini fixture as the installed scenario 'mini'."""
    real = paths.scenario_folder
    monkeypatch.setattr(paths, "scenario_folder", lambda s, content=FIXTURES: real(s or "mini", FIXTURES))


def test_verify_exits_0_when_identical(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], mini_installed: None
) -> None:
    path = saves.save_as(tmp_path, "done", engine, scripted(engine))
    assert cli.main(["replay", str(path), "--verify"]) == 0
    assert capsys.readouterr().out == "identical: 5 decisions re-run; every state matches the record\n"


def test_verify_exits_1_with_the_first_divergence(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    edit: Callable[..., Path],
) -> None:
    path = saves.save_as(tmp_path, "done", engine, scripted(engine))
    folder = edit("events/main.toml", '"intel += 10", "tension -= 1"', '"intel += 5", "tension -= 1"')
    monkeypatch.setattr(paths, "scenario_folder", lambda s, content=None: folder)
    assert cli.main(["replay", str(path), "--verify"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("diverges at decision 4 (turn 4, routine: handle): Intel was 30, now 25")
    assert out.rstrip().endswith("(the content changed since this save)") and out.count("\n") == 1


def test_transcript_is_written_and_the_save_left_alone(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], mini_installed: None
) -> None:
    path = saves.save_as(tmp_path, "done", engine, scripted(engine))
    before = path.read_bytes()
    out = tmp_path / "game.md"
    assert cli.main(["replay", str(path), "--transcript", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}: 5 of 5 decisions\n"
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Mini crisis: done\n") and "seed: 0" in text
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--transcript", "{save}"], "would overwrite the save"),
        (["--transcript", "{tmp}"], "is a folder, not a file"),
        (["--transcript", "{tmp}/missing/out.md"], "no folder"),
    ],
)
def test_transcript_refuses_bad_destinations(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], mini_installed: None,
    args: list[str], message: str,
) -> None:
    path = saves.save_as(tmp_path, "done", engine, scripted(engine))
    before = sorted(tmp_path.iterdir()), path.read_bytes()
    argv = [a.format(save=path, tmp=tmp_path) for a in args]
    assert cli.main(["replay", str(path), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert (sorted(tmp_path.iterdir()), path.read_bytes()) == before


def test_plain_game_quit_midway_and_continued_is_the_same_game(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    mini_installed: None,
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("1\n1\nq\n"))
    assert cli.main(["play", "--plain", "--seed", "0", "--saves", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    autosaves = sorted(tmp_path.glob("autosave-*.json"))
    assert len(autosaves) == 2 and f"--load {autosaves[-1]}" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\n1\n1\n1\n1\n1\n"))
    assert cli.main(["play", "--plain", "--load", str(autosaves[-1]), "--saves", str(tmp_path)]) == 0
    capsys.readouterr()
    newest = max(tmp_path.glob("autosave-*.json"), key=lambda p: saves.read_save(p).decision_count)
    straight = engine.new_game(0)
    while not straight.over:
        decision = engine.decision(straight)
        assert decision is not None
        straight = engine.choose(straight, decision.choices[0].id).state
    assert saves.read_save(newest).state.to_dict() == straight.to_dict()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["play", "--plain", "--load", "{tmp}/nothing.json"], "no such file"),
        (["play", "--plain", "--load", "{tmp}/x.json", "--seed", "3"], "do not go together"),
        (["saves", "--saves", "{tmp}/nowhere"], "does not exist"),
        (["replay", "{tmp}/nothing.json", "--verify"], "no such file"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mini_installed: None, argv: list[str], message: str
) -> None:
    assert cli.main([a.format(tmp=tmp_path) for a in argv]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert list(tmp_path.iterdir()) == []


def test_saves_lists_each_file_in_a_table(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], mini_installed: None
) -> None:
    saves.save_as(tmp_path, "Before the election", engine, scripted(engine))
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    assert cli.main(["saves", "--saves", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["FILE", "NAME", "SCENARIO", "PROGRESS", "SAVED", "STATUS"]
    assert lines[1].startswith("before-the-election.json") and "Before the election" in lines[1]
    assert "turn 6, 27 Nov 2024, 5 decisions, ended: stalemate" in lines[1] and lines[1].endswith("ok")
    assert lines[2].startswith("broken.json") and "unreadable: " in lines[2]
