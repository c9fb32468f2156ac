"""``yamlfile``: hand-written files read as YAML 1.2 (as ruamel.yaml reads them), with lines;
written so that YAML 1.1 readers agree; edited in place."""

from __future__ import annotations

import datetime

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher import yamledit, yamlfile
from publisher.issues.file import item_line, line_of
from tests.conftest import ROOT


def round_trip_yaml():
    """ruamel.yaml, the reference YAML 1.2 implementation in Python (a test dependency)."""
    from ruamel.yaml import YAML

    return YAML(typ="rt")


def plain(value):
    """ruamel's or our containers as plain dicts and lists."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def lines_of(value):
    """Every key's and item's line, depth first (ours, or ruamel's from its ``lc``)."""
    found = []
    if isinstance(value, dict):
        for key, child in value.items():
            line = value.lc.key(key)[0] + 1 if hasattr(value, "lc") else line_of(value, key)
            found.append((key, line))
            found += lines_of(child)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            line = value.lc.item(index)[0] + 1 if hasattr(value, "lc") else item_line(value, index)
            found.append((index, line))
            found += lines_of(child)
    return found


def both(text: str):
    ours, theirs = yamlfile.load(text), round_trip_yaml().load(text)
    return ours, theirs


@pytest.mark.parametrize("path", sorted((ROOT / "issues").glob("*.yaml")), ids=lambda p: p.name)
def test_the_example_issues_read_as_ruamel_reads_them(path):
    ours, theirs = both(path.read_text(encoding="utf-8"))
    assert plain(ours) == plain(theirs)
    assert lines_of(ours) == lines_of(theirs)
    assert all(line for _, line in lines_of(ours))


def test_yaml_1_2_core_schema():
    text = (
        "a: yes\nb: on\nc: 12:30\nd: 010\ne: 0o17\nf: 0x1f\ng: 1.5\nh: ~\ni: TRUE\nj: null\n"
        "k: 2024-05-10\nl: 2024-13-01\nm: -7\nn: '010'\no: 1e3\np: 2024-5-1\n"
    )
    ours = yamlfile.load(text)
    theirs = round_trip_yaml().load(text.replace("l: 2024-13-01\n", ""))  # ruamel raises
    assert ours == {
        "a": "yes", "b": "on", "c": "12:30", "d": 10, "e": 15, "f": 31, "g": 1.5, "h": None,
        "i": True, "j": None, "k": datetime.date(2024, 5, 10), "l": "2024-13-01", "m": -7,
        "n": "010", "o": 1000.0, "p": "2024-5-1",
    }  # fmt: skip
    assert {k: v for k, v in ours.items() if k != "l"} == {
        k: v for k, v in plain(theirs).items() if k != "l"
    }
    assert (yamlfile.written(ours, "o"), yamlfile.written(ours, "d")) == ("1e3", "010")
    assert yamlfile.written(ours, "i") is True  # booleans are for the reader to judge


def test_a_duplicate_key_is_an_error_at_its_line():
    with pytest.raises(yamlfile.MarkedYAMLError) as caught:
        yamlfile.load("title: A\nsections: []\ntitle: B\n")
    assert caught.value.problem_mark.line + 1 == 3
    assert "duplicate key 'title' (first at line 1)" in caught.value.problem


def test_an_unhashable_key_is_an_error():
    with pytest.raises(yamlfile.MarkedYAMLError, match="unhashable"):
        yamlfile.load("? [a, b]\n: 1\n")


def test_merge_keys_and_anchors():
    data = yamlfile.load("base: &b {excerpt: full}\nentry:\n  <<: *b\n  slug: x\n")
    assert data["entry"] == {"excerpt": "full", "slug": "x"}


words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
scalars = st.one_of(words, st.integers(-1000, 1000), st.booleans(), st.none(), st.dates())
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), inner, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), documents, max_size=5))
def test_anything_ruamel_writes_reads_back_the_same(data):
    import io

    out = io.StringIO()
    round_trip_yaml().dump(data, out)
    ours, theirs = both(out.getvalue())
    assert plain(ours) == plain(theirs) == data
    assert lines_of(ours) == lines_of(theirs)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), documents, max_size=5))
def test_what_dump_writes_reads_back_the_same_in_yaml_1_2_and_1_1(data):
    text = yamlfile.dump(data)
    assert plain(yamlfile.load(text)) == data
    assert yaml.safe_load(text) == data  # PyYAML's YAML 1.1, as other tools read the file


@pytest.mark.parametrize("word", ["No", "on", "12:30", "1_000", "1e3", "0o17", ".5", "~", "null"])
def test_text_that_either_yaml_would_misread_is_quoted(word):
    assert yamlfile.scalar(word) != word
    assert yamlfile.load(f"k: {yamlfile.scalar(word)}\n") == {"k": word}


def test_a_splice_keeps_everything_it_does_not_change():
    text = "a:  # list\n  - x   # first\n  # about y\n  - y\nb: [p, 'q, r']  # flow\n"
    data = yamlfile.load(text)
    splice = yamledit.Splice(text)
    splice.insert_items(data["a"], 1, ["new: one"])
    splice.remove_items(data["a"], [0])
    splice.insert_items(data["b"], 2, ["s,t"])
    out = splice.result()
    assert out == (
        "a:  # list\n  - 'new: one'\n  # about y\n  - y\nb: [p, 'q, r', 's,t']  # flow\n"
    )
    assert yamlfile.load(out) == {"a": ["new: one", "y"], "b": ["p", "q, r", "s,t"]}


def test_indentation_is_read_from_the_file():
    indent = yamledit.Indent.of("k:\n    -   a\n")
    assert (indent.offset, indent.sequence) == (4, 8)
    assert indent.item({"t": "x", "l": ["y"]}, 0) == ["-   t: x", "    l:", "        -   y"]
