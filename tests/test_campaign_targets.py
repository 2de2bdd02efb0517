"""The campaign measuring script names every target and ends with its count (not the values)."""

from __future__ import annotations

import re

import pytest

from benchmarks import campaign
from game import paths
from game.loader import load_scenario

TARGETS = ("spine", "major_decisions", "extreme_postures_good", "timeout_share", "endings_reached",
           "ukrainian_success_branch", "fog_costs", "standing_actions", "median_length", "words", "briefs_told_again",
           "advisor_arcs")


def test_every_target_has_a_line_and_the_last_line_counts_them(capsys: pytest.CaptureFixture[str]) -> None:
    campaign.main([str(paths.scenario_folder("red-line")), "--runs", "8", "--jobs", "1"])
    out = capsys.readouterr().out.splitlines()
    heads = [line for line in out if not line.startswith(" ")]
    assert [line.split(":")[0] for line in heads[:-1]] == list(TARGETS)
    for line in heads[:-1]:
        assert re.fullmatch(r"[a-z_]+: .+ \(.+\) (MET|NOT MET)", line), line
    last = re.fullmatch(r"campaign_targets_met: (\d+)/(\d+)", out[-1])
    assert last is not None
    assert int(last.group(2)) == len(TARGETS) and int(last.group(1)) <= len(TARGETS)
    assert int(last.group(1)) == sum(line.endswith(" MET") and not line.endswith("NOT MET") for line in heads[:-1])


def test_the_estimating_player_sees_estimates_only_when_asked() -> None:
    content = load_scenario(paths.scenario_folder("red-line"))
    truth = campaign.play_estimating(content, False, range(1, 4))
    fog = campaign.play_estimating(content, True, range(1, 4))
    assert set(truth) == set(fog) == {1, 2, 3}  # (each game's ending, by seed)


def test_the_advised_player_weighs_only_decisions_whose_consequences_read_a_hidden_stat() -> None:
    content = load_scenario(paths.scenario_folder("red-line"))
    weighed = campaign.reading_hidden(content)
    # Moscow's answer to a licence turns on the Kremlin's threat perception; going public reads none
    assert "strike_limits" in weighed and "going_public" not in weighed
    truth = campaign.play_advised(content, False, range(1, 3))
    fog = campaign.play_advised(content, True, range(1, 3))
    assert set(truth) == set(fog) == {1, 2}


def test_the_fog_gap_pairs_the_games_by_seed() -> None:
    good = {"win"}
    truth = {1: "win", 2: "win", 3: "loss", 4: "win"}
    same = campaign.gap_interval(truth, truth, good)
    assert same == (0.0, 0.0, 0.0)
    # one game of four lost to the fog: a gap of 25 points, its interval around it and wide
    gap, low, high = campaign.gap_interval(truth, {**truth, 2: "loss"}, good)
    assert gap == 25.0 and low < 0.0 < 25.0 < high
    assert campaign.ending_counts(truth) == {"win": 3, "loss": 1}
