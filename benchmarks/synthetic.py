"""Generate synthetic scenarios of any size, for the benchmarks (deterministic for a given seed)."""

from __future__ import annotations

import random
from pathlib import Path

STATS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
FLAGS = ["flag_a", "flag_b", "flag_c", "flag_d"]

HEADER = """[scenario]
id = "synthetic"
title = "Synthetic"
role = "Benchmark"
start_date = 2024-10-23
days_per_turn = 2
last_turn = {last_turn}
timeout_ending = "timeout"

[scenario.dates]
election = 2024-11-05

[[scenario.seasons]]
id = "autumn"
label = "Autumn"
start = 2024-09-01
end = 2024-11-30

[[scenario.seasons]]
id = "winter"
label = "Winter"
start = 2024-12-01
end = 2025-03-31

[[advisor]]
id = "hawk"
name = "Hawk"
title = "Advisor"
stance = "hawk"

[[advisor]]
id = "dove"
name = "Dove"
title = "Advisor"
stance = "restraint"

[[ending]]
id = "timeout"
title = "Time ran out"
epilogue = "The calendar ran out."

[[ending]]
id = "blowup"
title = "Blow-up"
when = "alpha >= 98 and bravo >= 95"
priority = 10
epilogue = "It blew up."
"""


def _condition(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 3)):
        shape = rng.random()
        if shape < 0.5:
            parts.append(f"{rng.choice(STATS)} {rng.choice(['>=', '<=', '>', '<'])} {rng.randint(10, 90)}")
        elif shape < 0.7:
            parts.append(rng.choice(["", "not "]) + rng.choice(FLAGS))
        elif shape < 0.85:
            parts.append(f"turn {rng.choice(['>=', '<='])} {rng.randint(1, 40)}")
        else:
            parts.append(f'season == "{rng.choice(["autumn", "winter"])}"')
    return f" {rng.choice(['and', 'or'])} ".join(parts)


def _effects(rng: random.Random) -> str:
    items = []
    for _ in range(rng.randint(1, 3)):
        stat = rng.choice(STATS)
        items.append(f'"{stat} {rng.choice(["+=", "-="])} {rng.randint(1, 12)}"')
    if rng.random() < 0.3:
        items.append(f'"{rng.choice(FLAGS)} = {rng.choice(["true", "false"])}"')
    return "[" + ", ".join(items) + "]"


def event_toml(rng: random.Random, index: int, events: int) -> str:
    lines = [
        "[[event]]",
        f'id = "event_{index}"',
        f'title = "Event {index}"',
        f'brief = """Brief of synthetic event {index}. Something happened that asks for a decision."""',
        f"trigger = '{_condition(rng)}'",
        f'weight = "{rng.randint(1, 5)} + {rng.choice(STATS)} / 50"',
        f"once = {'false' if rng.random() < 0.5 else 'true'}",
        f"cooldown = {rng.randint(0, 3)}",
        f"priority = {rng.choice([0, 0, 0, 1])}",
        "",
    ]
    for c in range(3):
        lines += [
            "  [[event.choice]]",
            f'  id = "choice_{c}"',
            f'  label = "Option {c} of event {index}"',
            f"  posture = {c - 1}",
            f"  effects = {_effects(rng)}",
        ]
        if rng.random() < 0.3:
            lines += [f"  available_if = '{_condition(rng)}'", '  unavailable_reason = "Not now."']
        if rng.random() < 0.2:
            lines.append(f'  followups = [{{ event = "event_{rng.randrange(events)}", after = {rng.randint(1, 4)} }}]')
        lines += [
            "    [[event.choice.counsel]]",
            f'    advisor = "{rng.choice(["hawk", "dove"])}"',
            f'    position = "{rng.choice(["for", "against"])}"',
            '    says = "A reason."',
        ]
        if rng.random() < 0.5:
            for o, chance in enumerate([f"0.5 + {rng.choice(STATS)} / 200", "0.5"]):
                lines += [
                    "    [[event.choice.outcome]]",
                    f'    id = "outcome_{o}"',
                    f'    chance = "{chance}"',
                    '    text = "It turned out this way."',
                    f"    effects = {_effects(rng)}",
                ]
        lines.append("")
    return "\n".join(lines) + "\n"


def write_scenario(folder: Path, events: int, seed: int = 1, files: int = 10, last_turn: int = 40) -> list[Path]:
    """Write a synthetic scenario of `events` events in `files` files; return the files written."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    head = [HEADER.format(last_turn=last_turn)]
    for stat in STATS:
        head.append(f'[[stat]]\nid = "{stat}"\nlabel = "{stat.title()}"\ninitial = {rng.randint(30, 70)}\n')
    for flag in FLAGS:
        head.append(f'[[flag]]\nid = "{flag}"\n')
    written = [folder / "scenario.toml"]
    written[0].write_text("\n".join(head), encoding="utf-8")
    per_file = max(1, events // files)
    for start in range(0, events, per_file):
        path = folder / f"events_{start // per_file:03d}.toml"
        body = "".join(event_toml(rng, i, events) for i in range(start, min(events, start + per_file)))
        path.write_text(body, encoding="utf-8")
        written.append(path)
    return written
