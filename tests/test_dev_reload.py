"""`redline play --dev`: reload on change, re-run the game to where it was, keep the last good content,
and start at any event."""

from __future__ import annotations

import io
import shutil
import threading
from pathlib import Path

import pytest

from game.devmode import DevSession, decisions_of, find_start, fingerprint, play_plain, rerun, watch
from game.engine import Engine, GameState
from game.loader import load_scenario
from game.log import Jumped

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    return folder


def _session(folder: Path) -> DevSession:
    return DevSession(folder, (), load_scenario(folder))


def _play(session: DevSession, seed: int, choices: list[str]) -> GameState:
    state = session.new_game(seed)
    for choice in choices:
        state = session.engine.choose(state, choice).state
    return state


def _edit(folder: Path, old: str, new: str) -> None:
    path = folder / "events" / "main.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_reload_reruns_the_game_to_where_the_author_was(pack: Path) -> None:
    session = _session(pack)
    state = _play(session, 4, ["warn", "accept"])
    _edit(pack, 'brief = "They replied."', 'brief = "They replied, at length."')
    result = session.reload(state)
    assert result.ok and result.divergence is None and result.replayed == 2
    assert result.state is not None
    assert decisions_of(result.state) == decisions_of(state)
    assert result.state.values == state.values
    assert session.content.events["reply"].model.brief == "They replied, at length."


def test_broken_content_keeps_the_last_good_content_and_lists_problems(pack: Path) -> None:
    session = _session(pack)
    state = _play(session, 4, ["warn"])
    _edit(pack, 'effects = ["tension -= 10"]', 'effects = ["tension -= ten"]')
    result = session.reload(state)
    assert not result.ok and result.state is None
    assert any("main.toml" in str(p) and "unknown name 'ten'" in str(p) for p in result.problems)
    assert "still playing the last good content" in result.summary
    # the game goes on with the content that loaded last
    assert session.engine.choose(state, "accept").state.values["tension"] < state.values["tension"]


def test_fixing_the_problem_reloads_again(pack: Path) -> None:
    session = _session(pack)
    state = _play(session, 4, ["warn"])
    _edit(pack, 'label = "Accept"', 'label = ')
    assert not session.reload(state).ok
    _edit(pack, 'label = \n', 'label = "Accept gracefully"\n')
    result = session.reload(state)
    assert result.ok and session.problems == ()
    assert session.content.events["reply"].model.choice_by_id("accept").label == "Accept gracefully"


def test_removed_choice_is_reported_as_where_the_game_went_differently(pack: Path) -> None:
    session = _session(pack)
    state = _play(session, 4, ["wait"])
    _edit(pack, 'id = "wait"', 'id = "hold"')
    result = session.reload(state)
    assert result.ok and result.replayed == 0
    assert result.divergence == "at decision 1 the choice 'wait' of 'opening' is gone"
    assert result.state is not None and result.state.event == "opening"
    assert "play goes on from there" in result.summary


def test_rerun_without_changes_gives_the_same_state() -> None:
    engine = Engine(load_scenario(MINI))
    state = engine.new_game(11)
    for _ in range(3):
        if state.over:
            break
        options = [cid for cid, _posture, ok in engine.choice_options(state) if ok]
        state = engine.choose(state, options[-1]).state
    again, _replayed, divergence = rerun(engine, 11, decisions_of(state))
    assert divergence is None and again.to_dict() == state.to_dict()


def test_jump_to_event_reached_by_play_needs_no_forcing() -> None:
    engine = Engine(load_scenario(MINI))
    start = find_start(engine, "crisis", seed=1)
    assert start.state.event == "crisis"
    assert start.jump is None and start.how.startswith("reached by automated play")


def test_jump_to_event_whose_trigger_never_holds_still_starts_there(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    shutil.copytree(MINI, folder)
    _edit(folder, 'trigger = "date > election and chose(\\"opening\\", \\"warn\\") and fired(\\"reply\\") >= 1"',
          'trigger = "tension > 1000"')
    engine = Engine(load_scenario(folder))
    start = find_start(engine, "late", seed=1, games=20)
    assert start.state.event == "late"
    assert start.jump is not None and "its trigger never held" in start.how
    assert start.state.log[-1] == Jumped(start.state.turn, "late")


def test_jump_is_repeated_after_a_reload(pack: Path) -> None:
    _edit(pack, 'priority = 5\n', 'priority = 5\nweight = 0\n')  # 'late' can no longer be drawn
    session = _session(pack)
    start = session.jump_to("late", seed=1)
    assert start.state.event == "late" and session.jump is not None
    _edit(pack, 'label = "OK"', 'label = "Understood"')
    result = session.reload(start.state)
    assert result.ok and result.state is not None and result.state.event == "late"
    assert session.content.events["late"].model.choice_by_id("ok").label == "Understood"


def test_fingerprint_changes_when_a_file_is_saved(pack: Path) -> None:
    before = fingerprint([pack])
    _edit(pack, 'title = "Crisis"', 'title = "A crisis"')
    assert fingerprint([pack]) != before


def test_watch_reports_changed_toml_files(pack: Path) -> None:
    stop = threading.Event()
    found: list[list[Path]] = []

    def listen() -> None:
        for changed in watch([pack], stop, debounce_ms=50):
            found.append(changed)
            stop.set()

    thread = threading.Thread(target=listen)
    thread.start()
    try:
        for _ in range(50):  # keep saving until the watcher, started in its thread, sees it
            (pack / "events" / "extra.toml").write_text("# nothing yet\n")
            (pack / "notes.txt").write_text("not content\n")
            thread.join(0.1)
            if found:
                break
    finally:
        stop.set()
        thread.join(5)
    assert found and all(p.suffix == ".toml" for p in found[0])


def test_plain_dev_player_reloads_between_decisions(pack: Path) -> None:
    session = _session(pack)
    state = session.new_game(4)
    answers = iter(["1", "r", "2", "q"])
    out = io.StringIO()

    def read() -> str | None:
        answer = next(answers, None)
        if answer == "r":
            _edit(pack, 'label = "Accept"', 'label = "Accept the reply"')
        return answer

    play_plain(session, state, read, out)
    text = out.getvalue()
    assert "[dev] reloaded; 1 decision(s) re-run to where you were" in text
    assert "Accept the reply" in text.split("[dev] reloaded")[1]


def test_plain_dev_player_shows_problems_and_carries_on(pack: Path) -> None:
    session = _session(pack)
    state = session.new_game(4)
    answers = iter(["r", "1", "q"])
    _edit(pack, 'title = "Reply"', 'titel = "Reply"')
    out = io.StringIO()
    final = play_plain(session, state, lambda: next(answers, None), out)
    text = out.getvalue()
    assert "problem(s); still playing the last good content" in text
    assert "unknown field 'titel'" in text
    assert decisions_of(final) == [("opening", "warn")]


def test_plain_dev_player_jumps_to_an_event(pack: Path) -> None:
    session = _session(pack)
    answers = iter(["j nowhere", "j crisis", "q"])
    out = io.StringIO()
    final = play_plain(session, session.new_game(2), lambda: next(answers, None), out)
    assert "[dev] no event 'nowhere'" in out.getvalue()
    assert final.event == "crisis"
