"""YAML read fast (libyaml through PyYAML) with the line of every mapping key and list item.

Files that people edit by hand (issue files) are read with this, so that every problem can name
its line; only the commands that edit them load ruamel.yaml, which keeps comments but parses in
pure Python at a fraction of the speed. Values follow YAML 1.2's core schema, as ruamel reads
them: ``yes``, ``on`` and ``12:30`` are text, ``010`` is ten. A duplicate key is an error.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, SequenceNode
from yaml.resolver import BaseResolver

YAMLError = yaml.YAMLError
MarkedYAMLError = yaml.MarkedYAMLError


class LinedDict(dict):
    """A mapping that knows the 1-based line of each of its keys (``lines``)."""

    lines: dict[Any, int]


class LinedList(list):
    """A list that knows the 1-based line of each of its items (``lines``)."""

    lines: list[int]


class _Resolver(BaseResolver):
    """YAML 1.2 core schema: what is null, a boolean, a number or a date."""


for tag, pattern, first in (
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
):
    _Resolver.add_implicit_resolver(
        f"tag:yaml.org,2002:{tag}", re.compile(f"^(?:{pattern})$"), list(first)
    )


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
        lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    "found an unhashable key", key_node.start_mark,
                ) from None  # fmt: skip
            if key in lines:
                raise ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"found duplicate key {key!r} (first at line {lines[key]})",
                    key_node.start_mark,
                )  # fmt: skip
            lines[key] = key_node.start_mark.line + 1
            data[key] = self.construct_object(value_node, deep=True)
        data.lines = lines

    def construct_lined_seq(self, node: SequenceNode) -> Any:
        data = LinedList()
        yield data
        data.extend(self.construct_object(child, deep=True) for child in node.value)
        data.lines = [child.start_mark.line + 1 for child in node.value]


_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)
_Constructor.add_constructor("tag:yaml.org,2002:map", _Constructor.construct_lined_map)
_Constructor.add_constructor("tag:yaml.org,2002:seq", _Constructor.construct_lined_seq)

try:
    from yaml import CParser as _Parser  # libyaml: the wheels on PyPI include it

    class _Loader(_Parser, _Constructor, _Resolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            _Constructor.__init__(self)
            _Resolver.__init__(self)

except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Loader(Reader, Scanner, Parser, Composer, _Constructor, _Resolver):  # type: ignore[no-redef,misc]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            _Constructor.__init__(self)
            _Resolver.__init__(self)


def load(text: str) -> Any:
    """The single YAML document in ``text``; ``MarkedYAMLError`` names a line (0-based)."""
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
