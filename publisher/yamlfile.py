"""YAML 1.2 for the files editors write by hand: article front matter and issue files.

One reader for both (libyaml through PyYAML): values follow YAML 1.2's core schema, so
``No``, ``on`` and ``12:30`` are text and ``010`` is ten; a duplicate key is an error; every
mapping key and list item keeps its line and position, so a problem can name its line and an
edit can change the text at exactly that place (``yamledit``), leaving everything else an
editor wrote (comments, quoting, blank lines, order) byte for byte. ``dump`` writes YAML that reads
back the same under YAML 1.2 and under the YAML 1.1 readers of other tools.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.representer import SafeRepresenter
from yaml.resolver import BaseResolver, Resolver

YAMLError = yaml.YAMLError
MarkedYAMLError = yaml.MarkedYAMLError
Span = tuple[int, int]  # character offsets of a node in the text: [start, end)


class LinedDict(dict[Any, Any]):
    """A mapping that knows where each of its keys and values is in the text.

    ``lines`` and ``columns``: where each key is (1-based line, 0-based column); ``spans``: each
    value's character offsets; ``span`` and ``flow`` as for ``LinedList``;
    ``written``: each plain scalar value as written (``1e3`` for the float 1000.0).
    """

    lines: dict[Any, int]
    columns: dict[Any, int]
    spans: dict[Any, Span]
    written: dict[Any, str]
    span: Span
    flow: bool


class LinedList(list[Any]):
    """A list that knows where it and each of its items are in the text.

    ``lines``: the 1-based line of each item; ``spans``: each item's character offsets;
    ``span``: the whole list's; ``flow``: written ``[a, b]`` rather than one ``- a`` per line;
    ``written``: each plain scalar item as written.
    """

    lines: list[int]
    spans: list[Span]
    span: Span
    flow: bool
    written: dict[int, str]


# YAML 1.2 core schema: what is null, a boolean, a number or a date. Anything else is text.
CORE_SCHEMA = (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    (
        "float",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        "-+0123456789.",
    ),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    (
        "timestamp",
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}"  # a date has two-digit month and day; a time may not
        r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
        r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?",
        "0123456789",
    ),
    ("merge", r"<<", "<"),
)


class _CoreResolver(BaseResolver):
    """Resolves plain scalars by YAML 1.2's core schema (the reader)."""


class _CautiousResolver(Resolver):
    """YAML 1.1's rules and then 1.2's: the writer quotes text that either would misread."""


for _tag, _pattern, _first in CORE_SCHEMA:
    for _resolver in (_CoreResolver, _CautiousResolver):
        _resolver.add_implicit_resolver(
            f"tag:yaml.org,2002:{_tag}", re.compile(f"^(?:{_pattern})$"), list(_first)
        )


def _span(node: Any) -> Span:
    return node.start_mark.index, node.end_mark.index


def _written(node: Any) -> str | None:
    """A plain scalar's own text (what the editor typed), else None."""
    # A plain scalar has no style: None from PyYAML's own parser, "" from libyaml's.
    return node.value if isinstance(node, ScalarNode) and not node.style else None


class _Constructor(SafeConstructor):
    def construct_yaml_int(self, node: Any) -> int:
        text = str(self.construct_scalar(node))
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text)  # "010" is ten, as YAML 1.2 says

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # 2024-13-01: kept as text, for the reader to report with its line
            return str(node.value)

    def construct_lined_map(self, node: MappingNode) -> Any:
        data = LinedDict()
        yield data
        self.flatten_mapping(node)
        data.lines, data.columns, data.spans, data.written = {}, {}, {}, {}
        data.span, data.flow = _span(node), bool(node.flow_style)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    "found an unhashable key", key_node.start_mark,
                ) from None  # fmt: skip
            if key in data.lines:
                raise ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"found duplicate key {key!r} (first at line {data.lines[key]})",
                    key_node.start_mark,
                )  # fmt: skip
            data.lines[key] = key_node.start_mark.line + 1
            data.columns[key] = key_node.start_mark.column
            data.spans[key] = _span(value_node)
            written = _written(value_node)
            if written is not None:
                data.written[key] = written
            data[key] = self.construct_object(value_node, deep=True)

    def construct_lined_seq(self, node: SequenceNode) -> Any:
        data = LinedList()
        yield data
        data.extend(self.construct_object(child, deep=True) for child in node.value)
        data.lines = [child.start_mark.line + 1 for child in node.value]
        data.spans = [_span(child) for child in node.value]
        data.span = _span(node)
        data.flow = bool(node.flow_style)
        data.written = {
            n: text for n, text in enumerate(map(_written, node.value)) if text is not None
        }


# PyYAML's stubs expect constructors of its own loader classes; ours is one of their bases.
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)  # type: ignore[type-var]
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)  # type: ignore[type-var]
_Constructor.add_constructor("tag:yaml.org,2002:map", _Constructor.construct_lined_map)  # type: ignore[type-var]
_Constructor.add_constructor("tag:yaml.org,2002:seq", _Constructor.construct_lined_seq)  # type: ignore[type-var]

try:  # libyaml: PyYAML's wheels include it, and it reads ten times faster
    from yaml import CBaseDumper as _Emitting
    from yaml import CBaseLoader as _Parsing
except ImportError:  # pragma: no cover - PyYAML built without libyaml: its own Python
    from yaml import BaseDumper as _Emitting  # type: ignore[assignment]
    from yaml import BaseLoader as _Parsing  # type: ignore[assignment]


class _Loader(_Parsing, _Constructor, _CoreResolver):
    """libyaml's parser, our constructors, YAML 1.2's resolver."""


class _Dumper(_Emitting, SafeRepresenter, _CautiousResolver):
    """Block style, Unicode as it is, keys in the order given, quoting for both YAMLs."""

    def __init__(
        self, stream: Any, width: int | None = None, default_flow_style: bool = False, **_: Any
    ) -> None:
        # yaml.dump passes every option, None where the caller gave none.
        super().__init__(
            stream, allow_unicode=True, width=width or 100, sort_keys=False,
            default_flow_style=default_flow_style,
        )  # fmt: skip


def load(text: str) -> Any:
    """The single YAML document in ``text``; ``MarkedYAMLError`` names a line (0-based)."""
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def dump(data: Any) -> str:
    """``data`` as block YAML that ``load`` (and any YAML 1.1 reader) reads back the same."""
    return yaml.dump(data, Dumper=_Dumper)


def scalar(value: Any) -> str:
    """``value`` on one line: text plain where that reads back the same, else quoted; a list or
    a mapping in flow style (``[a, b]``, ``{k: v}``)."""
    text = yaml.dump(value, Dumper=_Dumper, width=1 << 30, default_flow_style=True)
    return text.removesuffix("\n...\n").removesuffix("\n")


def written(data: Any, key: Any) -> Any:
    """``data[key]`` (a list index too), but a number or a date as the editor wrote it
    (``1e3``, not 1000.0). Booleans and nulls stay what they are: those are for the reader
    to accept or refuse."""
    value = data[key] if isinstance(data, list) else data.get(key)
    if isinstance(value, str | bool) or value is None:
        return value
    return getattr(data, "written", {}).get(key, value)
