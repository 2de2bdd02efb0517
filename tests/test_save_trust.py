"""Saves that can be trusted, by kind of fault: numbers a save cannot hold, writing over what is not
ours, ids from files, two processes on one game, failures the player must see, control characters
from files, the right reason for an edited record, and the litter of writes cut short."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from game import cli, files, paths, saves
from game.engine import Engine, GameState
from game.loader import load_scenario
from game.replay import same_state
from game.safetext import SafeStream, is_safe, shown, shown_lines

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
#: anything that would reach a terminal as a control sequence
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_scenario(FIXTURES / "mini"))


def play(engine: Engine, state: GameState, picks: list[int]) -> GameState:
    for pick in picks:
        decision = engine.decision(state)
        if decision is None:
            break
        available = [c for c in decision.choices if c.available]
        state = engine.choose(state, available[pick % len(available)].id).state
    return state


@pytest.fixture(scope="module")
def good(engine: Engine) -> bytes:
    state = play(engine, engine.new_game(21), [0, 1, 0, 1, 0, 0, 0, 0])
    record = saves.make_record(engine, state, "trusted", saves.GameInfo("c0ffee01", "2024-10-23T12:00:00Z"))
    return saves.to_json(record).encode()


def resealed(raw: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    data = json.loads(raw)
    change(data)
    data["checksum"] = saves.checksum(data)
    return json.dumps(data, indent=2, ensure_ascii=False).encode()


def with_number(raw: bytes, change: Callable[[dict[str, Any]], None], marker: int, text: str) -> bytes:
    """The save resealed with `change`, then the number `marker` in it replaced by `text` as written."""
    body = resealed(raw, change).decode()
    assert str(marker) in body
    return body.replace(str(marker), text).encode()


@pytest.fixture
def mini_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    real = paths.scenario_folder
    monkeypatch.setattr(paths, "scenario_folder", lambda s, content=FIXTURES: real(s or "mini", FIXTURES))


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str = "") -> tuple[int, str, str]:
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = cli.main(argv)
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return code, out, err


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() and not p.is_symlink() else b"")
            for p in sorted(folder.rglob("*"))}


# --- numbers a save cannot hold ----------------------------------------------------------------

HUGE = 987654321


@pytest.mark.parametrize("where", ["seed", "turn", "state-value", "step-value", "start-value", "history", "fired"])
def test_a_number_too_large_for_a_float_anywhere_is_a_clear_reason(
    good: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str], mini_installed: None, where: str,
) -> None:
    def put(data: dict[str, Any]) -> None:
        target: dict[str, Callable[[], None]] = {
            "seed": lambda: data.update(seed=HUGE),
            "turn": lambda: data.update(turn=HUGE),
            "state-value": lambda: data["state"]["values"].update(tension=HUGE),
            "step-value": lambda: data["decisions"][1]["values"].update(tension=HUGE),
            "start-value": lambda: data["start"]["values"].update(tension=HUGE),
            "history": lambda: data["state"]["history"]["rows"][0].__setitem__(0, HUGE),
            "fired": lambda: data["state"]["fired"].update(opening=HUGE),
        }
        target[where]()

    path = tmp_path / "big.json"
    path.write_bytes(with_number(good, put, HUGE, "1e400"))
    with pytest.raises(saves.SaveError, match=r"^corrupted: the number 1e400 is too large for a save$"):
        saves.read_save(path)
    code, out, err = run_cli(["replay", str(path), "--verify"], capsys)
    assert (code, out) == (2, "") and err.count("\n") == 1 and "too large" in err
    code, out, err = run_cli(["play", "--plain", "--load", str(path), "--saves", str(tmp_path)], capsys, "1\n")
    assert code == 2 and "Traceback" not in err and "too large" in err
    code, out, _ = run_cli(["saves", "--saves", str(tmp_path), "--json"], capsys)
    listed = json.loads(out)
    assert listed[0]["status"] == "unreadable" and "too large" in listed[0]["reason"]
    assert "unexpected problem" not in listed[0]["reason"]


@pytest.mark.parametrize("seed", [-1, 2**63, 2**64, 10**30])
def test_a_seed_the_command_line_refuses_is_refused_from_a_save(
    good: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str], seed: int,
) -> None:
    with pytest.raises(SystemExit) as refused:
        run_cli(["play", "--plain", "--seed", str(seed)], capsys)
    assert refused.value.code == 2 and "2**63-1" in capsys.readouterr().err
    def change(data: dict[str, Any]) -> None:
        data["seed"] = data["state"]["seed"] = seed

    raw = resealed(good, change)
    path = tmp_path / "seed.json"
    path.write_bytes(raw)
    with pytest.raises(saves.SaveError) as caught:
        saves.read_save(path)
    assert "2**63-1" in str(caught.value) or "too large for a save" in str(caught.value)


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d.update(turn=10**15), "damaged: turn: input should be less than or equal to"),
    (lambda d: d["decisions"][0].update(turn=0), "damaged: decisions[0].turn: input should be greater than"),
    (lambda d: d["decisions"][0].update(turn=1.0), "damaged: decisions[0].turn: input should be a valid integer"),
    (lambda d: d["state"]["fired"].update(opening=-3), "damaged: state.fired.opening: input should be greater"),
    (lambda d: d["state"].update(sequence=True), "damaged: state.sequence: input should be a valid integer"),
    (lambda d: d["state"]["values"].update(tension="high"), "damaged: state.values.tension"),
    (lambda d: d.update(decision_count=99), "edited or damaged: the summary at the top"),
    (lambda d: d.update(date="\x1b[2J"), "damaged: date: string should match pattern"),
])
def test_every_value_is_checked_before_use(good: bytes, tmp_path: Path, change: Callable[[dict[str, Any]], None],
                                           expected: str) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(resealed(good, change))
    with pytest.raises(saves.SaveError) as caught:
        saves.read_save(path)
    assert str(caught.value).startswith(expected) and is_safe(str(caught.value))


def test_every_number_of_a_save_replaced_by_hostile_ones_gives_a_reason_or_a_load(
    good: bytes, engine: Engine, tmp_path: Path,
) -> None:
    """Each numeric leaf of a real save, in turn, as each number a save cannot or should not hold."""
    data = json.loads(good)
    leaves: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*path, index))
        elif isinstance(node, int | float) and not isinstance(node, bool):
            leaves.append(path)

    walk(data, ())
    assert len(leaves) > 50
    outcomes = {"reason": 0, "loaded": 0}
    for path in leaves[::3]:
        for text in ("1e400", "-1e999", "123456789012345678901234567890", "-1", "9.5e307", "true", '"7"'):
            copy = json.loads(good)
            node = copy
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = HUGE
            raw = json.dumps({**copy, "checksum": saves.checksum(copy)}).replace(str(HUGE), text)
            file = tmp_path / "n.json"
            file.write_text(raw, encoding="utf-8")
            try:
                record = saves.read_save(file)
                saves.open_record(record, engine)
                saves.progress(record)
                outcomes["loaded"] += 1
            except saves.SaveError as exc:
                assert "\n" not in str(exc) and is_safe(str(exc)), (path, text, exc)
                outcomes["reason"] += 1
    assert outcomes["reason"] > 100


# --- writing over what is not ours ---------------------------------------------------------------


def special_files(tmp_path: Path) -> Iterator[tuple[str, Path, str]]:
    """(what, path, words of the refusal) of things that are not regular files."""
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not yours", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(elsewhere)
    yield "symlink", link, "is a symbolic link"
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "nothing-here")
    yield "dangling symlink", dangling, "is a symbolic link"
    folder = tmp_path / "folder.md"
    folder.mkdir()
    yield "folder", folder, "is a folder"
    if hasattr(os, "mkfifo"):
        pipe = tmp_path / "pipe.md"
        os.mkfifo(pipe)
        yield "fifo", pipe, "is a named pipe"
    device = tmp_path / "null.md"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (OSError, AttributeError):
        return
    yield "device", device, "is a device"


def test_a_write_replaces_only_a_regular_file(tmp_path: Path) -> None:
    for what, path, words in list(special_files(tmp_path)):
        before = os.lstat(path)
        with pytest.raises(files.WriteError) as caught:
            files.write_file(path, b"transcript")
        assert words in str(caught.value) and "\n" not in str(caught.value), what
        after = os.lstat(path)
        assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino), f"the {what} is untouched"
    assert (tmp_path / "elsewhere.txt").read_text(encoding="utf-8") == "not yours"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")], "no temporary file left"
    plain = tmp_path / "plain.md"
    plain.write_text("old", encoding="utf-8")
    plain.chmod(0o640)
    files.write_file(plain, b"new")
    assert plain.read_bytes() == b"new" and stat.S_IMODE(plain.stat().st_mode) == 0o640
    files.write_file(tmp_path / "fresh.md", b"made")
    assert (tmp_path / "fresh.md").read_bytes() == b"made"


def test_a_transcript_is_never_written_over_a_link_a_pipe_a_device_or_a_folder(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], mini_installed: None,
) -> None:
    save = saves.save_as(tmp_path, "game", engine, play(engine, engine.new_game(2), [0, 0]))
    targets = tmp_path / "targets"
    targets.mkdir()
    for what, path, words in list(special_files(targets)):
        before = os.lstat(path)
        code, out, err = run_cli(["replay", str(save), "--transcript", str(path)], capsys)
        assert code == 2 and out == "" and err.count("\n") == 1 and words in err, (what, err)
        assert os.lstat(path).st_ino == before.st_ino and os.lstat(path).st_mode == before.st_mode


def test_a_save_is_never_written_through_a_link(engine: Engine, tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    folder = tmp_path / "saves"
    folder.mkdir()
    (folder / "quicksave.json").symlink_to(target)
    with pytest.raises(saves.SaveError, match="is a symbolic link"):
        saves.quicksave(folder, engine, engine.new_game(1))
    assert target.read_text(encoding="utf-8") == "keep me" and (folder / "quicksave.json").is_symlink()


# --- ids from files -----------------------------------------------------------------------------


@pytest.mark.parametrize("game", ["../../escaped", "a/b", "", "x" * 200, "\x1b[2J", "ABCDEF01", "c0ffee0"])
def test_a_game_id_from_a_file_is_checked_before_it_names_a_file(
    good: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str], mini_installed: None, game: str,
) -> None:
    folder = tmp_path / "saves"
    folder.mkdir()
    crafted = folder / "crafted.json"
    crafted.write_bytes(resealed(good, lambda d: d.update(game=game)))
    with pytest.raises(saves.SaveError, match=r"^damaged: game: string should match pattern"):
        saves.read_save(crafted)
    before = tree(tmp_path)
    code, _, err = run_cli(["play", "--plain", "--load", str(crafted), "--saves", str(folder)], capsys, "1\n1\n")
    assert code == 2 and "Traceback" not in err
    assert tree(tmp_path) == before, "nothing written anywhere"


def test_an_id_that_could_leave_the_folder_never_names_a_file(engine: Engine, tmp_path: Path) -> None:
    state = play(engine, engine.new_game(3), [0])
    for game in ("../../escaped", "a/b", "..", "x" * 40):
        with pytest.raises(saves.SaveError, match="is not a game id"):
            saves.Autosaver(tmp_path, engine, saves.GameInfo(game, "2024-01-01T00:00:00Z"))(state)
    assert list(tmp_path.iterdir()) == [] and list(tmp_path.parent.glob("escaped*")) == []


def test_a_branch_naming_another_game_by_a_bad_id_is_damaged(good: bytes, tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_bytes(resealed(good, lambda d: d.update(branched_from={"game": "../x", "slot": "s", "decision": 1})))
    with pytest.raises(saves.SaveError, match=r"^damaged: branched_from.game"):
        saves.read_save(path)


# --- two processes, one game --------------------------------------------------------------------


def continued(engine: Engine, folder: Path, seed: int = 30, decisions: int = 2) -> tuple[saves.Loaded, Path]:
    """A game autosaved for a few decisions by one autosaver that has put it down; loaded again."""
    first = saves.Autosaver(folder, engine, saves.GameInfo.new())
    state = engine.new_game(seed)
    path = folder
    for _ in range(decisions):
        state = play(engine, state, [0])
        path = first(state)
    first.close()
    return saves.load_save(path, engine), path


def test_a_second_claimant_of_a_game_goes_on_as_a_new_game(engine: Engine, tmp_path: Path) -> None:
    loaded, newest = continued(engine, tmp_path)
    one = saves.Autosaver(tmp_path, engine, loaded.info, record=loaded.continued)
    two = saves.Autosaver(tmp_path, engine, loaded.info, record=loaded.continued)
    state_one = play(engine, loaded.state, [0])
    state_two = play(engine, loaded.state, [1])
    path_one = one(state_one)
    path_two = two(state_two)
    assert one.info.game == loaded.record.game and one.notice is None
    assert two.info.game != loaded.record.game and two.notice is not None
    assert two.info.branched_from == {"game": loaded.record.game, "slot": "autosave", "decision": 2}
    for _ in range(4):
        state_one, state_two = play(engine, state_one, [0]), play(engine, state_two, [0])
        if state_one.over or state_two.over:
            break
        one(state_one)
        two(state_two)
    assert newest.exists(), "the autosave both went on from is still there"
    for path in one.written + two.written:
        assert saves.read_save(path)
    assert path_one != path_two
    one.close()
    two.close()


def test_pruning_never_deletes_an_autosave_this_autosaver_did_not_write(engine: Engine, tmp_path: Path) -> None:
    loaded, _ = continued(engine, tmp_path, decisions=3)
    theirs = sorted(p.name for p in tmp_path.glob("autosave-*.json"))
    assert len(theirs) == 3
    mine = saves.Autosaver(tmp_path, engine, loaded.info, record=loaded.continued, keep=2)
    state = loaded.state
    for _ in range(3):
        state = play(engine, state, [0])
        if state.over:
            break
        mine(state)
    assert mine.info.game == loaded.record.game, "the same game goes on"
    now = sorted(p.name for p in tmp_path.glob("autosave-*.json"))
    assert set(theirs) <= set(now), "the earlier process's autosaves are all there"
    assert len(now) == len(theirs) + min(2, len(mine.written))
    mine.close()


def test_a_game_saved_further_elsewhere_is_not_overwritten_by_its_older_continuation(
    engine: Engine, tmp_path: Path,
) -> None:
    loaded, _ = continued(engine, tmp_path)
    ahead = saves.Autosaver(tmp_path, engine, loaded.info, record=loaded.continued)
    behind = saves.Autosaver(tmp_path, engine, loaded.info, record=loaded.continued)
    written = ahead(play(engine, loaded.state, [0]))
    ahead.close()  # the first process is done, the other still plays from the same autosave
    before = written.read_bytes()
    behind(play(engine, loaded.state, [1]))
    assert behind.info.game != loaded.record.game and behind.notice
    assert written.read_bytes() == before


fork_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


@fork_only
def test_two_processes_continuing_one_save_keep_each_other_s_autosaves(engine: Engine, tmp_path: Path) -> None:
    loaded, newest = continued(engine, tmp_path)
    script = f"""
import sys, time
from pathlib import Path
from game import saves
from game.engine import Engine
from game.loader import load_scenario
from game.replay import same_state
engine = Engine(load_scenario(Path({str(FIXTURES / "mini")!r})))
loaded = saves.load_save(Path({str(newest)!r}), engine)
autosaver = saves.Autosaver(Path({str(tmp_path)!r}), engine, loaded.info, record=loaded.continued, keep=2)
state = loaded.state
pick = int(sys.argv[1])
for _ in range(3):
    decision = engine.decision(state)
    if decision is None:
        break
    options = [c.id for c in decision.choices if c.available]
    state = engine.choose(state, options[pick % len(options)]).state
    autosaver(state)
    time.sleep(0.2)
print(autosaver.info.game, autosaver.path, " ".join(str(p) for p in autosaver.written))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", script, str(pick)], stdout=subprocess.PIPE, text=True, env=env)
             for pick in (0, 1)]
    results = [proc.communicate(timeout=60)[0].split() for proc in procs]
    assert all(proc.returncode == 0 for proc in procs)
    games = {result[0] for result in results}
    assert len(games) == 2 and loaded.record.game in games, "one goes on as the game, the other as a new one"
    for result in results:
        newest_of_it = Path(result[1])
        assert newest_of_it.exists() and saves.read_save(newest_of_it)
        assert all(Path(p).exists() for p in result[2:]), "no process deleted the other's autosaves"


# --- failures the player may not see ---------------------------------------------------------------


def failing_from(call: int, monkeypatch: pytest.MonkeyPatch, code: int = 28) -> list[int]:
    """Make every fsync from the `call`-th on fail with `code` (28: no space left on device)."""
    real = os.fsync
    calls = [0]

    def fsync(fd: int) -> None:
        calls[0] += 1
        if calls[0] >= call:
            raise OSError(code, os.strerror(code))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return calls


def test_the_plain_game_says_after_each_decision_that_it_was_not_saved_and_closes_truthfully(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mini_installed: None, monkeypatch: pytest.MonkeyPatch,
) -> None:
    failing_from(5, monkeypatch)  # two autosaves (file and folder each) succeed, then the disk is full
    code, out, err = run_cli(["play", "--plain", "--seed", "21", "--saves", str(tmp_path)], capsys, "1\n" * 30)
    assert code == 1 and "Traceback" not in err
    notes = re.findall(r"\[Not saved: (.*)\]", out)
    decisions = out.count("Your choice")
    assert len(notes) == decisions - 2, "every failed autosave is said where the game is read"
    assert notes[0].startswith("decision 3 is in no save (autosave failed: cannot write autosave-")
    assert notes[0].endswith(": No space left on device); the newest autosave, "
                             f"{sorted(tmp_path.glob('autosave-*.json'))[-1]}, holds the first 2 decisions.")
    newest = sorted(tmp_path.glob("autosave-*.json"))[-1]
    assert saves.read_save(newest).decision_count == 2
    tail = out[out.rindex("Decisions taken"):]
    assert f"Not saved: decisions 3–{decisions} are in no save" in tail
    assert "holds the first 2" in tail and f"Autosaved to {newest} (the first 2 decisions)" in tail


def test_the_plain_game_says_when_saving_works_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mini_installed: None, monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = os.fsync
    calls = [0]

    def flaky(fd: int) -> None:
        calls[0] += 1
        if calls[0] in (3, 4):
            raise OSError(5, "Input/output error")
        real(fd)

    monkeypatch.setattr(os, "fsync", flaky)
    code, out, _ = run_cli(["play", "--plain", "--seed", "21", "--saves", str(tmp_path)], capsys, "1\n" * 30)
    assert re.search(r"\[Not saved: decision 2 is in no save \(autosave failed: "
                     r"cannot write autosave-[0-9a-f]+-002.json: Input/output error\)", out)
    assert "[Saved again:" in out and code == 0
    assert "Not saved" not in out[out.rindex("Decisions taken"):]


async def test_the_terminal_interface_says_what_is_not_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from game.tui.app import build_app
    from game.tui.screens.dialogs import ConfirmDialog
    from game.tui.screens.situation import SituationRoom

    app = build_app(load_scenario(FIXTURES / "mini"), saves_dir=tmp_path, seed=21, start="room")
    notices: list[str] = []
    real_notify = app.notify

    def notify(message: str, **options: Any) -> None:
        notices.append(message)
        real_notify(message, **options)

    monkeypatch.setattr(app, "notify", notify)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        failing_from(1, monkeypatch)
        for _ in range(2):
            assert isinstance(app.screen, SituationRoom)
            await pilot.press("1")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
        failures = [n for n in notices if n.startswith("Not saved")]
        assert len(failures) == 2 and "decisions 1–2 are in no save" in failures[1]
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert app.unsaved_line().startswith("Not saved: decisions 1–2")
    closing = app.closing_message()
    assert closing is not None and "no autosave of this game was written" in closing


# --- control characters from files ---------------------------------------------------------------


def test_the_sanitiser_escapes_every_control_character() -> None:
    hostile = "".join(map(chr, range(0x20))) + "\x7f" + "".join(map(chr, range(0x80, 0xa0))) + "\u202e\u2066\ufeff"
    one = shown(hostile)
    assert not RAW_CONTROL.search(one) and "\n" not in one and "\\x1b" in one and "\\u202e" in one
    assert shown(one) == one, "escaping is done once"
    lines = shown_lines("a\nb\tc\x1b[2J\rd")
    assert lines == "a\nb\tc\\x1b[2J\\x0dd"
    stream = io.StringIO()
    SafeStream(stream).write("title \x1b]0;owned\x07\n")
    assert stream.getvalue() == "title \\x1b]0;owned\\x07\n"


ESCAPES = "\x1b[2J\x1b[31m\u009b1m\u202e"


def hostile_folder(good: bytes, tmp_path: Path) -> Path:
    folder = tmp_path / "saves"
    folder.mkdir()
    (folder / "slot.json").write_bytes(resealed(good, lambda d: d.update(slot=f"slot{ESCAPES}",
                                                                           scenario_title=f"title{ESCAPES}")))
    (folder / f"name{ESCAPES[:4]}.json").write_bytes(good)
    (folder / "broken.json").write_bytes(b'{"format": "redline-save", "version": 1, "x": "\x1b[2J')
    return folder


def test_no_control_character_from_a_file_reaches_the_terminal_from_the_command_line(
    good: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str], mini_installed: None,
) -> None:
    folder = hostile_folder(good, tmp_path)
    outputs = [run_cli(["saves", "--saves", str(folder)], capsys)]
    outputs.append(run_cli(["saves", "--saves", str(folder), "--json"], capsys))
    for path in folder.iterdir():
        outputs.append(run_cli(["replay", str(path), "--verify"], capsys))
        outputs.append(run_cli(["play", "--plain", "--load", str(path), "--saves", str(tmp_path)], capsys, "q\n"))
    for _code, out, err in outputs:
        assert not RAW_CONTROL.search(out) and not RAW_CONTROL.search(err), (out, err)
        assert "Traceback" not in err
    listing = outputs[0][1]
    assert "slot\\x1b[2J\\x1b[31m\\x9b1m\\u202e" in listing


def test_no_control_character_of_the_content_reaches_the_plain_game(
    mini_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario = mini_copy / "scenario.toml"
    scenario.write_text(scenario.read_text(encoding="utf-8").replace('title = "Mini crisis"',
                                                                      'title = "Mini \\u001b[2J crisis"'), "utf-8")
    monkeypatch.setattr(paths, "scenario_folder", lambda s, content=None: mini_copy)
    code, out, _ = run_cli(["play", "--plain", "--seed", "3", "--no-autosave"], capsys, "1\n" * 20)
    assert code == 0 and "Mini \\x1b[2J crisis" in out and not RAW_CONTROL.search(out)


async def test_the_load_screen_shows_names_from_files_escaped(good: bytes, tmp_path: Path) -> None:
    from textual.app import App
    from textual.widgets import DataTable, Static

    from game.tui.screens.load import LoadScreen

    folder = hostile_folder(good, tmp_path)
    content = load_scenario(FIXTURES / "mini")

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(LoadScreen(folder, lambda scenario: content))

    app = Host()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#load-table", DataTable)
        cells = [str(getattr(c, "plain", c)) for i in range(table.row_count) for c in table.get_row_at(i)]
        detail = app.screen.query_one("#load-detail", Static).content
        shown_text = " ".join([*cells, str(getattr(detail, "plain", detail))])
        assert table.row_count == 3 and "slot\\x1b[2J" in shown_text
        assert not RAW_CONTROL.search(shown_text)


# --- the right reason -------------------------------------------------------------------------------


def edited_decision(engine: Engine, good: bytes, index: int = 1) -> bytes:
    """A careful hand-edit: another choice taken at one decision, in the log, the snapshot and the
    summary too, and the checksum recomputed."""
    record = saves.parse_save(good)
    step = record.steps[index]
    before = engine.new_game(record.seed)
    for earlier in record.steps[:index]:
        before = engine.choose(before, earlier.choice).state
    decision = engine.decision(before)
    assert decision is not None
    other = next(c.id for c in decision.choices if c.available and c.id != step.choice)

    def change(data: dict[str, Any]) -> None:
        data["decisions"][index]["choice"] = other
        entries = [e for e in data["state"]["log"] if e.get("kind") == "decision"]
        entries[index]["choice"] = other
        data["state"]["chose"][index] = f"{step.event}.{other}"

    return resealed(good, change)


def test_a_hand_edited_record_is_edited_or_damaged_not_changed_content(
    engine: Engine, good: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str], mini_installed: None,
) -> None:
    path = tmp_path / "edited.json"
    path.write_bytes(edited_decision(engine, good))
    record = saves.read_save(path)
    assert record.content_hash == engine.content.content_hash
    loaded = saves.open_record(record, engine)
    assert loaded.status == saves.EDITED and loaded.divergence is not None and loaded.divergence.matched == 1
    assert "edited or damaged" in loaded.summary and "changed" not in loaded.summary
    code, out, _ = run_cli(["replay", str(path), "--verify"], capsys)
    assert code == 1 and "the record was edited or damaged" in out and "content changed" not in out
    code, out, _ = run_cli(["saves", "--saves", str(tmp_path), "--json"], capsys)
    assert json.loads(out)[0]["status"] == "edited or damaged"


def test_an_edited_value_in_the_record_of_a_decision_is_edited(engine: Engine, good: bytes) -> None:
    def change(data: dict[str, Any]) -> None:
        step = data["decisions"][0]
        key = next(k for k, v in step["values"].items() if not isinstance(v, bool))
        step["values"][key] += 1
        if not any(key in later["values"] for later in data["decisions"][1:]):
            data["state"]["values"][key] += 1  # (so that the snapshot agrees, as a careful editor would make it)

    loaded = saves.open_record(saves.parse_save(resealed(good, change)), engine)
    assert loaded.status == saves.EDITED and loaded.divergence is not None and loaded.divergence.matched == 0


def test_a_record_made_by_another_version_that_diverges_says_the_rules_changed(engine: Engine, good: bytes) -> None:
    edited = saves.parse_save(edited_decision(engine, good))
    loaded = saves.open_record(dataclasses.replace(edited, rules="0" * 24), engine)
    assert loaded.status == saves.CHANGED and "the game's rules changed" in loaded.summary


@pytest.mark.parametrize("part", ["fired", "chose", "last_fired", "sequence", "scheduled", "values"])
def test_a_forged_state_is_refused(engine: Engine, good: bytes, tmp_path: Path, part: str) -> None:
    def forge(data: dict[str, Any]) -> None:
        state = data["state"]
        if part == "fired":
            state["fired"]["opening"] = 5
        elif part == "last_fired":
            state["last_fired"]["opening"] = 9
        elif part == "chose":
            state["chose"].append("opening.warn")
        elif part == "sequence":
            state["sequence"] += 7
        elif part == "scheduled":
            state["scheduled"].append([99, 99, "reply", ["opening", "warn", "", 0]])
        else:  # a value and the record of the last decision that set it, consistently
            state["values"]["intel"] = 95.0
            data["decisions"][-1]["values"]["intel"] = 95.0

    path = tmp_path / "forged.json"
    path.write_bytes(resealed(good, forge))
    try:
        loaded = saves.load_save(path, engine)
    except saves.SaveError as exc:
        assert str(exc).startswith("edited or damaged")
        return
    # (a forged record of a decision is found where it is: the game goes on only from before it)
    assert loaded.status == saves.EDITED and loaded.divergence is not None
    assert not same_state(loaded.state, saves.parse_save(path.read_bytes()).state)


# --- litter ------------------------------------------------------------------------------------


def aged(path: Path, seconds: float) -> Path:
    moment = time.time() - seconds
    os.utime(path, (moment, moment), follow_symlinks=False)
    return path


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temporary_files_of_cut_short_writes_are_removed_and_nothing_else(
    engine: Engine, tmp_path: Path,
) -> None:
    gone, alive, old, recent = dead_pid(), os.getpid(), 2 * files.STALE_AFTER, 2 * files.MIN_AGE

    def made(name: str, age: float) -> Path:
        path = tmp_path / name
        path.write_bytes(b"{")
        return aged(path, age)

    stale = [
        made(f".autosave-c0ffee01-003.json.{gone}-0123abcd.tmp", recent),  # its writer is gone
        made(f".quicksave.json.{alive}-0123abce.tmp", old),  # too old to be anyone's write
        made(".slot.json.a1b2_c3d.tmp", old),  # as earlier versions named them
    ]
    kept = [
        made(f".slot.json.{gone}-0123abcf.tmp", 0),  # too young: its writer may only be slow
        made(f".slot.json.{alive}-0123abd0.tmp", recent),  # a live writer's
        made(".notes.txt.tmp", old),  # not named as ours
        made(".slot.json.a1b2_c3d4.tmp.bak", old),
    ]
    link = tmp_path / f".link.json.{gone}-0123abd1.tmp"
    link.symlink_to(tmp_path / "elsewhere")
    aged(link, old)
    saves.Autosaver(tmp_path, engine, saves.GameInfo.new())(play(engine, engine.new_game(1), [0]))
    assert not any(path.exists() for path in stale)
    assert all(path.exists() for path in kept) and link.is_symlink()


@fork_only
def test_the_temporary_file_of_a_killed_writer_is_cleaned_by_the_next_write(engine: Engine, tmp_path: Path) -> None:
    record = saves.make_record(engine, play(engine, engine.new_game(4), [0, 0, 0]), "slot", saves.GameInfo.new())
    path = tmp_path / "slot.json"
    pid = os.fork()
    if pid == 0:
        try:
            real = os.fsync

            def killed(fd: int) -> None:
                os.kill(os.getpid(), signal.SIGKILL)
                real(fd)

            os.fsync = killed  # type: ignore[assignment]
            saves.write_record(path, record)
        finally:
            os._exit(3)
    os.waitpid(pid, 0)
    litter = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(litter) == 1 and not path.exists()
    aged(litter[0], 2 * files.MIN_AGE)
    saves.write_record(path, record)
    assert [p.name for p in tmp_path.iterdir()] == ["slot.json"]
