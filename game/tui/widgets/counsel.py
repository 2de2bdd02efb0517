"""What the advisors say about the choices in front of the player, grouped by advisor."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from game.content import Content as GameContent
from game.engine import Decision

FOR_MARK = "▲ for"
AGAINST_MARK = "▼ against"


def counsel_content(content: GameContent, decision: Decision) -> Content:
    """Each advisor who spoke, with stance in words, then each position on a numbered choice."""
    by_advisor: dict[str, list[tuple[int, str, str]]] = {}
    for number, choice in enumerate(decision.choices, start=1):
        for counsel in choice.counsel:
            by_advisor.setdefault(counsel.advisor, []).append((number, counsel.position, counsel.says))
    if not by_advisor:
        return Content.styled("No one on your staff has a view on this one.", "dim italic")
    parts: list[str | tuple[str, str] | Content] = []
    for advisor_id, positions in by_advisor.items():
        advisor = content.advisors.get(advisor_id)
        name = advisor.name if advisor else advisor_id
        stance = advisor.stance if advisor else ""
        if parts:
            parts.append("\n\n")
        parts.append((name, "bold"))
        if stance:
            parts.append((f" · {stance}", "italic $text-secondary"))
        for number, position, says in positions:
            mark, style = (FOR_MARK, "bold $text-success") if position == "for" else (AGAINST_MARK, "bold $text-error")
            parts.append("\n")
            parts.append((f"{mark} {number}", style))
            # authors wrap long strings in their TOML; the terminal wraps them again
            parts.append(f": {' '.join(says.split())}")
    return Content.assemble(*parts)


class CounselPanel(Static):
    """The staff's counsel on the current decision."""

    DEFAULT_CSS = """
    CounselPanel {
        height: auto;
        padding: 0 0 1 0;
    }
    """

    def show(self, content: GameContent, decision: Decision) -> None:
        self.update(counsel_content(content, decision))
