"""Fuzzing the save reader with real saves mutated three ways (their bytes, their JSON structure, their
values): it gives a clear reason or a clean load, never another exception, and never writes.

The saves are made through the public API, so the fuzzing follows the format as it changes. The
number of examples is fixed, so the time a run takes is bounded (a few seconds).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game import files, saves
from game.engine import Engine
from game.loader import load_scenario
from game.safetext import is_safe

FIXTURES = Path(__file__).parent / "fixtures"
ENGINE = Engine(load_scenario(FIXTURES / "mini"))
EXAMPLES = 150
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _saves() -> list[bytes]:
    """Real saves: games of several lengths, a finished one, a branch, and saves of the first format."""
    made = []
    for seed, decisions in ((1, 0), (2, 1), (3, 3), (21, 30)):
        state = ENGINE.new_game(seed)
        for _ in range(decisions):
            decision = ENGINE.decision(state)
            if decision is None:
                break
            options = [c.id for c in decision.choices if c.available]
            state = ENGINE.choose(state, options[seed % len(options)]).state
        record = saves.make_record(ENGINE, state, f"fuzz {seed}", saves.GameInfo.new())
        made.append(saves.to_json(record).encode())
        if decisions == 3:
            branch = saves.branch_record(ENGINE, record, state, 3, "branch")
            made.append(saves.to_json(branch).encode())
    made += [path.read_bytes() for path in sorted((FIXTURES / "saves" / "v1").iterdir())]
    return made


SAVES = _saves()
HOSTILE: list[Any] = [None, True, False, 0, -1, 1.5, -0.0, 2**63, -(2**63), 10**18, 1.7e308, -1.7e308, "", "x",
                      "\x1b[2J\x1b[31m", "\u009b1m", "\u202eevil", "../../escape", "a/b", "x" * 5000, "1e400",
                      [], {}, [1, 2], {"k": "v"}, [[[[]]]], {"format": 1}, "2024-13-45", "NaN"]
RAW_NUMBERS = ["1e400", "-1e400", "1" * 40, "-" + "9" * 25, "1E+999"]
MARKER = 918273645


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


def _reseal(data: Any) -> bytes:
    if isinstance(data, dict):
        body = {k: v for k, v in data.items() if k != "checksum"}
        with suppress(TypeError, ValueError):
            data = {**body, "checksum": saves.checksum(body)}
    return json.dumps(data, indent=2, ensure_ascii=False).encode()


@contextmanager
def _nothing_written() -> Iterator[None]:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("reading a save wrote a file")

    with mock.patch.object(files, "write_file", refuse), mock.patch.object(saves, "write_file", refuse):
        yield


def check_reader(raw: bytes) -> str:
    """Read the bytes as a save every way the game does; 'loaded' or the reason. Fails the test on any
    other exception, on a reason that is not one safe line, or on any change to the folder."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "fuzzed.json"
        path.write_bytes(raw)
        before = {p.name: p.read_bytes() for p in folder.iterdir()}
        outcome = "loaded"
        with _nothing_written():
            try:
                record = saves.read_save(path)
                saves.progress(record)
                saves.local_time(record.saved)
                loaded = saves.open_record(record, ENGINE)
                assert is_safe(loaded.summary) and is_safe(loaded.detail)
            except saves.SaveError as exc:
                outcome = str(exc)
                assert outcome and "\n" not in outcome and is_safe(outcome) and len(outcome) < 400, outcome
            listing = saves.list_saves(folder, lambda scenario: ENGINE.content if scenario == "mini" else None)
            assert len(listing) == 1 and is_safe(listing[0].label)
            assert not listing[0].reason.startswith("unexpected problem"), listing[0].reason
            saves.latest_autosave(folder)
        assert {p.name: p.read_bytes() for p in folder.iterdir()} == before, "reading never writes"
    return outcome


def test_every_real_save_loads() -> None:
    assert [check_reader(raw) for raw in SAVES] == ["loaded"] * len(SAVES)


@FUZZ
@given(base=st.sampled_from(SAVES), edits=st.lists(st.tuples(
    st.sampled_from(["flip", "insert", "delete", "truncate", "duplicate"]),
    st.floats(min_value=0, max_value=1), st.binary(min_size=1, max_size=8)), min_size=1, max_size=4))
def test_fuzzed_bytes(base: bytes, edits: list[tuple[str, float, bytes]]) -> None:
    raw = bytearray(base)
    for kind, where, data in edits:
        at = int(where * max(0, len(raw) - 1))
        if kind == "flip" and raw:
            raw[at] ^= data[0] or 1
        elif kind == "insert":
            raw[at:at] = data
        elif kind == "delete":
            del raw[at:at + len(data) * 7]
        elif kind == "truncate":
            del raw[at:]
        else:
            raw[at:at] = raw[at:at + 64]
    check_reader(bytes(raw))


@FUZZ
@given(base=st.sampled_from(SAVES), choice=st.floats(min_value=0, max_value=1),
       operation=st.sampled_from(["delete", "replace", "wrap", "empty", "extra", "swap", "drop-item", "copy-item"]),
       value=st.sampled_from(HOSTILE), reseal=st.booleans())
def test_fuzzed_structure(base: bytes, choice: float, operation: str, value: Any, reseal: bool) -> None:
    data = json.loads(base)
    paths = [p for p in _paths(data) if p]
    path = paths[int(choice * (len(paths) - 1))]
    parent, key = _parent(data, path), path[-1]
    if operation == "delete":
        del parent[key]
    elif operation == "replace":
        parent[key] = value
    elif operation == "wrap":
        parent[key] = [parent[key]]
    elif operation == "empty":
        parent[key] = type(parent[key])() if isinstance(parent[key], dict | list | str) else None
    elif operation == "extra" and isinstance(parent[key], dict):
        parent[key]["unexpected"] = value
    elif operation == "swap" and isinstance(parent, dict) and len(parent) > 1:
        other = next(k for k in parent if k != key)
        parent[key], parent[other] = parent[other], parent[key]
    elif operation == "drop-item" and isinstance(parent[key], list) and parent[key]:
        parent[key].pop()
    elif operation == "copy-item" and isinstance(parent[key], list) and parent[key]:
        parent[key].append(parent[key][0])
    check_reader(_reseal(data) if reseal else json.dumps(data).encode())


@FUZZ
@given(base=st.sampled_from(SAVES), choice=st.floats(min_value=0, max_value=1), value=st.sampled_from(HOSTILE),
       raw_number=st.sampled_from([None, *RAW_NUMBERS]))
def test_fuzzed_values(base: bytes, choice: float, value: Any, raw_number: str | None) -> None:
    data = json.loads(base)
    leaves = [p for p in _paths(data) if p and not isinstance(_parent(data, p)[p[-1]], dict | list)]
    path = leaves[int(choice * (len(leaves) - 1))]
    _parent(data, path)[path[-1]] = MARKER if raw_number is not None else value
    raw = _reseal(data)
    if raw_number is not None:
        raw = raw.replace(str(MARKER).encode(), raw_number.encode())
    check_reader(raw)


@pytest.mark.parametrize("index", range(3))
def test_the_reader_refuses_a_save_whose_checksum_was_left_as_it_was(index: int) -> None:
    data = json.loads(SAVES[index])
    data["slot"] = "renamed"
    assert check_reader(json.dumps(data).encode()).startswith("corrupted: the checksum")
