"""Paging through long text a screenful at a time, the last line of one page the first of the next."""

from __future__ import annotations

from textual.widget import Widget


def page_down(scroll: Widget) -> bool:
    """Scroll one page down, keeping the last line in view as the top line, so that the eye finds its
    place; False (and nothing moves) when the end is already in view."""
    if scroll.scroll_y >= scroll.max_scroll_y:
        return False
    step = max(1, scroll.scrollable_content_region.height - 1)
    scroll.scroll_to(y=min(scroll.max_scroll_y, scroll.scroll_y + step), animate=False, immediate=True)
    return True
