"""Malformed content never breaks `redline check`: every case of the campaign (tests/malformed.py)
gets its problems, each once, with its place, in line order, and no traceback. Each kind of
failure the campaign found has a case here; `benchmarks/malformed.py` runs the same campaign
through the command as a separate process, with other seeds."""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path

import pytest

from game.cli import main
from game.loader import check_scenario
from game.locate import Locator
from tests.conftest import MINI
from tests.malformed import Case, campaign, judge, make_special_files_removable

_ROOT = Path(tempfile.mkdtemp(prefix="redline-malformed-"))
CASES = campaign(_ROOT)


@atexit.register
def _clean() -> None:
    make_special_files_removable(_ROOT)
    shutil.rmtree(_ROOT, ignore_errors=True)


def test_the_campaign_has_a_hundred_cases_or_more_of_every_kind_the_loader_met() -> None:
    kinds = {case.kind for case in CASES}
    assert len(CASES) >= 100
    assert {"deep nesting", "encoding", "file system", "structure", "wrong shape", "follow-on", "order",
            "summary", "number overflow", "limits", "syntax"} <= kinds


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_malformed_content_is_reported_not_raised(case: Case, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", *case.args])
    out, err = capsys.readouterr()
    assert judge(case, code, out, err) == []


def test_another_seed_gives_other_cases_of_the_same_kinds(tmp_path: Path) -> None:
    again = campaign(tmp_path, seed=11)
    try:
        assert [c.kind for c in again] == [c.kind for c in CASES]
        assert [c.args[1:] for c in again] != [] and any(
            (Path(a.args[0]) / "events/main.toml").read_bytes() != (Path(b.args[0]) / "events/main.toml").read_bytes()
            for a, b in zip(again, CASES, strict=True) if (Path(a.args[0]) / "events/main.toml").is_file()
            and (Path(b.args[0]) / "events/main.toml").is_file())
    finally:
        make_special_files_removable(tmp_path)


# --- the kinds one by one, as an author meets them ---------------------------------------------


def _case(name: str) -> Case:
    return next(case for case in CASES if case.name == name)


def _check(name: str, capsys: pytest.CaptureFixture[str]) -> str:
    main(["check", *_case(name).args])
    return capsys.readouterr().out


def test_deep_nesting_is_a_located_problem(capsys: pytest.CaptureFixture[str]) -> None:
    out = _check("deep_array_100000", capsys)
    assert "events/main.toml:4:" in out and "nested more than 400 levels deep" in out


def test_a_byte_order_mark_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert "main.toml:1:1: the file starts with a UTF-8 byte-order mark" in _check("bom", capsys)


def test_bytes_that_are_not_utf8_have_a_line_and_column(capsys: pytest.CaptureFixture[str]) -> None:
    assert "main.toml:4:13: byte E9 is not UTF-8 text" in _check("latin1_text", capsys)


def test_a_file_name_that_is_not_utf8_is_shown_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    assert "ev\\xff\\xfe.toml:" in _check("file_name_not_utf8_broken", capsys)


@pytest.mark.parametrize(("name", "what"), [("fifo", "a named pipe (FIFO)"), ("link_to_zero", "a device"),
                                            ("socket", "a socket"), ("broken_symlink", "a link to something")])
def test_special_files_are_reported_not_skipped(name: str, what: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert what in _check(name, capsys)


def test_a_value_of_the_wrong_shape_is_named_by_its_path(capsys: pytest.CaptureFixture[str]) -> None:
    out = _check("followup_as_text", capsys)
    assert "'followups[0]' must be a table such as { event = \"reply\" }, not 'reply'" in out


def test_a_table_in_the_wrong_place_is_told_where_it_belongs(capsys: pytest.CaptureFixture[str]) -> None:
    out = _check("outcome_under_event", capsys)
    assert "unknown field 'outcome'" in out and "did you mean [[event.choice.outcome]]?" in out
    assert "'source'" not in out


def test_a_file_that_does_not_parse_hides_nothing_else_and_adds_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    out = _check("stats_file_syntax_error", capsys)
    assert out.count("stats.toml:") == 1 and "unknown name" not in out


def test_the_summary_names_the_folders_with_problems(capsys: pytest.CaptureFixture[str]) -> None:
    summary = _check("scenario_and_pack_mistakes", capsys).strip().splitlines()[-1]
    assert summary.startswith("2 problem(s): 1 in ") and "scenario_and_pack_mistakes-pack" in summary


def test_the_calendar_may_not_run_past_the_last_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert "the calendar runs past 9999-12-31" in _check("last_turn_past_year_9999", capsys)


def test_problems_and_warnings_come_in_line_order(edit: object, mini_copy: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = mini_copy / "events/main.toml"
    text = path.read_text().replace('trigger = "turn == 1"', 'trigger = "turn == 1"\ncooldown = "x"')
    path.write_text(text + '\n[[event]]\nid = "lonely"\ntitle = "T"\nbrief = "B"\n'
                           '[[event.choice]]\nid = "a"\nlabel = "A"\n')
    (mini_copy / "events/more.toml").write_text('[[flag]]\nid = "unused"\n[[rule]]\nid = "r"\nwhen = "trun > 1"\n'
                                                'effects = ["tension += 1"]\n')
    main(["check", str(mini_copy)])
    lines = capsys.readouterr().out.strip().splitlines()[:-1]
    places = [(line.split(":")[0], int(line.split(":")[1])) for line in lines]
    order = {"main.toml": 0, "more.toml": 1}
    assert places == sorted(places, key=lambda p: (order[p[0].rsplit("/", 1)[-1]], p[1]))


def test_names_are_listed_even_when_the_content_has_problems(edit: object, mini_copy: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    (mini_copy / "events/main.toml").write_text(
        (mini_copy / "events/main.toml").read_text().replace('trigger = "turn == 1"', 'trigger = "trun == 1"'))
    code = main(["names", str(mini_copy), "--json"])
    out, err = capsys.readouterr()
    names = json.loads(out)
    assert code == 1 and "unknown name 'trun'" in err and "names below are those of what loaded" in err
    assert {s["id"] for s in names["stats"]} == {"tension", "intel", "threat"}
    assert "reply" in {e["id"] for e in names["events"]} and "opening" not in {e["id"] for e in names["events"]}


def test_the_locator_reading_one_entry_places_as_reading_the_whole_file() -> None:
    """The quick pass by headers is held to the plain reading of the whole text, on every key of
    every file of the shipped scenario and the fixtures."""
    import tomli

    files = [*Path("content").rglob("*.toml"), *MINI.rglob("*.toml"), *Path("docs/example-pack").rglob("*.toml")]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        data = tomli.loads(text)
        whole = Locator(text)
        whole.position(("x",))  # reads the whole text
        counts = {key: len(value) if isinstance(value, list) else -1 for key, value in data.items()}
        for key in list(whole.keys):
            assert Locator(text, counts).position(key) == whole.keys[key], (path, key)
            assert Locator(text, counts).value_position(key) == whole.value_position(key), (path, key)


def test_a_header_inside_a_multiline_string_does_not_mislead_the_locator(tmp_path: Path) -> None:
    text = '[[flag]]\nid = "a"\ndescription = """\n[[flag]]\n"""\n\n[[flag]]\nid = "b"\n'
    assert Locator(text, {"flag": 2}).position(("flag", 1, "id")) == (8, 1)
    assert Locator(text, {"flag": 3}).position(("flag", 1, "id")) == (8, 1)  # miscounted: read whole


def test_check_scenario_on_a_sound_copy_still_loads(mini_copy: Path) -> None:
    assert check_scenario(mini_copy).content is not None
