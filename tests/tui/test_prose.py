"""Briefs, outcomes and epilogues are Markdown; the game draws the part of Markdown that content uses."""

from __future__ import annotations

from game.tui.widgets.prose import markdown_content


def styles_of(markdown: str, word: str) -> set[str]:
    content = markdown_content(markdown)
    start = content.plain.index(word)
    return {str(span.style) for span in content.spans if span.start <= start < span.end}


def test_paragraphs_flow_and_stay_apart() -> None:
    text = "First line of a paragraph\nwrapped by the author.\n\nSecond paragraph."
    assert markdown_content(text).plain == "First line of a paragraph wrapped by the author.\n\nSecond paragraph."


def test_emphasis_strong_and_code_are_styled_not_printed() -> None:
    text = "Some *doubt*, a **fact**, an _aside_ and `code`."
    assert markdown_content(text).plain == "Some doubt, a fact, an aside and code."
    assert "italic" in styles_of(text, "doubt")
    assert "bold" in styles_of(text, "fact")
    assert "italic" in styles_of(text, "aside")


def test_lone_asterisks_and_snake_case_are_left_alone() -> None:
    text = "3 * 4 is twelve; dprk_troops is a name; 5*6 too."
    assert markdown_content(text).plain == text


def test_lists_headings_quotes_and_links() -> None:
    text = "## Heading\n\n- one\n- two\n  continued\n\n> a quote\n\nSee [the source](https://example.org)."
    assert markdown_content(text).plain == "Heading\n\n• one\n• two continued\n\n▌ a quote\n\nSee the source."
