"""A campaign of malformed scenarios: each case breaks a copy of the mini fixture in one way, and says
what `redline check` must answer. `benchmarks/malformed.py` runs it through the real command and
counts what went wrong; tests/test_malformed.py runs it in-process. A seed gives other cases of
the same kinds (other offsets, depths and values), so the kinds are tested, not the files.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import socket
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

MINI = Path(__file__).parent / "fixtures" / "mini"
EVENTS = "events/main.toml"


@dataclass
class Case:
    """One malformed scenario: the arguments of `redline check` and what its answer must hold."""

    name: str
    kind: str
    args: list[str]
    #: "refused" (exit 1), "accepted" (exit 0) or "either"
    expect: str = "refused"
    #: each must appear in the output (a regular expression)
    says: tuple[str, ...] = ()
    #: none may appear in the output (regular expressions)
    not_says: tuple[str, ...] = ()
    #: the exact number of problems, when known
    problems: int | None = None
    #: folders whose name the summary must carry
    summary_names: tuple[str, ...] = ()
    notes: dict[str, str] = field(default_factory=dict)


class _Builder:
    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root = root
        self.rng = rng
        self.cases: list[Case] = []

    def copy(self, name: str) -> Path:
        target = self.root / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(MINI, target)
        return target

    def add(self, name: str, kind: str, change: Callable[[Path], object], **expect: object) -> None:
        folder = self.copy(name)
        change(folder)
        extra = expect.pop("extra", None)
        args = [str(folder)]
        if extra is not None:  # a pack is a folder of its own, beside the scenario's
            pack = folder.with_name(f"{folder.name}-{extra}")
            if pack.exists():
                shutil.rmtree(pack)
            shutil.move(folder / str(extra), pack)
            args += ["--content", str(pack)]
        self.cases.append(Case(name, kind, args, **expect))  # type: ignore[arg-type]


def _replace(relative: str, old: str, new: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        path = folder / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, (old, relative)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


def _append(relative: str, text: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(text)

    return change


def _each(*changes: Callable[[Path], object]) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        for one in changes:
            one(folder)

    return change


def _write_bytes(relative: str, data: bytes) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        (folder / relative).write_bytes(data)

    return change


def _events_bytes(folder: Path) -> bytes:
    return (folder / EVENTS).read_bytes()


def campaign(root: Path, seed: int = 0) -> list[Case]:
    """Write every case of the campaign under `root` and return them."""
    root.mkdir(parents=True, exist_ok=True)
    b = _Builder(root, random.Random(seed))
    rng = b.rng
    events_text = (MINI / EVENTS).read_text(encoding="utf-8")
    size = len(events_text.encode())

    # --- TOML syntax: a file cut short, a byte changed --------------------------------------
    for i in range(12):
        cut = rng.randrange(20, size - 20)

        def truncate(folder: Path, cut: int = cut) -> None:
            data = _events_bytes(folder)[:cut]
            (folder / EVENTS).write_bytes(data)

        b.add(f"truncated_{i}", "syntax", truncate, expect="either")
    for i in range(12):
        at = rng.randrange(0, size)
        char = rng.choice(b"[]{}=\"',.#\n")

        def flip(folder: Path, at: int = at, char: int = char) -> None:
            data = bytearray(_events_bytes(folder))
            data[at] = char
            (folder / EVENTS).write_bytes(bytes(data))

        b.add(f"byte_changed_{i}", "syntax", flip, expect="either")

    # --- nesting deep enough to exhaust a recursive reader ----------------------------------
    for depth in (40, rng.randrange(900, 1100), rng.randrange(5000, 20000), 100_000):
        b.add(f"deep_array_{depth}", "deep nesting",
              _replace(EVENTS, 'brief = "Something happened."', "brief = " + "[" * depth + "]" * depth))
        b.add(f"deep_inline_table_{depth}", "deep nesting",
              _replace(EVENTS, 'brief = "Something happened."', "brief = " + "{a=" * depth + "1" + "}" * depth))
    for depth in (rng.randrange(900, 1100), rng.randrange(5000, 20000)):
        b.add(f"deep_dotted_table_{depth}", "deep nesting",
              _append(EVENTS, "\n[" + ".".join(["a"] * depth) + "]\nx = 1\n"))
        b.add(f"deep_array_of_tables_{depth}", "deep nesting",
              _append(EVENTS, "\n[[" + ".".join(["event"] * depth) + "]]\nx = 1\n"))
    depth = rng.randrange(100, 190)
    b.add("deep_parentheses", "deep nesting",
          _replace(EVENTS, 'trigger = "turn == 1"', 'trigger = "' + "(" * depth + "turn == 1" + ")" * depth + '"'),
          expect="either")
    b.add("deep_not", "deep nesting",
          _replace(EVENTS, 'trigger = "turn == 1"', 'trigger = "' + "not " * 90 + 'true"'),
          says=(r"nested too deeply",))

    # --- numbers that overflow -----------------------------------------------------------
    # a balanced product, so that it is not too deep: (1e12*1e12*1e12*1e12) to the 4th, twice: 1e384
    four = "(" + "*".join(["1e12"] * 4) + ")"
    product = "*".join(["(" + "*".join([four] * 4) + ")"] * rng.randrange(2, 3))
    for field_name, old, template in (
        ("weight", 'weight = "1 + tension / 50"', 'weight = "round({p})"'),
        ("chance", 'chance = "0.5 + intel / 200"', 'chance = "clamp({p}, 0, 1)"'),
        ("effect", '"tension += 10"', '"tension += round({p})"'),
        ("trigger", 'trigger = "turn == 1"', 'trigger = "turn < round({p})"'),
        ("compare", 'trigger = "turn == 1"', 'trigger = "turn < {p} - {p}"'),
    ):
        b.add(f"overflow_{field_name}", "number overflow", _replace(EVENTS, old, template.format(p=product)),
              says=(r"too large",), problems=1)
    for name, old, new in (
        ("weight_inf", 'weight = "1 + tension / 50"', "weight = inf"),
        ("weight_nan", 'weight = "1 + tension / 50"', "weight = nan"),
        ("chance_nan", "chance = 0.5", "chance = nan"),
        ("chance_inf", "chance = 0.5", "chance = -inf"),
    ):
        b.add(name, "number overflow", _replace(EVENTS, old, new), problems=1)
    for name, old, new in (
        ("initial_inf", "initial = 40", "initial = inf"),
        ("max_nan", 'label = "Intel"', 'label = "Intel"\nmax = nan'),
        ("min_minus_inf", 'label = "Intel"', 'label = "Intel"\nmin = -inf'),
        ("huge_integer", "initial = 40", "initial = " + "9" * rng.randrange(25, 60)),
        ("huge_last_turn", "last_turn = 6", f"last_turn = {rng.randrange(10**6, 10**12)}"),
        ("huge_days_per_turn", "days_per_turn = 7", f"days_per_turn = {10**rng.randrange(5, 15)}"),
        ("error_inf", "error = 20", "error = inf"),
    ):
        b.add(name, "number overflow", _replace("scenario.toml", old, new), problems=1)
    b.add("spread_huge", "number overflow", _replace("scenario.toml", "spread = 10", "spread = 1e308"), expect="either")
    for name, old, new in (
        ("calendar_past_year_9999", "start_date = 2024-10-23", "start_date = 9999-12-01"),
        ("last_turn_past_year_9999", "start_date = 2024-10-23\ndays_per_turn = 7\nlast_turn = 6",
         "start_date = 9990-01-01\ndays_per_turn = 366\nlast_turn = 1000"),
        ("season_at_year_1", "start = 2024-10-01", "start = 0001-01-01"),
        ("start_at_year_1", "start_date = 2024-10-23", "start_date = 0001-01-01"),
        ("date_at_year_9999", "election = 2024-11-05", "election = 9999-12-31"),
    ):
        b.add(name, "number overflow", _replace("scenario.toml", old, new), expect="either")

    # --- bytes that are not UTF-8 text -----------------------------------------------------
    for i in range(5):
        at = rng.randrange(0, size)
        bad = rng.choice([b"\xff", b"\xc3", b"\xe2\x82", b"\x80", b"\xed\xa0\x80"])

        def not_utf8(folder: Path, at: int = at, bad: bytes = bad) -> None:
            data = _events_bytes(folder)
            (folder / EVENTS).write_bytes(data[:at] + bad + data[at:])

        line = events_text.encode()[:at].count(b"\n") + 1
        b.add(f"not_utf8_{i}", "encoding", not_utf8, says=(rf"main\.toml:{line}:\d+: .*UTF-8",), problems=1)
    b.add("bom", "encoding", lambda f: (f / EVENTS).write_bytes(b"\xef\xbb\xbf" + _events_bytes(f)),
          says=(r"main\.toml:1:1: .*byte-order mark",), problems=1)
    b.add("utf16", "encoding",
          lambda f: (f / EVENTS).write_bytes(b"\xff\xfe" + _events_bytes(f).decode().encode("utf-16-le")),
          says=(r"main\.toml:1:1: .*UTF-16",), problems=1)
    b.add("nul_byte", "encoding",
          lambda f: (f / EVENTS).write_bytes(_events_bytes(f).replace(b"Opening", b"Open\0ing", 1)),
          says=(r"main\.toml:3:\d+: ",))
    b.add("latin1_text", "encoding",
          lambda f: (f / EVENTS).write_bytes(_events_bytes(f).replace(b"Something", b"Caf\xe9", 1)),
          says=(r"main\.toml:4:13: .*UTF-8",), problems=1)
    b.add("crlf_lines", "encoding",
          lambda f: (f / EVENTS).write_bytes(_events_bytes(f).replace(b"\n", b"\r\n")), expect="accepted")
    b.add("lone_surrogate_escape", "encoding", _replace(EVENTS, 'title = "Opening"', 'title = "Open\\ud800"'),
          says=(r"main\.toml:3:",))

    # --- files that are not plain files, or have odd names -----------------------------------
    def odd_name(folder: Path) -> None:
        os.rename(folder / EVENTS, os.path.join(os.fsencode(folder / "events"), b"ev\xff\xfe.toml"))

    b.add("file_name_not_utf8", "file system", odd_name, expect="accepted")
    b.add("file_name_not_utf8_broken", "file system",
          _each(odd_name, _append("events/ev\udcff\udcfe.toml", "[[event]]\nid = 1\n")),
          says=(r"ev.*\.toml:\d+:\d+: ",))

    def fifo(folder: Path) -> None:
        os.mkfifo(folder / "events" / "pipe.toml")

    b.add("fifo", "file system", fifo, says=(r"pipe\.toml: .*(FIFO|pipe)",), problems=1)
    for device in ("/dev/zero", "/dev/null", "/dev/urandom"):
        name = device.rsplit("/", 1)[1]

        def link(folder: Path, device: str = device, name: str = name) -> None:
            os.symlink(device, folder / "events" / f"{name}.toml")

        b.add(f"link_to_{name}", "file system", link, says=(rf"{name}\.toml: .*device",), problems=1)

    def unix_socket(folder: Path) -> None:
        path = folder / "events" / "sock.toml"
        if len(str(path)) < 100:
            sock = socket.socket(socket.AF_UNIX)
            sock.bind(str(path))
            sock.close()
        else:
            os.mkfifo(path)

    b.add("socket", "file system", unix_socket, says=(r"sock\.toml: ",), problems=1)
    b.add("broken_symlink", "file system", lambda f: os.symlink(f / "nowhere.toml", f / "events" / "gone.toml"),
          says=(r"gone\.toml: ",), problems=1)
    b.add("symlink_loop", "file system", lambda f: os.symlink(f, f / "events" / "loop"), expect="accepted")
    b.add("folder_named_toml", "file system", lambda f: (f / "events" / "more.toml").mkdir(), expect="accepted")
    b.add("empty_file", "file system", lambda f: (f / "events" / "empty.toml").write_bytes(b""), expect="accepted")

    def unreadable(folder: Path) -> None:
        path = folder / "events" / "locked.toml"
        path.write_text("[[flag]]\nid = \"locked\"\n")
        path.chmod(0)

    b.add("unreadable_file", "file system", unreadable, expect="accepted" if os.geteuid() == 0 else "refused")
    b.add("no_toml_files", "file system", lambda f: [p.rename(p.with_suffix(".txt")) for p in f.rglob("*.toml")],
          says=(r"no \.toml files",), problems=1)
    b.add("upper_case_suffix", "file system", lambda f: os.rename(f / "scenario.toml", f / "scenario.TOML"),
          says=(r"scenario\.TOML",))

    # --- tables in the wrong place: suggestions that know the structure ---------------------
    for name, old, new, meant in (
        ("outcome_under_event", "[[event.choice.outcome]]\n    id = \"win\"", "[[event.outcome]]\n    id = \"win\"",
         r"\[\[event\.choice\.outcome\]\]"),
        ("counsel_under_event", "[[event.choice.counsel]]\n    advisor = \"hawk\"",
         "[[event.counsel]]\n    advisor = \"hawk\"", r"\[\[event\.choice\.counsel\]\]"),
        ("choices_plural", "[[event.choice]]\n  id = \"warn\"", "[[event.choices]]\n  id = \"warn\"",
         r"\[\[event\.choice\]\]"),
        ("outcomes_plural", "[[event.choice.outcome]]\n    id = \"win\"",
         "[[event.choice.outcomes]]\n    id = \"win\"", r"\[\[event\.choice\.outcome\]\]"),
        ("events_plural", "[[event]]\nid = \"opening\"", "[[events]]\nid = \"opening\"", r"\[\[event\]\]"),
        ("choice_at_top", "[[event]]\nid = \"reply\"", "[[choice]]\nid = \"reply\"", r"\[\[event\.choice\]\]"),
        ("outcome_at_top", "[[event.choice.outcome]]\n    id = \"win\"", "[[outcome]]\n    id = \"win\"",
         r"\[\[event\.choice\.outcome\]\]"),
        ("event_single_table", "[[event]]\nid = \"late\"", "[event]\nid = \"late\"", r"\[\[event\]\]"),
        ("followups_as_tables", "    followups = [{ event = \"crisis\", after = 1, when = \"tension > 50\" }]",
         "\n    [[event.choice.outcome.followup]]\n    event = \"crisis\"", r"followups"),
    ):
        b.add(name, "structure", _replace(EVENTS, old, new), says=(meant,), not_says=(r"'source'",))
    b.add("stat_single_table", "structure", _replace("scenario.toml", "[[stat]]\nid = \"tension\"",
                                                     "[stat]\nid = \"tension\""), says=(r"\[\[stat\]\]",))
    b.add("scenario_as_array", "structure", _replace("scenario.toml", "[scenario]", "[[scenario]]"),
          says=(r"\[scenario\]",))
    b.add("stats_plural", "structure", _replace("scenario.toml", "[[stat]]\nid = \"intel\"",
                                                "[[stats]]\nid = \"intel\""),
          says=(r"\[\[stat\]\]",), problems=1)

    # --- values of the wrong shape: a path to the value ---------------------------------------
    for name, old, new, path in (
        ("followup_as_text", '[{ event = "reply", after = 1 }]', '["reply"]', r"followups\[0\]"),
        ("followups_as_text", '[{ event = "reply", after = 1 }]', '"reply"', r"'followups'"),
        ("followup_event_number", '[{ event = "reply", after = 1 }]', "[{ event = 1 }]", r"followups\[0\]\.event"),
        ("followup_empty", '[{ event = "reply", after = 1 }]', "[{}]", r"followups\[0\]"),
        ("effects_as_text", 'effects = ["tension -= 5"]', 'effects = "tension -= 5"', r"'effects'"),
        ("effect_number", 'effects = ["tension -= 5"]', "effects = [5]", r"effects\[0\]"),
        ("counsel_missing_field", '    says = "Do not."\n', "", r"main\.toml:21:5: missing required field 'says'"),
        ("tags_nested", 'tags = ["routine", "repeatable"]', 'tags = ["routine", ["x"]]', r"tags\[1\]"),
        ("choice_as_text", "[[event.choice]]\n  id = \"ok\"\n  label = \"OK\"", 'choice = "ok"', r"'choice'"),
        ("outcome_inline_table", "    [[event.choice.outcome]]\n    id = \"lose\"",
         "    [event.choice.outcome_x]\n    id = \"lose\"", r"outcome"),
    ):
        b.add(name, "wrong shape", _replace(EVENTS, old, new), says=(path,), not_says=(r"can never fire",), problems=1)
    for name, old, new, path in (
        ("hidden_number", "hidden = { confidence = \"intel\", error = 20, min_error = 2 }", "hidden = 5", r"'hidden'"),
        ("dates_array", "[scenario.dates]\nelection = 2024-11-05", "dates = [2024-11-05]", r"'dates'"),
        ("date_text", "election = 2024-11-05", 'election = "2024-11-05"', r"dates\.election|'election'"),
        ("season_as_table", "[[scenario.seasons]]\nid = \"mud\"", "[scenario.seasons]\nid = \"mud\"", r"seasons"),
    ):
        b.add(name, "wrong shape", _replace("scenario.toml", old, new), says=(path,))

    # --- one mistake, one message: nothing that follows from a structural error ---------------
    def split_stats(folder: Path, breaking: str) -> None:
        text = (folder / "scenario.toml").read_text()
        start = text.index("[[stat]]")
        end = text.index("[[flag]]")
        (folder / "scenario.toml").write_text(text[:start] + text[end:])
        (folder / "stats.toml").write_text(text[start:end].replace('id = "tension"', breaking, 1))

    b.add("stats_file_syntax_error", "follow-on", lambda f: split_stats(f, 'id = "tension'), problems=1)
    b.add("stats_file_not_utf8", "follow-on",
          _each(lambda f: split_stats(f, 'id = "tension"'),
                lambda f: (f / "stats.toml").write_bytes((f / "stats.toml").read_bytes() + b"\xff")), problems=1)
    b.add("stats_file_deep", "follow-on",
          lambda f: split_stats(f, 'id = "tension"\nlabel2 = ' + "[" * 5000 + "]" * 5000), problems=1)
    b.add("stat_misspelt_table", "follow-on", _replace("scenario.toml", "[[stat]]\nid = \"tension\"",
                                                       "[[stats]]\nid = \"tension\""), problems=1)
    b.add("stat_wrong_type", "follow-on", _replace("scenario.toml", "initial = 40", 'initial = "forty"'), problems=1)
    b.add("event_wrong_type", "follow-on", _replace(EVENTS, 'title = "Reply"', "title = 5"), problems=1)
    b.add("event_table_misspelt", "follow-on", _replace(EVENTS, "[[event]]\nid = \"reply\"",
                                                        "[[evnt]]\nid = \"reply\""), problems=1)
    b.add("advisor_wrong_type", "follow-on", _replace("scenario.toml", 'stance = "hawk"', "stance = 1"), problems=1)
    b.add("ending_broken", "follow-on", _replace("scenario.toml", 'title = "Stalemate"', "title = []"), problems=1)
    b.add("scenario_file_syntax", "follow-on", _replace("scenario.toml", 'title = "Mini crisis"', 'title = "Mini'),
          problems=1)
    b.add("scenario_table_broken", "follow-on", _replace("scenario.toml", "days_per_turn = 7", 'days_per_turn = "7"'),
          problems=1)
    b.add("choice_broken_chose", "follow-on", _replace(EVENTS, '  id = "warn"\n  label = "Warn them"',
                                                       '  id = "warn"\n  label = 3'), problems=1)

    # --- order and summary ---------------------------------------------------------------
    for i in range(6):
        mistakes = rng.sample([
            ('trigger = "turn == 1"', 'trigger = "trun == 1"'),
            ("cooldown = 1\n", 'cooldown = "1"\n'),
            ('  label = "Wait"', '  lable = "Wait"'),
            ('"intel += 10"', '"intl += 10"'),
            ('advisor = "dove"', 'advisor = "dovee"'),
            ('followups = [{ event = "reply", after = 1 }]', 'followups = [{ event = "replly", after = 1 }]'),
            ('id = "back_down"', 'id = "Back Down"'),
            ("priority = 5", 'priority = "5"'),
        ], rng.randrange(2, 6))

        def several(folder: Path, mistakes: list[tuple[str, str]] = mistakes) -> None:
            for old, new in mistakes:
                _replace(EVENTS, old, new)(folder)

        # (a mistake of shape in an entry hides those in its expressions: no count of problems)
        b.add(f"several_mistakes_{i}", "order", several)
    b.add("pack_with_mistakes", "summary",
          _append("pack/more.toml", '[[event]]\nid = "extra"\ntitle = "X"\nbrief = "Y"\ntrigger = "turm > 1"\n'
                  '[[event.choice]]\nid = "a"\nlabel = "A"\n'),
          extra="pack", summary_names=("pack_with_mistakes-pack",), problems=1)
    b.add("scenario_and_pack_mistakes", "summary",
          _each(_replace(EVENTS, 'trigger = "turn == 1"', 'trigger = "trun == 1"'),
                _append("pack/more.toml", "[[flag]]\nid = 3\n")),
          extra="pack", summary_names=("scenario_and_pack_mistakes-pack", "scenario_and_pack_mistakes,"), problems=2)

    # --- limits ----------------------------------------------------------------------------
    b.add("id_too_long", "limits", _replace(EVENTS, 'id = "reply"', f'id = "{"r" * rng.randrange(65, 200)}"'),
          says=(r"64",))
    b.add("id_unicode", "limits", _replace(EVENTS, 'id = "routine"', 'id = "rоutine"'), says=(r"not a valid id",))
    b.add("last_turn_1001", "limits", _replace("scenario.toml", "last_turn = 6", "last_turn = 1001"),
          says=(r"1000",), problems=1)
    b.add("after_101", "limits", _replace(EVENTS, "after = 1 }]", "after = 101 }]"), says=(r"100",))
    b.add("long_brief", "limits", _replace(EVENTS, 'brief = "They replied."',
                                           'brief = "' + "word " * rng.randrange(100_000, 300_000) + '"'),
          expect="accepted")
    b.add("many_choices", "limits",
          _append(EVENTS, "".join(f'\n  [[event.choice]]\n  id = "c{i}"\n  label = "C"\n' for i in range(2000))),
          expect="accepted")
    b.add("expression_too_long", "limits", _replace(EVENTS, 'trigger = "turn == 1"',
                                                    'trigger = "' + " or ".join(["turn == 1"] * 60) + '"'),
          says=(r"400",), problems=1)
    return b.cases


#: a located problem: `file:line:col: message`; a file- or folder-wide one: `path: message`
LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


def problem_lines(output: str) -> list[str]:
    """The problem lines of `redline check`'s output (not notes, warnings or the summary)."""
    lines = [line for line in output.splitlines() if line.strip()]
    return [line for line in lines[:-1] if ": note: " not in line and ": warning: " not in line]


def judge(case: Case, code: int | None, output: str, errors: str) -> list[str]:
    """What is wrong with the answer to a case (nothing: an empty list)."""
    wrong: list[str] = []
    if code is None:
        return ["did not finish in time"]
    if "Traceback" in output + errors or code not in (0, 1):
        return [f"crashed (exit {code}): {(errors or output).strip().splitlines()[-1:] or ''}"]
    if case.expect == "refused" and code != 1:
        wrong.append("accepted content it should refuse")
    if case.expect == "accepted" and code != 0:
        wrong.append(f"refused sound content: {output.strip().splitlines()[:2]}")
    for pattern in case.says:
        if not re.search(pattern, output):
            wrong.append(f"does not say /{pattern}/")
    for pattern in case.not_says:
        if re.search(pattern, output):
            wrong.append(f"says /{pattern}/")
    problems = problem_lines(output) if code == 1 else []
    if case.problems is not None and code == 1 and len(problems) != case.problems:
        wrong.append(f"{len(problems)} problems, not {case.problems}")
    last: dict[str, tuple[int, int]] = {}
    for line in problems:
        located = LOCATED.match(line)
        if located is None:
            if ": " not in line:
                wrong.append(f"a problem without a place: {line}")
            continue
        place = (int(located["line"]), int(located["col"]))
        if place < last.get(located["file"], (0, 0)):
            wrong.append(f"out of line order: {line}")
        last[located["file"]] = place
    if code == 1 and output.strip():
        summary = output.strip().splitlines()[-1]
        for name in case.summary_names:
            if name not in summary:
                wrong.append(f"the summary does not name {name}: {summary}")
    return wrong


def make_special_files_removable(root: Path) -> None:
    """Undo what a case did that stops its folder being deleted (a file without permissions)."""
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.chmod(stat.S_IRUSR | stat.S_IWUSR)
