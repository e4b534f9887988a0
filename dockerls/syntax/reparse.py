"""Incremental reparse: splice the items an edit touched into the old tree.

``reparse(old, start, end, replacement)`` returns the same :class:`Parse`
that ``parse(new_text)`` would, but re-lexes only from the item containing
the edit until the new item boundaries fall back onto old ones.  Items before
the edit and after the re-lexed region are reused as the very same objects
(which keeps per-item caches valid); only the arrays of start offsets and
lines are rebuilt.

Lexing happens in a *window*: the texts of the old items around the edit,
with the edit applied.  The whole new document is never assembled (its text
is joined lazily, when someone asks for it).  A lexed item is trusted only if
it ends before the window does, since more text could have extended it (a
continuation or a heredoc reaching further); otherwise the window grows.

An edit inside the directive header, or in the first item after it (which
might become a directive), falls back to a full parse: the escape character
changes how everything else is read.
"""

from __future__ import annotations

from bisect import bisect_left

from dockerls.syntax.nodes import Item
from dockerls.syntax.parser import Parse, lex_item, parse
from dockerls.syntax.text import break_count


def apply_edit(text: str, start: int, end: int, replacement: str) -> str:
    return "".join((text[:start], replacement, text[end:]))


def reparse(old: Parse, start: int, end: int, replacement: str) -> Parse:
    """Parse ``old.text`` with ``[start, end)`` replaced by ``replacement``."""
    n_old = old.length
    start = max(0, min(start, n_old))
    end = max(start, min(end, n_old))
    items = old.items
    if not items or old.header >= len(items):
        return parse(apply_edit(old.text, start, end, replacement))
    first_body_end = old.starts[old.header] + len(items[old.header].text)
    if start <= first_body_end:
        return parse(apply_edit(old.text, start, end, replacement))

    delta = len(replacement) - (end - start)
    old_starts = old.starts
    n_items = len(items)
    # First affected item: the one containing ``start``.  An item's extent
    # depends only on its own lines (continuations and heredoc terminators
    # are inside it), so the items before it cannot change.
    i = old.item_at(start)
    win_start = old_starts[i]
    k = old.item_at(max(start, end - 1)) + 3  # window: old items [i, k)
    escape = old.escape
    while True:
        k = min(k, n_items)
        at_eof = k == n_items
        old_win = "".join([it.text for it in items[i:k]])
        new_win = "".join((old_win[: start - win_start], replacement, old_win[end - win_start :]))
        edit_end = start - win_start + len(replacement)  # in window coordinates
        n_win = len(new_win)
        new_items: list[Item] = []
        new_starts: list[int] = []
        pos = 0
        j = -1  # index of the first old item reused after the region
        while pos < n_win:
            if pos >= edit_end:
                old_pos = win_start + pos - delta
                kk = bisect_left(old_starts, old_pos)
                if kk < n_items and old_starts[kk] == old_pos and old_pos >= end:
                    j = kk
                    break
            item, nxt = lex_item(new_win, pos, escape)
            if nxt >= n_win and not at_eof:
                break  # the item reaches the window's end: it might go on
            new_items.append(item)
            new_starts.append(win_start + pos)
            pos = nxt
        else:
            if at_eof:
                j = n_items
        if j >= 0:
            break
        k = k + (k - i) + 8  # grow the window and lex again

    line = old.lines[i]
    new_lines: list[int] = []
    for it in new_items:
        new_lines.append(line)
        line += break_count(it.text)
    if j < n_items:
        line_delta = line - old.lines[j]
        tail_starts = tuple(map(delta.__add__, old_starts[j:])) if delta else old_starts[j:]
        tail_lines = tuple(map(line_delta.__add__, old.lines[j:])) if line_delta else old.lines[j:]
    else:
        tail_starts = ()
        tail_lines = ()
    return Parse(
        None,
        items[:i] + tuple(new_items) + items[j:],
        old_starts[:i] + tuple(new_starts) + tail_starts,
        old.lines[:i] + tuple(new_lines) + tail_lines,
        escape,
        old.header,
        old.header_issues,
        n_old + delta,
        id(old),
        (i, j, i + len(new_items)),
    )
