"""Editing YAML an editor wrote: changes made to the text itself, at the places ``yamlfile``
reported, so that comments, quoting, blank lines and order stay as they were.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from publisher.yamlfile import LinedDict, LinedList, Span, scalar


class Indent:
    """How a file indents: mappings, list items' content and their dash, relative to the parent.

    ``-   x`` under ``key:`` at column 0 with the dash at column 2 is offset 2, sequence 6.
    """

    def __init__(self, mapping: int = 2, sequence: int = 4, offset: int = 2):
        self.mapping, self.sequence, self.offset = mapping, sequence, max(0, offset)
        self.sequence = max(self.sequence, self.offset + 2)

    _KEY_ONLY = re.compile(r"^( *)(?:- +)?[^\s#-][^#]*:[ \t]*(#.*)?$")

    @classmethod
    def of(cls, text: str) -> Indent:
        """The indentation the text itself uses, defaults where it shows none."""
        lines = [x for x in text.split("\n") if x.strip() and not x.lstrip().startswith("#")]
        found: dict[str, int] = {}
        for above, below in pairwise(lines):
            if not cls._KEY_ONLY.match(above):
                continue
            key_column = len(above) - len(above.lstrip(" -"))
            column = len(below) - len(below.lstrip(" "))
            content = below.lstrip(" ")
            if content.startswith("- ") and "offset" not in found and column >= key_column:
                found["offset"] = column - key_column
                found["sequence"] = found["offset"] + len(content) - len(content[1:].lstrip(" "))
            elif not content.startswith("-") and column > key_column and "mapping" not in found:
                found["mapping"] = column - key_column
        return cls(found.get("mapping", 2), found.get("sequence", 4), found.get("offset", 2))

    def item(self, value: Any, dash: int) -> list[str]:
        """The lines of one block list item holding ``value`` (text, or a mapping of text and
        lists of text), its dash at column ``dash``."""
        content = dash + self.sequence - self.offset
        head = " " * dash + "-" + " " * (content - dash - 1)
        if not isinstance(value, dict):
            return [head + scalar(value)]
        lines = []
        for number, (key, inner) in enumerate(value.items()):
            prefix = head if number == 0 else " " * content
            if isinstance(inner, list):
                lines.append(f"{prefix}{scalar(key)}:")
                for each in inner:
                    lines += self.item(each, content + self.offset)
            else:
                lines.append(f"{prefix}{scalar(key)}: {scalar(inner)}")
        return lines


class Splice:
    """Changes to a YAML text at the places ``load`` reported, made together by ``result``.

    Lines are 1-based. Only the changed items' own text changes: the comment at the end of a
    removed item's line goes with it, the comment lines around it stay where they are, and a
    new item goes after the item before it, ahead of the comments that introduce the next one.
    """

    def __init__(self, text: str):
        self.text = text
        self.lines = text.split("\n")
        self._starts = [0]
        for line in self.lines:
            self._starts.append(self._starts[-1] + len(line) + 1)
        self._changes: list[tuple[int, int, str]] = []
        self.indent = Indent.of(text)

    def result(self) -> str:
        """The text with every change made."""
        text = self.text
        # From the end backwards, so each change's offsets still hold; of two changes at one
        # place, the one made first ends up first.
        order = sorted(range(len(self._changes)), key=lambda n: (*self._changes[n][:2], n))
        for before, after in pairwise(order):
            if self._changes[after][0] < self._changes[before][1]:
                raise ValueError("two changes of one place: the edit cannot be made in place")
        for n in reversed(order):
            start, end, new = self._changes[n]
            text = text[:start] + new + text[end:]
        return text

    def replace(self, span: Span, new: str) -> None:
        self._changes.append((span[0], span[1], new))

    def insert_lines(self, after: int, lines: list[str]) -> None:
        """Insert whole lines after line ``after`` (0: at the very start)."""
        at = min(self._starts[after], len(self.text))
        block = "".join(f"{line}\n" for line in lines)
        if at == len(self.text) and self.text and not self.text.endswith("\n"):
            block = "\n" + block.removesuffix("\n")
        self._changes.append((at, at, block))

    def _is_content(self, number: int) -> bool:
        stripped = self.lines[number - 1].strip()
        return bool(stripped) and not stripped.startswith("#")

    def _column(self, number: int) -> int:
        line = self.lines[number - 1]
        return len(line) - len(line.lstrip(" "))

    def dash_line(self, seq: LinedList, index: int) -> int:
        """The line of a block list item's dash (its value may start on a later line)."""
        number = seq.lines[index]
        while number > 1 and not self.lines[number - 1].lstrip().startswith("-"):
            number -= 1
        return number

    def item_extent(self, seq: LinedList, index: int) -> tuple[int, int]:
        """First and last line of a block list item, without the comments that follow it."""
        first = self.dash_line(seq, index)
        dash = self._column(first)
        last = first
        for number in range(first + 1, len(self.lines) + 1):
            if not self._is_content(number):
                continue
            if self._column(number) <= dash:
                break
            last = number
        return first, last

    def last_content_line(self) -> int:
        """The last line that is neither blank nor a comment (0 in an empty document)."""
        for number in range(len(self.lines), 0, -1):
            if self._is_content(number) and self.lines[number - 1].strip() != "...":
                return number
        return 0

    def remove_items(self, seq: LinedList, indexes: list[int]) -> None:
        """Remove these items of a list."""
        if seq.flow:
            kept = [i for i in range(len(seq)) if i not in indexes]
            self._rewrite_flow(seq, [self._source(seq.spans[i]) for i in kept])
            return
        for index in indexes:
            first, last = self.item_extent(seq, index)
            self._changes.append((self._starts[first - 1], self._starts[last], ""))

    def insert_items(self, seq: LinedList, index: int, values: list[Any]) -> None:
        """Insert values into a non-empty list so that the first becomes item ``index``."""
        if seq.flow:
            texts = [self._source(span) for span in seq.spans]
            texts[index:index] = [_flow(value) for value in values]
            self._rewrite_flow(seq, texts)
            return
        dash = self._column(self.dash_line(seq, 0))
        if index == 0:
            after = self.dash_line(seq, 0) - 1
            while after > 0 and not self._is_content(after):
                after -= 1
        else:
            after = self.item_extent(seq, index - 1)[1]
        self.insert_lines(after, [line for v in values for line in self.indent.item(v, dash)])

    def fill(self, mapping: LinedDict, key: Any, values: list[Any]) -> None:
        """Make ``mapping[key]`` (null, ``[]`` or missing) a list of ``values``: a block list,
        or ``[a, b]`` inside a mapping written ``{...}``."""
        if mapping.flow:
            if key in mapping:
                self.replace(mapping.spans[key], scalar(values))
            else:  # before the closing brace
                end = mapping.span[1] - 1
                comma = ", " if mapping else ""
                self.replace((end, end), f"{comma}{scalar(key)}: {scalar(values)}")
            return
        if key in mapping:
            line, column = mapping.lines[key], mapping.columns[key]
            start, end = mapping.spans[key]
            if start != end:  # ``[]`` or ``null``: the value goes, the comment after it stays
                while start > 0 and self.text[start - 1] in " \t":
                    start -= 1
                self.replace((start, end), "")
        else:  # a new last key
            column = min(mapping.columns.values(), default=0)
            line = self._mapping_end(mapping)
            self.insert_lines(line, [" " * column + f"{scalar(key)}:"])
        dash = column + self.indent.offset
        self.insert_lines(line, [text for v in values for text in self.indent.item(v, dash)])

    def set(self, mapping: LinedDict, key: Any, value: Any) -> None:
        """Give ``mapping[key]`` a new scalar value, in place, or add the key at its end."""
        if key in mapping:
            start, end = mapping.spans[key]
            space = " " if start == end and self.text[start - 1 : start] == ":" else ""
            self.replace((start, end), space + scalar(value))
        elif mapping.flow:
            end = mapping.span[1] - 1
            self.replace((end, end), f"{', ' if mapping else ''}{scalar(key)}: {scalar(value)}")
        else:
            column = min(mapping.columns.values(), default=0)
            self.insert_lines(
                self._mapping_end(mapping), [f"{' ' * column}{scalar(key)}: {scalar(value)}"]
            )

    def _mapping_end(self, mapping: LinedDict) -> int:
        """The last line of a block mapping's content (0 for an empty document)."""
        if not mapping:
            return self.last_content_line()
        column = min(mapping.columns.values())
        last = first = min(mapping.lines.values())
        for number in range(first + 1, len(self.lines) + 1):
            if not self._is_content(number):
                continue
            line = self.lines[number - 1]
            if self._column(number) < column or line.strip() in ("...", "---"):
                break
            last = number
        return last

    def _source(self, span: Span) -> str:
        return self.text[span[0] : span[1]]

    def _rewrite_flow(self, seq: LinedList, texts: list[str]) -> None:
        self.replace(seq.span, "[" + ", ".join(texts) + "]")


def _flow(value: Any) -> str:
    """A value that may stand inside ``[...]``: text quoted when it holds a flow indicator."""
    text = scalar(value)
    if isinstance(value, str) and text[:1] not in "'\"" and any(c in text for c in ",[]{}"):
        return "'" + value.replace("'", "''") + "'"
    return text
