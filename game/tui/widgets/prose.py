"""Prose written in Markdown (briefs, outcomes, epilogues) drawn as one widget.

Briefs use a small part of Markdown: paragraphs, emphasis, lists, the odd heading, quote or link.
Rendering that part directly to Textual content keeps a new brief quick to show and keeps the
full Markdown machinery (and its import time) out of the game's startup.
"""

from __future__ import annotations

import re

from textual.content import Content
from textual.widgets import Static

_INLINE = re.compile(
    r"(?P<strong>\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__)"
    r"|(?P<em>\*(?=[^\s*])([^*]+?)(?<=\S)\*|(?<!\w)_(?=[^\s_])([^_]+?)(?<=\S)_(?!\w))"
    r"|(?P<code>`([^`]+)`)"
    r"|(?P<link>\[([^\]]+)\]\(([^)\s]+)\))"
    r"|(?P<escape>\\([\\`*_\[\]#>-]))"
)
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def inline_content(text: str, style: str = "") -> Content:
    """One run of text with **strong**, *emphasis*, `code` and [links](url) styled."""
    parts: list[str | tuple[str, str]] = []
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            parts.append((text[position:match.start()], style))
        if match.group("strong"):
            inner = match.group(2) or match.group(3) or ""
            parts.append((inner, f"{style} bold".strip()))
        elif match.group("em"):
            inner = match.group(5) or match.group(6) or ""
            parts.append((inner, f"{style} italic".strip()))
        elif match.group("code"):
            parts.append((match.group(8), f"{style} bold $text-accent".strip()))
        elif match.group("link"):
            parts.append((match.group(10), f"{style} underline".strip()))
        else:
            parts.append((match.group(13), style))
        position = match.end()
    if position < len(text):
        parts.append((text[position:], style))
    return Content.assemble(*parts)


def _blocks(markdown: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in markdown.strip().splitlines():
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _join(lines: list[str]) -> str:
    """Lines of one paragraph as the flowing text Markdown makes of them."""
    return " ".join(line.strip() for line in lines)


def markdown_content(markdown: str) -> Content:
    """The small Markdown of the content format as Textual content, blocks a blank line apart."""
    rendered: list[Content] = []
    for block in _blocks(markdown):
        heading = _HEADING.match(block[0])
        if heading and len(block) == 1:
            rendered.append(inline_content(heading.group(2), "bold $text-primary"))
        elif all(line.lstrip().startswith(">") for line in block):
            text = _join([line.lstrip()[1:] for line in block])
            rendered.append(Content.assemble(("▌ ", "$text-muted"), inline_content(text, "italic")))
        elif _LIST_ITEM.match(block[0]):
            items: list[list[str]] = []
            for line in block:
                if _LIST_ITEM.match(line):
                    items.append([_LIST_ITEM.sub("", line, count=1)])
                else:
                    items[-1].append(line)
            rendered.append(Content("\n").join(
                Content.assemble(("• ", "$text-accent"), inline_content(_join(item))) for item in items
            ))
        else:
            rendered.append(inline_content(_join(block)))
    return Content("\n\n").join(rendered)


class Prose(Static):
    """Markdown text, wrapped to the width it is given."""

    DEFAULT_CSS = """
    Prose {
        height: auto;
    }
    """

    def __init__(self, markdown: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source = markdown
        self.show(markdown)

    def show(self, markdown: str) -> None:
        self.source = markdown
        self.update(markdown_content(markdown))
