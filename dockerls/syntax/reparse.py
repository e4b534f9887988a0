"""Incremental reparse: splice the items an edit touched into the old tree.

``reparse(old, start, end, replacement)`` returns the same :class:`Parse`
that ``parse(new_text)`` would, but re-lexes only from the item containing
the edit until the new item boundaries fall back onto old ones.  Items before
the edit and after the re-lexed region are reused as the very same objects
(which keeps per-item caches valid); only the arrays of start offsets and
lines are rebuilt.

An edit inside the directive header, or in the first item after it (which
might become a directive), falls back to a full parse: the escape character
changes how everything else is read.
"""

from __future__ import annotations

from bisect import bisect_left

from dockerls.syntax.nodes import Item
from dockerls.syntax.parser import Parse, lex_item, parse


def apply_edit(text: str, start: int, end: int, replacement: str) -> str:
    return text[:start] + replacement + text[end:]


def reparse(old: Parse, start: int, end: int, replacement: str) -> Parse:
    """Parse ``old.text`` with ``[start, end)`` replaced by ``replacement``."""
    text = old.text
    n_old = len(text)
    start = max(0, min(start, n_old))
    end = max(start, min(end, n_old))
    new_text = text[:start] + replacement + text[end:]
    items = old.items
    if not items or old.header >= len(items):
        return parse(new_text)
    first_body_end = (
        old.starts[old.header] + len(items[old.header].text) if old.header < len(items) else n_old
    )
    if start <= first_body_end:
        return parse(new_text)

    delta = len(replacement) - (end - start)
    # First affected item: the one containing ``start``.  An item's extent
    # depends only on its own lines (continuations and heredoc terminators
    # are inside it), so the items before it cannot change.
    i = old.item_at(start)
    pos = old.starts[i]
    edit_end_new = start + len(replacement)
    n_new = len(new_text)
    new_items: list[Item] = []
    new_starts: list[int] = []
    escape = old.escape
    # Old item boundaries after the edit, in new coordinates.
    old_starts = old.starts
    j = len(items)  # index of the first old item reused after the region
    while pos < n_new:
        if pos >= edit_end_new:
            old_pos = pos - delta
            k = bisect_left(old_starts, old_pos)
            if k < len(old_starts) and old_starts[k] == old_pos and old_pos >= end:
                j = k
                break
        item, nxt = lex_item(new_text, pos, escape)
        new_items.append(item)
        new_starts.append(pos)
        pos = nxt
    # lines: recompute for the new items, shift the reused tail
    line = old.lines[i]
    new_lines: list[int] = []
    for it in new_items:
        new_lines.append(line)
        line += it.text.count("\n")
    tail_items = items[j:]
    if tail_items:
        line_delta = line - old.lines[j]
        tail_starts = tuple(map(delta.__add__, old_starts[j:])) if delta else old_starts[j:]
        tail_lines = tuple(map(line_delta.__add__, old.lines[j:])) if line_delta else old.lines[j:]
    else:
        tail_starts = ()
        tail_lines = ()
    return Parse(
        new_text,
        items[:i] + tuple(new_items) + tail_items,
        old_starts[:i] + tuple(new_starts) + tail_starts,
        old.lines[:i] + tuple(new_lines) + tail_lines,
        escape,
        old.header,
        old.header_issues,
        id(old),
        (i, j, i + len(new_items)),
    )
