"""The decisions that shaped a finished game's ending: at each of the player's decisions, futures of
every option (the chosen one and the others), played with the truth (the game is over), show how the
ending would have moved under each alternative; the decisions are ranked by that impact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from game.analyst.rollouts import Analyst, Futures
from game.analyst.stats import apart
from game.content import Content
from game.engine import Engine, GameState
from game.policies import grade_rank

#: Futures of each option at each decision (enough to tell a 10-point change from noise).
FUTURES = 100
FORMAT = 1


@dataclass(frozen=True)
class Moment:
    """One of the player's decisions, and what each of its options gave in the futures."""

    index: int
    turn: int
    date: str
    event: str
    title: str
    chosen: str
    labels: dict[str, str]
    grades: dict[str, dict[str, float]]  # option -> grade -> share
    endings: dict[str, dict[str, float]]  # option -> ending -> share
    score: dict[str, float]  # option -> mean rank of its endings (-1 .. +1)
    futures: int

    @property
    def impact(self) -> float:
        """The share of games whose ending the best other option would have changed."""
        mine = self.endings[self.chosen]
        return max((apart(mine, other) for option, other in self.endings.items() if option != self.chosen), default=0.0)

    def best_other(self) -> str | None:
        others = [o for o in self.score if o != self.chosen]
        return max(others, key=lambda o: (self.score[o], o)) if others else None

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "turn": self.turn, "date": self.date, "event": self.event, "title": self.title,
                "chosen": self.chosen, "labels": self.labels, "grades": self.grades, "endings": self.endings,
                "score": self.score, "futures": self.futures}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Moment:
        return cls(**data)


@dataclass(frozen=True)
class Shaping:
    """The analysis of a finished game."""

    ending: str
    policy: str
    futures: int
    moments: tuple[Moment, ...]

    def ranked(self) -> list[Moment]:
        return sorted(self.moments, key=lambda m: (-m.impact, m.index))

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "ending": self.ending, "policy": self.policy, "futures": self.futures,
                "moments": [m.to_dict() for m in self.moments]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Shaping:
        if data.get("format") != FORMAT:
            raise ValueError("unknown analysis format")
        return cls(ending=data["ending"], policy=data["policy"], futures=data["futures"],
                   moments=tuple(Moment.from_dict(m) for m in data["moments"]))

    def for_save(self, content: Content) -> dict[str, Any]:
        """What a save keeps of it: itself and the content it was worked out with."""
        return {**self.to_dict(), "content_hash": content.content_hash}


def from_save(kept: dict[str, Any] | None, content: Content, ending: str, futures: int | None = None,
              policy: str | None = None) -> Shaping | None:
    """The analysis a save keeps, if it was worked out for this content and ending (and, when given,
    with as many futures and the same policy); None otherwise."""
    if not kept or kept.get("content_hash") != content.content_hash or kept.get("ending") != ending:
        return None
    if futures is not None and kept.get("futures") != futures:
        return None
    if policy is not None and kept.get("policy") != policy:
        return None
    try:
        found = Shaping.from_dict({k: v for k, v in kept.items() if k != "content_hash"})
    except (KeyError, TypeError, ValueError):
        return None
    events = content.events
    if any(m.event not in events or any(o not in {c.id for c in events[m.event].choices} for o in m.endings)
           for m in found.moments):
        return None
    return found


def decision_states(engine: Engine, seed: int, choices: Sequence[tuple[str, str]]) -> list[tuple[GameState, str]]:
    """The game before each of its decisions, played again from its seed, with the choice then taken
    (the standing actions taken between decisions are played too, but not weighed)."""
    from game.replay import ACTION_PREFIX, take

    state = engine.new_game(seed)
    found = []
    for event, choice in choices:
        if state.event != event:
            raise ValueError(f"the game does not replay: expected '{event}', found '{state.event}'")
        if not choice.startswith(ACTION_PREFIX):
            found.append((state, choice))
        state = take(engine, state, choice).state
    return found


def shape(content: Content, seed: int, choices: Sequence[tuple[str, str]], ending: str, *,
          futures: int = FUTURES, policy: str = "counsel", analyst: Analyst | None = None,
          progress: Callable[[int, int], None] | None = None, stop: Callable[[], bool] = lambda: False,
          ) -> Shaping | None:
    """Weigh every decision of a finished game (None if stopped)."""
    analyst = analyst or Analyst(content, policy)
    engine = analyst.roller.engine
    states = decision_states(Engine(content), seed, choices)
    moments = []
    for index, (state, chosen) in enumerate(states):
        if progress is not None:
            progress(index, len(states))
        options = [ident for ident, _posture, ok in engine.choice_options(state) if ok]
        if chosen not in options:
            options.append(chosen)
        if len(options) < 2:
            continue
        *_, result = analyst.stream(state, futures, fog=False, options=options, stop=stop)
        if stop() or result.done < futures:
            return None
        moments.append(_moment(content, index, state, chosen, result))
    if progress is not None:
        progress(len(states), len(states))
    return Shaping(ending, analyst.roller.policy_name, futures, tuple(moments))


def _moment(content: Content, index: int, state: GameState, chosen: str, result: Futures) -> Moment:
    rank = grade_rank(content)
    grade_of = {e.model.id: e.model.grade for e in content.endings}
    grades: dict[str, dict[str, float]] = {}
    endings: dict[str, dict[str, float]] = {}
    score: dict[str, float] = {}
    for option in result.options:
        counts = result.counts(option)
        total = sum(counts.values())
        endings[option] = {e: round(n / total, 4) for e, n in sorted(counts.items())}
        by_grade: dict[str, float] = {}
        for e, share in endings[option].items():
            grade = grade_of.get(e) or e
            by_grade[grade] = round(by_grade.get(grade, 0.0) + share, 4)
        grades[option] = by_grade
        score[option] = round(sum(rank.get(e, 0.0) * n for e, n in counts.items()) / total, 4)
    event = content.events[result.event]
    return Moment(index=index, turn=state.turn, date=content.day(state.turn).isoformat(), event=result.event,
                  title=event.model.title, chosen=chosen, labels=dict(result.labels), grades=grades,
                  endings=endings, score=score, futures=result.done)


# --- in words --------------------------------------------------------------------------------


def _day(iso: str) -> str:
    import datetime as dt

    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%b}"


def sentence(content: Content, moment: Moment) -> str:
    """'Had you …' for the option that would have changed the most, on the grade it moves most."""
    other = max((o for o in moment.endings if o != moment.chosen),
                key=lambda o: (apart(moment.endings[moment.chosen], moment.endings[o]), o))
    mine, theirs = moment.grades[moment.chosen], moment.grades[other]
    grade = max({*mine, *theirs}, key=lambda g: (abs(theirs.get(g, 0.0) - mine.get(g, 0.0)), g))
    article = "an" if grade[:1].lower() in "aeiou" else "a"
    return (f"Had you chosen \u201c{moment.labels.get(other, other)}\u201d at \u201c{moment.title}\u201d on "
            f"{_day(moment.date)}, {article} {grade} ending would have been about {theirs.get(grade, 0.0):.0%} "
            f"likely instead of {mine.get(grade, 0.0):.0%}.")


def needs(content: Content, shaping: Shaping, limit: int = 3) -> list[str]:
    """For each ending better than the one reached, the option that would have made it likeliest."""
    rank = grade_rank(content)
    reached = rank.get(shaping.ending, 0.0)
    better = sorted((e for e in content.endings if rank.get(e.model.id, 0.0) > reached),
                    key=lambda e: -rank.get(e.model.id, 0.0))
    lines = []
    for ending in better:
        ident = ending.model.id
        best = None
        for moment in shaping.moments:
            mine = moment.endings[moment.chosen].get(ident, 0.0)
            for option, shares in moment.endings.items():
                gain = shares.get(ident, 0.0) - mine
                if option != moment.chosen and gain > 0 and (best is None or gain > best[0]):
                    best = (gain, moment, option, shares.get(ident, 0.0), mine)
        if best is None or best[0] < 0.02:
            continue
        _gain, moment, option, theirs, mine = best
        lines.append(f"\u201c{ending.model.title}\u201d ({ending.model.grade}) needed above all "
                     f"\u201c{moment.labels.get(option, option)}\u201d at \u201c{moment.title}\u201d on "
                     f"{_day(moment.date)}: about {theirs:.0%} likely from there, against {mine:.0%} after "
                     f"what you chose.")
        if len(lines) >= limit:
            break
    return lines


def summary(content: Content, shaping: Shaping, top: int = 3) -> list[str]:
    """The debrief's section: the top decisions in a sentence each, then what better endings needed."""
    ranked = [m for m in shaping.ranked() if m.impact >= 0.02]
    lines = [sentence(content, m) for m in ranked[:top]]
    if not lines:
        lines.append("No single decision moved the ending by more than a couple of games in a hundred: "
                     "this ending was set by the sum of many choices, and by chance.")
    found = needs(content, shaping)
    if found:
        lines.append("")
        lines.append("What the better endings needed:")
        lines += [f"- {line}" for line in found]
    lines.append("")
    lines.append(f"(From {shaping.futures} futures of every option at each of your decisions, the rest of each "
                 f"future played by the {shaping.policy} policy, with the true hidden values: the game is over.)")
    return lines


def table(content: Content, shaping: Shaping) -> list[str]:
    """Every decision with its impact, for `redline analyze`."""
    lines = [f"{'impact':>6}  {'date':<6}  decision: your choice (score) / best other (score)"]
    for m in shaping.ranked():
        other = m.best_other()
        extra = f" / {other} ({m.score[other]:+.2f})" if other else ""
        lines.append(f"{m.impact:>6.0%}  {_day(m.date):<6}  {m.event}: {m.chosen} ({m.score[m.chosen]:+.2f}){extra}")
    return lines

