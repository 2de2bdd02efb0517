"""A corpus of damaged save files: each gives one clear line saying what is wrong, and nothing is touched."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from game import cli, paths, saves
from game.engine import Engine
from game.loader import load_scenario

FIXTURES = Path(__file__).parent / "fixtures"
KINDS = ("corrupted", "truncated", "not a save", "made by a newer", "damaged", "empty")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_scenario(FIXTURES / "mini"))


@pytest.fixture(scope="module")
def good(engine: Engine) -> bytes:
    """The bytes of a sound save of a finished game."""
    state = engine.new_game(21)
    while not state.over:
        decision = engine.decision(state)
        assert decision is not None
        state = engine.choose(state, next(c for c in decision.choices if c.available).id).state
    record = saves.make_record(engine, state, "corpus", saves.GameInfo("c0ffee00", "2024-10-23T12:00:00Z"))
    return saves.to_json(record).encode()


def reason_for(tmp_path: Path, raw: bytes, name: str = "damaged.json") -> str:
    """The reason reading these bytes as a save gives, checking the file is left as it was."""
    path = tmp_path / name
    path.write_bytes(raw)
    with pytest.raises(saves.SaveError) as caught:
        saves.read_save(path)
    assert path.read_bytes() == raw, "reading a save never changes it"
    assert [p.name for p in tmp_path.iterdir()] == [name], "reading a save never writes anything"
    reason = str(caught.value)
    assert reason and "\n" not in reason and len(reason) < 200, reason
    return reason


def resealed(raw: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    """The save with a change made and the checksum recomputed, as a careful hand-editor would."""
    data = json.loads(raw)
    change(data)
    data["checksum"] = saves.checksum(data)
    return json.dumps(data, indent=2).encode()


def test_the_sound_save_reads(good: bytes, tmp_path: Path) -> None:
    path = tmp_path / "good.json"
    path.write_bytes(good)
    assert saves.read_save(path).decision_count > 2


def test_truncated_at_any_point(good: bytes, tmp_path: Path) -> None:
    header = good.index(b"redline-save") + len(b'redline-save",')
    step = max(1, len(good) // 150)
    for cut in range(0, len(good) - 2, step):
        reason = reason_for(tmp_path, good[:cut])
        if cut == 0:
            assert reason.startswith("empty")
        elif cut >= header:
            assert reason.startswith("truncated"), (cut, reason)
        else:
            assert reason.startswith(KINDS), (cut, reason)
        (tmp_path / "damaged.json").unlink()


def test_bytes_flipped_anywhere(good: bytes, tmp_path: Path) -> None:
    step = max(1, len(good) // 200)
    seen: set[str] = set()
    for position in range(0, len(good), step):
        for mask in (0x01, 0x80):
            damaged = bytearray(good)
            damaged[position] ^= mask
            if bytes(damaged).strip() == good.strip():
                continue  # the flip only touched trailing blank space
            reason = reason_for(tmp_path, bytes(damaged))
            assert reason.startswith(KINDS), (position, reason)
            seen.add(reason.split(":")[0])
            (tmp_path / "damaged.json").unlink()
    assert "corrupted" in seen


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "empty: nothing was saved in it"),
        (b"  \n\t\n", "empty: only blank space"),
        (b"hello, this is a letter", "not a save: not JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a save: binary data"),
        (b"[1, 2, 3]", "not a save: the JSON is a list"),
        (b'"a string"', "not a save: not JSON"),
        (b"null", "not a save: not JSON"),
        (b'{"name": "left-pad", "version": "1.3.0"}', 'not a save: JSON without "format"'),
        (b'{"format": "chess-pgn", "version": 1}', "not a save: its format is 'chess-pgn'"),
        (b"[" * 200_000, "not a save: JSON nested too deeply"),
        (b'{"format": "redline-save", "version": 1, "seed": NaN}', "corrupted: NaN is not allowed"),
    ],
    ids=["empty", "blank", "text", "binary", "list", "string", "null", "foreign-json", "other-format",
         "nested", "nan"],
)
def test_files_that_are_not_saves(tmp_path: Path, raw: bytes, expected: str) -> None:
    assert reason_for(tmp_path, raw).startswith(expected)


def test_newer_version(good: bytes, tmp_path: Path) -> None:
    raw = resealed(good, lambda d: d.update(version=saves.VERSION + 1))
    assert reason_for(tmp_path, raw) == (
        f"made by a newer Red Line: save version {saves.VERSION + 1}, this one reads up to version {saves.VERSION}"
    )


@pytest.mark.parametrize("version", [0, -1, "1", None, True, 1.5])
def test_nonsense_version(good: bytes, tmp_path: Path, version: Any) -> None:
    raw = resealed(good, lambda d: d.update(version=version))
    assert reason_for(tmp_path, raw).startswith("corrupted: the save version")


def test_key_names_damaged(good: bytes, tmp_path: Path) -> None:
    assert reason_for(tmp_path, good.replace(b'"format"', b'"formas"', 1)) == (
        "corrupted: the format field is missing, though the rest looks like a save"
    )
    assert reason_for(tmp_path, good.replace(b'"version"', b'"versiom"', 1)) == "corrupted: the save version is missing"


def test_value_edited_without_resealing(good: bytes, tmp_path: Path) -> None:
    data = json.loads(good)
    data["state"]["values"]["tension"] = 0.0
    reason = reason_for(tmp_path, json.dumps(data, indent=2).encode())
    assert reason == "corrupted: the checksum does not match the contents (damaged, or edited by hand)"


def test_format_name_damaged(good: bytes, tmp_path: Path) -> None:
    raw = good.replace(b"redline-save", b"redlinf-save", 1)
    assert reason_for(tmp_path, raw) == "corrupted: the format name reads 'redlinf-save', not 'redline-save'"


def test_invalid_utf8_in_the_middle(good: bytes, tmp_path: Path) -> None:
    middle = len(good) // 2
    reason = reason_for(tmp_path, good[:middle] + b"\xff" + good[middle + 1:])
    assert reason == f"corrupted: byte {middle} (0xff) is not UTF-8 text"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("seed"), "damaged: seed: field required"),
        (lambda d: d.update(seed="seven"), "damaged: seed: the seed must be a whole number between 0 and 2**63-1"),
        (lambda d: d["decisions"][1].update(choice=3), "damaged: decisions[1].choice: input should be a valid string"),
        (lambda d: d.update(scenario="../../etc"), "damaged: scenario: string should match pattern"),
        (lambda d: d["state"].pop("turn"), "damaged: state.turn: field required"),
        (lambda d: d["state"].update(format=99), "damaged: the state snapshot is unreadable (unknown state format 99)"),
        (lambda d: d["decisions"][0].update(choice="wait"),
         "edited or damaged: the state snapshot does not match the decision log"),
        (lambda d: d["decisions"][-1].update(digest="0" * 24),
         "edited or damaged: the state snapshot does not match the digest of the last decision"),
    ],
    ids=["missing-field", "wrong-type", "wrong-type-in-log", "scenario-path", "broken-snapshot",
         "unknown-snapshot-format", "log-vs-snapshot", "digest-vs-snapshot"],
)
def test_resealed_but_inconsistent(good: bytes, tmp_path: Path, change: Callable[[dict[str, Any]], None],
                                   expected: str) -> None:
    assert reason_for(tmp_path, resealed(good, change)).startswith(expected)


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:  # sparse: large on paper, nothing on disk
        handle.truncate(saves.MAX_BYTES + 1)
    with pytest.raises(saves.SaveError, match=r"^too large to be a save \(8\.0 MB; saves are under 8 MB\)$"):
        saves.read_save(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(saves.SaveError, match=r"^no such file$"):
        saves.read_save(tmp_path / "nothing.json")
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(saves.SaveError, match=r"^a folder, not a save file$"):
        saves.read_save(tmp_path / "folder.json")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_refused_without_waiting_on_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.json")
    with pytest.raises(saves.SaveError, match=r"^not a regular file"):
        saves.read_save(tmp_path / "pipe.json")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_permissions(good: bytes, tmp_path: Path) -> None:
    path = tmp_path / "locked.json"
    path.write_bytes(good)
    path.chmod(0)
    try:
        with pytest.raises(saves.SaveError, match="cannot read it: Permission denied"):
            saves.read_save(path)
    finally:
        path.chmod(0o600)


def test_harmless_changes_still_read(good: bytes, tmp_path: Path) -> None:
    for name, raw in {
        "crlf.json": good.replace(b"\n", b"\r\n"),
        "bom.json": b"\xef\xbb\xbf" + good,
        "compact.json": json.dumps(json.loads(good)).encode(),
    }.items():
        path = tmp_path / name
        path.write_bytes(raw)
        assert saves.read_save(path).decision_count > 2, name


def test_wrong_scenario(good: bytes, engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_bytes(resealed(good, lambda d: d.update(scenario="other-crisis", scenario_title="Other crisis")))
    with pytest.raises(saves.SaveError) as caught:
        saves.load_save(path, engine)
    assert str(caught.value) == "wrong scenario: saved from 'other-crisis' (Other crisis), not 'mini'"


# --- the same faults through the command line --------------------------------------------------


@pytest.fixture
def mini_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the CLI find the mini fixture as the installed scenario 'mini'."""
    real = paths.scenario_folder
    monkeypatch.setattr(paths, "scenario_folder", lambda s, content=FIXTURES: real(s or "mini", FIXTURES))


@pytest.mark.parametrize(
    ("name", "damage", "expected"),
    [
        ("truncated", lambda raw: raw[: len(raw) // 2], "truncated: the file stops after"),
        ("flipped", lambda raw: raw.replace(b'"tension": 4', b'"tension": 5', 1), "corrupted: the checksum"),
        ("newer", lambda raw: resealed(raw, lambda d: d.update(version=99)), "made by a newer Red Line"),
        ("empty", lambda raw: b"", "empty: nothing was saved in it"),
        ("foreign", lambda raw: b'{"compilerOptions": {}}', "not a save"),
        ("unknown-scenario", lambda raw: resealed(raw, lambda d: d.update(scenario="atlantis")),
         "scenario 'atlantis' is not installed"),
    ],
)
def test_replay_of_a_damaged_file_exits_2_with_one_line(
    good: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str], mini_installed: None,
    name: str, damage: Callable[[bytes], bytes], expected: str,
) -> None:
    path = tmp_path / f"{name}.json"
    path.write_bytes(damage(good))
    before = path.read_bytes()
    assert cli.main(["replay", str(path), "--verify", "--transcript", str(tmp_path / "out.md")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err
    assert path.read_bytes() == before and not (tmp_path / "out.md").exists()


def test_saves_listing_of_a_damaged_folder_names_each_fault(
    good: bytes, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], mini_installed: None,
) -> None:
    (tmp_path / "good.json").write_bytes(good)
    (tmp_path / "cut.json").write_bytes(good[:700])
    (tmp_path / "newer.json").write_bytes(resealed(good, lambda d: d.update(version=5)))
    (tmp_path / "empty.json").write_bytes(b"")
    (tmp_path / "other.json").write_bytes(resealed(good, lambda d: d.update(scenario="atlantis")))
    assert cli.main(["saves", "--saves", str(tmp_path), "--json"]) == 0
    listed = {item["file"]: item for item in json.loads(capsys.readouterr().out)}
    assert listed["good.json"]["status"] == "ok"
    assert listed["cut.json"]["reason"].startswith("truncated")
    assert listed["newer.json"]["reason"].startswith("made by a newer Red Line")
    assert listed["empty.json"]["reason"].startswith("empty")
    assert listed["other.json"]["status"] == "scenario missing"
    assert "atlantis" in listed["other.json"]["reason"]
