"""The analyst's odds as the player reads them, the same in both front ends: for each option, how
often its futures ended badly, in between, or well (by the scenario's grades), and the likeliest
endings; what the futures rest on."""

from __future__ import annotations

from dataclasses import dataclass

from game.analyst.rollouts import Futures
from game.content import Content
from game.policies import grade_rank

#: futures of each option the analyst plays at a decision
FUTURES = 1000


@dataclass(frozen=True)
class OptionLine:
    option: str
    label: str
    bad: float
    middling: float
    good: float
    margin: float  # half the width of the widest 95% interval of the three shares
    top: tuple[tuple[str, float], ...]  # the likeliest endings (title, share)
    #: the meters the options move most apart: (label, value now, mean value some decisions on)
    paths: tuple[tuple[str, float, float], ...] = ()


#: decisions ahead at which the typical paths are read
AHEAD = 6


def lines_of(content: Content, futures: Futures, top: int = 2, now: dict[str, float] | None = None,
             meters: int = 2) -> list[OptionLine]:
    """Each option's shares of bad, middling and good endings, its likeliest endings, and (with the
    values `now`) where the `meters` visible meters that the options move most apart typically go."""
    rank = grade_rank(content)
    titles = {e.model.id: e.model.title for e in content.endings}
    visible = [ident for ident, stat in content.stats.items() if stat.hidden is None]
    all_odds = futures.odds(content, stats=visible, steps=AHEAD)
    ahead: dict[str, dict[str, float]] = {}
    for odds in all_odds:
        ahead[odds.option] = {name: path[-1] for name, path in odds.path.items() if path}
    chosen: list[str] = []
    if now is not None and ahead:
        def spread(name: str) -> float:
            values = [found[name] for found in ahead.values() if name in found]
            span = content.stats[name].max - content.stats[name].min
            return (max(values) - min(values)) / span if values and span else 0.0
        chosen = [name for name in sorted(visible, key=lambda n: (-spread(n), n))[:meters] if spread(name) > 0]
    found = []
    for odds in all_odds:
        bad = sum(share for ending, (share, _lo, _hi) in odds.endings.items() if rank.get(ending, 0.0) < 0)
        good = sum(share for ending, (share, _lo, _hi) in odds.endings.items() if rank.get(ending, 0.0) > 0.4)
        total = len(futures.endings.get(odds.option, {}))
        margin = 0.0
        if total:
            for share in (bad, good):
                margin = max(margin, 1.96 * (share * (1 - share) / total) ** 0.5)
        likeliest = sorted(odds.endings.items(), key=lambda item: -item[1][0])[:top]
        paths = tuple((content.stats[name].label, float(now[name]), ahead[odds.option][name])
                      for name in chosen if now is not None and name in ahead.get(odds.option, {}))
        found.append(OptionLine(odds.option, odds.label, bad, max(0.0, 1 - bad - good), good, margin,
                                tuple((titles.get(e, e), share) for e, (share, _lo, _hi) in likeliest), paths))
    return found


def groups(content: Content) -> tuple[str, str, str]:
    """What 'bad', 'in between' and 'good' mean in this scenario's grades, in words."""
    grades = content.scenario.grades
    bad = [g for g in grades if _place(g, grades) < 0]
    good = [g for g in grades if _place(g, grades) > 0.4]
    middle = [g for g in grades if g not in bad and g not in good]
    return ", ".join(bad) or "none", ", ".join(middle) or "none", ", ".join(good) or "none"


def _place(grade: str, grades: tuple[str, ...]) -> float:
    return 2 * grades.index(grade) / (len(grades) - 1) - 1 if len(grades) > 1 else 0.0


def basis(futures: Futures) -> str:
    """What the figures rest on, in a sentence."""
    fog = ("the hidden values of each future drawn from your estimates, not the truth" if futures.fog
           else "the true hidden values (the game is over)")
    return (f"{futures.done:,} futures of each option, the rest of each played by the {futures.policy} policy, "
            f"{fog}; ± is a 95% margin")


def path_text(line: OptionLine) -> str:
    """'Front stability 45 → 41, Political capital 55 → 48 (typically, 6 decisions on)'."""
    if not line.paths:
        return ""
    moves = ", ".join(f"{label} {before:.0f} → {after:.0f}" for label, before, after in line.paths)
    return f"{moves} (typically, {AHEAD} decisions on)"


def text_lines(content: Content, futures: Futures, numbers: dict[str, int] | None = None,
               now: dict[str, float] | None = None) -> list[str]:
    """The odds as plain text lines (the plain game; the interface draws its own bars)."""
    bad, middle, good = groups(content)
    lines = [f"The analyst: {basis(futures)}.", f"  bad = {bad}; good = {good}; in between = {middle}", ""]
    rows = lines_of(content, futures, now=now)
    width = min(40, max((len(r.label) for r in rows), default=10))
    for index, row in enumerate(rows, start=1):
        number = (numbers or {}).get(row.option, index)
        label = row.label if len(row.label) <= width else row.label[: width - 1] + "…"
        lines.append(f"  {number}. {label:<{width}}  bad {row.bad:4.0%}  between {row.middling:4.0%}  "
                     f"good {row.good:4.0%}  (±{row.margin:.0%})")
        lines.append("       likeliest: " + "; ".join(f"{title} {share:.0%}" for title, share in row.top))
        if row.paths:
            lines.append(f"       {path_text(row)}")
    return lines
