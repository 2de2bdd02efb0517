"""Save files: what they hold, round trips, names, autosaves, and surviving a kill mid-write."""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game import saves
from game.engine import Engine, GameState
from game.loader import load_scenario
from game.log import Decided

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_scenario(MINI))


def play(engine: Engine, state: GameState, picks: list[int]) -> GameState:
    """Take the picks in order, each an index into the choices available at that point."""
    for pick in picks:
        decision = engine.decision(state)
        if decision is None:
            break
        available = [c for c in decision.choices if c.available]
        state = engine.choose(state, available[pick % len(available)].id).state
    return state


def finished_game(engine: Engine, seed: int = 7) -> GameState:
    return play(engine, engine.new_game(seed), [0] * 20)


# --- what a save holds ------------------------------------------------------------------------


def test_save_file_is_readable_json_naming_everything_by_id(engine: Engine, tmp_path: Path) -> None:
    state = play(engine, engine.new_game(3), [0, 1, 0])
    path = saves.save_as(tmp_path, "Before the election", engine, state)
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert text.count("\n") > 50, "a save is indented for people to read"
    assert data["format"] == "redline-save" and data["version"] == saves.VERSION
    assert data["slot"] == "Before the election"
    assert data["scenario"] == "mini" and data["scenario_title"] == "Mini crisis"
    assert data["content_hash"] == engine.content.content_hash
    assert data["seed"] == 3
    assert data["created"].endswith("Z") and data["saved"].endswith("Z")
    first = data["decisions"][0]
    assert (first["turn"], first["event"], first["choice"]) == (1, "opening", "warn")
    assert {"outcome", "values", "digest"} <= set(first)
    assert [(d["event"], d["choice"]) for d in data["decisions"]] == [
        (e.event, e.choice) for e in state.decisions if isinstance(e, Decided)
    ]
    assert GameState.from_dict(saves.unpack_history(data["state"])).to_dict() == state.to_dict()
    assert data["state"]["history"]["columns"] == list(engine.content.stats), "stat values as rows, their names once"


def test_slot_name_becomes_a_safe_file_name(tmp_path: Path) -> None:
    assert saves.slot_filename("Before the election!") == "before-the-election.json"
    assert saves.slot_filename("  quick  ") == "quick.json"
    assert saves.slot_filename("Ünïcode") not in ("", ".json")
    assert saves.slot_filename("con") == "con-save.json"
    assert saves.slot_filename("autosave 1").startswith("named-"), "a named save is never pruned as an autosave"


@pytest.mark.parametrize("name", ["../escape", "/etc/passwd", "a/b", "a\\b", "..", ".hidden", "", "   ", "x" * 65])
def test_slot_name_that_would_leave_the_folder_is_refused(engine: Engine, tmp_path: Path, name: str) -> None:
    folder = tmp_path / "saves"
    folder.mkdir()
    state = engine.new_game(1)
    with pytest.raises(saves.SaveError) as caught:
        saves.save_as(folder, name, engine, state)
    assert "\n" not in str(caught.value)
    assert list(tmp_path.rglob("*")) == [folder], "nothing was written anywhere"


def test_saving_into_a_missing_folder_is_a_clear_error(engine: Engine, tmp_path: Path) -> None:
    record = saves.make_record(engine, engine.new_game(1), "x", saves.GameInfo.new())
    with pytest.raises(saves.SaveError, match="does not exist"):
        saves.write_save(tmp_path / "nowhere", record)


# --- round trips ------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=2**63 - 1),
    picks=st.lists(st.integers(min_value=0, max_value=5), max_size=10),
    cut=st.integers(min_value=0, max_value=10),
)
def test_save_load_and_continue_is_the_same_game_as_never_saving(
    engine: Engine, seed: int, picks: list[int], cut: int
) -> None:
    straight = play(engine, engine.new_game(seed), picks)
    with tempfile.TemporaryDirectory() as folder:
        first = play(engine, engine.new_game(seed), picks[:cut])
        path = saves.save_as(Path(folder), "round trip", engine, first)
        loaded = saves.load_save(path, engine)
        assert loaded.status == saves.OK
        resumed = play(engine, loaded.state, picks[cut:])
    assert resumed.to_dict() == straight.to_dict()
    # and the record of the resumed game is the record of the straight one
    info = saves.GameInfo("same", "2024-01-01T00:00:00Z")
    a = saves.make_record(engine, resumed, "x", info, saved="t").to_dict()
    b = saves.make_record(engine, straight, "x", info, saved="t").to_dict()
    assert a == b


def test_autosave_after_each_decision_costs_one_step_and_matches_a_full_record(engine: Engine, tmp_path: Path) -> None:
    autosaver = saves.Autosaver(tmp_path, engine, saves.GameInfo.new())
    state = engine.new_game(11)
    for pick in [0, 1, 0, 1, 0, 0, 0]:
        if state.over:
            break
        state = play(engine, state, [pick])
        path = autosaver(state)
    full = saves.make_record(engine, state, "autosave", autosaver.info)
    assert saves.read_save(path).steps == full.steps


def test_autosave_keeps_only_the_newest_few_of_each_game(engine: Engine, tmp_path: Path) -> None:
    other = saves.Autosaver(tmp_path, engine, saves.GameInfo.new())
    other(play(engine, engine.new_game(5), [0]))
    autosaver = saves.Autosaver(tmp_path, engine, saves.GameInfo.new(), keep=3)
    state = engine.new_game(6)
    written = []
    while not state.over:
        state = play(engine, state, [0])
        written.append(autosaver(state).name)
    mine = sorted(p.name for p in tmp_path.glob(f"autosave-{autosaver.info.game}-*.json"))
    assert len(written) > 3
    assert mine == sorted(written[-3:])
    assert len(list(tmp_path.glob(f"autosave-{other.info.game}-*.json"))) == 1, "another game's autosave stays"


def test_going_on_from_an_older_autosave_never_replaces_the_newer_ones(engine: Engine, tmp_path: Path) -> None:
    autosaver = saves.Autosaver(tmp_path, engine, saves.GameInfo.new(), keep=3)
    state = engine.new_game(12)
    written = []
    for _ in range(3):
        state = play(engine, state, [1])
        written.append(autosaver(state))
    newest = saves.load_save(written[-1], engine)
    assert newest.info == autosaver.info, "coming back to the newest autosave goes on with the same game"
    older = saves.load_save(written[0], engine)
    assert older.info.game != autosaver.info.game
    assert older.info.branched_from == {"game": autosaver.info.game, "slot": "autosave", "decision": 1}
    before = {p.name: p.read_bytes() for p in written}
    again = saves.Autosaver(tmp_path, engine, older.info, keep=3)
    state = older.state
    for _ in range(3):
        state = play(engine, state, [0])
        again(state)
    assert {p.name: p.read_bytes() for p in written} == before


def test_quicksave_and_quickload(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(saves.SaveError, match="no quicksave"):
        saves.quickload(tmp_path, engine)
    state = play(engine, engine.new_game(9), [1, 0])
    saves.quicksave(tmp_path, engine, state)
    assert saves.quickload(tmp_path, engine).state.to_dict() == state.to_dict()


def test_latest_autosave_is_the_newest_readable_one(engine: Engine, tmp_path: Path) -> None:
    assert saves.latest_autosave(tmp_path) is None
    autosaver = saves.Autosaver(tmp_path, engine, saves.GameInfo.new())
    state = play(engine, engine.new_game(2), [0])
    autosaver(state)
    state = play(engine, state, [0])
    newest = autosaver(state)
    (tmp_path / "autosave-ffffffff-999.json").write_text("{ broken", encoding="utf-8")
    found = saves.latest_autosave(tmp_path)
    assert found is not None and found.path == newest
    assert "Mini crisis" in found.label and "2 decisions" in found.label


# --- listing ----------------------------------------------------------------------------------


def test_listing_shows_every_save_and_one_bad_file_hides_none(engine: Engine, tmp_path: Path) -> None:
    saves.save_as(tmp_path, "good one", engine, play(engine, engine.new_game(1), [0]))
    saves.save_as(tmp_path, "good two", engine, play(engine, engine.new_game(2), [1, 1]))
    (tmp_path / "bad.json").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "empty.json").write_bytes(b"")
    (tmp_path / ".good-one.json.abc.tmp").write_text("{", encoding="utf-8")  # a write cut short
    (tmp_path / "notes.txt").write_text("not a save", encoding="utf-8")
    listing = saves.list_saves(tmp_path, lambda scenario: engine.content)
    by_name = {item.path.name: item for item in listing}
    assert set(by_name) == {"good-one.json", "good-two.json", "bad.json", "empty.json"}
    assert by_name["good-one.json"].status == saves.OK and by_name["good-one.json"].playable
    assert by_name["bad.json"].status == saves.UNREADABLE and "binary" in by_name["bad.json"].reason
    assert by_name["empty.json"].reason.startswith("empty")
    assert [item.status for item in listing][-2:] == [saves.UNREADABLE, saves.UNREADABLE], "bad files listed last"


def test_listing_marks_saves_of_a_scenario_that_is_not_there(engine: Engine, tmp_path: Path) -> None:
    saves.save_as(tmp_path, "mine", engine, engine.new_game(1))
    listing = saves.list_saves(tmp_path, lambda scenario: None)
    assert [item.status for item in listing] == [saves.NO_CONTENT]
    assert "mini" in listing[0].reason


# --- killed while writing ---------------------------------------------------------------------

fork_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to kill a writer mid-write")


def _kill_writer_at(point: int, path: Path, record: saves.SaveRecord) -> int:
    """Fork a child that writes `record` over `path` and SIGKILLs itself at the `point`-th step of
    the write (each write of a small piece, the fsync, the rename, the folder fsync); its wait status."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            steps = {"n": 0}
            real_write, real_fsync, real_replace = os.write, os.fsync, os.replace

            def step() -> None:
                if steps["n"] == point:
                    os.kill(os.getpid(), signal.SIGKILL)
                steps["n"] += 1

            def write(fd: int, data: bytes) -> int:
                step()
                return real_write(fd, bytes(data[:256]))  # small pieces: many points inside the data

            def fsync(fd: int) -> None:
                step()
                real_fsync(fd)

            def replace(src: str, dst: str) -> None:
                step()
                real_replace(src, dst)

            os.write, os.fsync, os.replace = write, fsync, replace  # type: ignore[assignment]
            saves.write_record(path, record)
            step()
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    return status


@fork_only
def test_a_writer_killed_at_any_point_leaves_the_previous_save_readable(engine: Engine, tmp_path: Path) -> None:
    old = saves.make_record(engine, play(engine, engine.new_game(4), [0]), "slot", saves.GameInfo.new())
    new = saves.make_record(engine, finished_game(engine, 4), "slot", old.info)
    path = tmp_path / "slot.json"
    saves.write_record(path, old)
    points = len(saves.to_json(new).encode()) // 256 + 4
    outcomes = []
    for point in range(points + 3):
        status = _kill_writer_at(point, path, new)
        survivor = saves.read_save(path)  # raises if the kill left a broken file
        assert survivor.to_dict() in (old.to_dict(), new.to_dict())
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        outcomes.append((killed, survivor.decision_count))
        listed = saves.list_saves(tmp_path, lambda scenario: engine.content)
        assert [item.path.name for item in listed] == ["slot.json"], "half-written temporary files are not saves"
        saves.write_record(path, old)
    killed_before_rename = [count for killed, count in outcomes if killed][: points - 2]
    assert set(killed_before_rename) == {old.decision_count}, "until the rename the old save is what is there"
    assert outcomes[-1] == (False, new.decision_count), "a writer that is not killed writes the new save"
    assert any(killed and count == new.decision_count for killed, count in outcomes), "killed after the rename"


@fork_only
def test_a_writer_killed_at_random_moments_never_leaves_a_broken_save(engine: Engine, tmp_path: Path) -> None:
    records = [
        saves.make_record(engine, play(engine, engine.new_game(seed), [0] * 8), "slot", saves.GameInfo.new())
        for seed in (1, 2)
    ]
    path = tmp_path / "slot.json"
    saves.write_record(path, records[0])
    for round_ in range(15):
        pid = os.fork()
        if pid == 0:
            try:
                for i in range(10_000):
                    saves.write_record(path, records[i % 2])
            finally:
                os._exit(0)
        time.sleep(0.001 * (round_ % 5 + 1))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        assert saves.read_save(path).to_dict() in (records[0].to_dict(), records[1].to_dict())


def test_write_failure_removes_its_temporary_file(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = saves.make_record(engine, engine.new_game(1), "slot", saves.GameInfo.new())

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(saves.SaveError, match="No space left"):
        saves.write_save(tmp_path, record)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_save_folder_that_cannot_be_written_is_a_clear_error(engine: Engine, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(saves.SaveError, match="cannot write"):
            saves.save_as(folder, "x", engine, engine.new_game(1))
    finally:
        folder.chmod(0o700)


# --- saves of the first format ------------------------------------------------------------------

V1 = sorted((Path(__file__).parent / "fixtures" / "saves" / "v1").glob("*.json"))


@pytest.mark.parametrize("path", V1, ids=[p.stem for p in V1])
def test_a_save_of_the_first_format_loads_verifies_and_goes_on_in_the_new_one(
    engine: Engine, tmp_path: Path, path: Path,
) -> None:
    assert json.loads(path.read_bytes())["version"] == 1
    loaded = saves.load_save(path, engine)
    assert loaded.status == saves.OK and loaded.divergence is None
    assert loaded.continued is not None and loaded.continued.decision_count == loaded.record.decision_count
    assert loaded.state.to_dict() == loaded.record.state.to_dict()
    autosaver = saves.Autosaver(tmp_path, engine, loaded.info, record=loaded.continued)
    state = play(engine, loaded.state, [0])
    if state.over and loaded.state.over:
        return
    written = autosaver(state)
    data = json.loads(written.read_bytes())
    assert data["version"] == saves.VERSION and data["game"] == loaded.record.game
    again = saves.load_save(written, engine)
    assert again.status == saves.OK and again.state.to_dict() == state.to_dict()
    assert [s.digest for s in again.record.steps[:-1]] == [s.digest for s in loaded.continued.steps]


def test_a_first_format_save_edited_in_the_middle_is_found(engine: Engine) -> None:
    data = json.loads((Path(__file__).parent / "fixtures" / "saves" / "v1" / "finished.json").read_bytes())
    data["decisions"][1]["digest"] = "0" * 24
    data["checksum"] = saves.checksum(data)
    loaded = saves.open_record(saves.parse_save(json.dumps(data).encode()), engine)
    assert loaded.divergence is not None and loaded.divergence.matched == 1
    assert loaded.status == saves.CHANGED, "a first-format save names no code, so the rules may have changed"
