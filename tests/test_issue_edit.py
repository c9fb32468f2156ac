"""Editing issue files: comments and layout survive, a refused edit leaves the file untouched."""

from __future__ import annotations

from datetime import date

import pytest

from publisher.errors import ComposeError
from publisher.issues.compose import compose_issue
from publisher.issues.edit import add_articles, new_issue, remove_articles
from tests.issue_helpers import make_project, write_issue

COMMENTED = """\
# Bản tin tuần: the editor's notes stay here.
title: "Bản tin số 3"   # quoted on purpose
number: 3
date: 2024-05-10
sections:  # reading order
  # Home news first
  - title: Trong nước
    articles:
      # top story
      - bus-trial  # confirmed by the desk
      # second story
      - slug: rice-harvest
        excerpt: full   # whole text, it is short
    # end of home news

  # Then the world
  - title: World
    articles:
      - library-van
intro: |
  Chào bạn đọc.
# closing comment
"""


@pytest.fixture
def config(project):
    cfg = make_project(project)
    write_issue(cfg, "so-3", COMMENTED)
    return cfg


def edited(config) -> str:
    return (config.issues_dir / "so-3.yaml").read_text(encoding="utf-8")


def test_add_at_the_end_keeps_every_comment(config):
    result = add_articles(config, "so-3", ["night-run", "salt-sensors"], section="trong nuoc")
    assert result.summary == ("added night-run, salt-sensors to section 'Trong nước' at position 3")
    assert edited(config) == COMMENTED.replace(
        "        excerpt: full   # whole text, it is short\n",
        "        excerpt: full   # whole text, it is short\n"
        "      - night-run\n"
        "      - salt-sensors\n",
    )
    assert [e.article.slug for e in result.draft.issue.sections[0].entries] == [
        "bus-trial",
        "rice-harvest",
        "night-run",
        "salt-sensors",
    ]


def test_add_at_a_position_goes_before_the_comment_of_the_article_it_moves_down(config):
    add_articles(config, "so-3", ["night-run"], section="Trong nước", position=2)
    assert edited(config) == COMMENTED.replace(
        "      # second story\n", "      - night-run\n      # second story\n"
    )
    add_articles(config, "so-3", ["salt-sensors"], section="Trong nước", position=1)
    slugs = [e.article.slug for e in compose_issue(config, "so-3").sections[0].entries]
    assert slugs == ["salt-sensors", "bus-trial", "night-run", "rice-harvest"]
    assert edited(config).count("#") == COMMENTED.count("#")


def test_add_without_section_goes_to_the_last_one(config):
    add_articles(config, "so-3", ["night-run"])
    assert edited(config) == COMMENTED.replace(
        "      - library-van\n", "      - library-van\n      - night-run\n"
    )


def test_add_to_a_new_section_appends_it(config):
    result = add_articles(config, "so-3", ["night-run", "salt-sensors"], section="Thể thao")
    assert result.summary == "added night-run, salt-sensors to the new section 'Thể thao'"
    assert edited(config) == COMMENTED.replace(
        "      - library-van\n",
        "      - library-van\n"
        "  - title: Thể thao\n"
        "    articles:\n"
        "      - night-run\n"
        "      - salt-sensors\n",
    )


def test_remove_keeps_comment_lines_and_drops_the_line_comment(config):
    result = remove_articles(config, "so-3", ["bus-trial"])
    assert result.summary == "removed bus-trial"
    assert edited(config) == COMMENTED.replace("      - bus-trial  # confirmed by the desk\n", "")


def test_remove_a_mapping_entry(config):
    remove_articles(config, "so-3", ["rice-harvest"])
    assert edited(config) == COMMENTED.replace(
        "      - slug: rice-harvest\n        excerpt: full   # whole text, it is short\n", ""
    )


def test_remove_the_last_article_of_a_section_removes_the_section(config):
    result = remove_articles(config, "so-3", ["library-van"])
    assert result.summary == "removed library-van (and the emptied section 'World')"
    text = edited(config)
    assert "World" not in text and "library-van" not in text
    for comment in ("# end of home news", "# Then the world", "# closing comment"):
        assert comment in text
    assert [s.title for s in compose_issue(config, "so-3").sections] == ["Trong nước"]


def test_remove_the_first_section(config):
    remove_articles(config, "so-3", ["bus-trial", "rice-harvest"])
    text = edited(config)
    assert "Trong nước" not in text
    assert "# Home news first" in text and "# closing comment" in text
    assert [s.title for s in compose_issue(config, "so-3").sections] == ["World"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda c: add_articles(c, "so-3", ["bus-trail"], section="World"),
            "after this edit: section 'World', article 2: no article 'bus-trail' in the "
            "library (did you mean: bus-trial?)",
        ),
        (
            lambda c: add_articles(c, "so-3", ["bus-trial"], section="World"),
            "after this edit: section 'World', article 2: 'bus-trial' is listed twice "
            "(first at line 10)",
        ),
        (
            lambda c: add_articles(c, "so-3", ["night-run"], section="World", position=3),
            "position 3 is outside section 'World': it has 1 article, so use 1 to 2",
        ),
        (
            lambda c: add_articles(c, "so-3", ["night-run"], section="New", position=2),
            "section 'New' is new: the only position is 1",
        ),
        (
            lambda c: remove_articles(c, "so-3", ["library-vans"]),
            "not in this issue: library-vans (did you mean: library-van?)",
        ),
    ],
)
def test_a_refused_edit_leaves_the_file_byte_for_byte(config, edit, message):
    path = config.issues_dir / "so-3.yaml"
    path.write_bytes(COMMENTED.replace("\n", "\r\n").encode())  # even its line ends stay
    before = path.read_bytes()
    with pytest.raises(ComposeError) as caught:
        edit(config)
    assert message in str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in config.issues_dir.iterdir()) == ["so-3.yaml"]


def test_problems_already_in_the_file_block_edits_and_keep_their_lines(config):
    broken = COMMENTED.replace("number: 3", "number: three")
    write_issue(config, "so-3", broken)
    with pytest.raises(ComposeError) as caught:
        add_articles(config, "so-3", ["night-run"], section="Trong nước", position=1)
    assert caught.value.message == "nothing was changed: the issue would have problems"
    assert caught.value.problems == ["line 3: number: 'three' must be a whole number from 1 up"]
    assert edited(config) == broken


def test_removing_a_bad_slug_is_how_an_editor_fixes_it(config):
    write_issue(config, "so-3", COMMENTED.replace("- library-van", "- library-vam"))
    remove_articles(config, "so-3", ["library-vam"])
    assert "World" not in edited(config)


def test_edit_keeps_document_start_and_indentless_lists(config):
    text = (
        "%YAML 1.2\n# opening\n---\ntitle: T\nsections:\n- title: A\n  articles:\n  - bus-trial\n"
    )
    write_issue(config, "plain", text)
    add_articles(config, "plain", ["night-run"])
    assert (config.issues_dir / "plain.yaml").read_text() == text + "  - night-run\n"


def test_edit_flow_style_list(config):
    write_issue(config, "flow", "title: T\nsections:\n- title: A\n  articles: [bus-trial]  # x\n")
    add_articles(config, "flow", ["night-run"], position=1)
    assert (config.issues_dir / "flow.yaml").read_text() == (
        "title: T\nsections:\n- title: A\n  articles: [night-run, bus-trial]  # x\n"
    )
    remove_articles(config, "flow", ["bus-trial"])
    assert (config.issues_dir / "flow.yaml").read_text() == (
        "title: T\nsections:\n- title: A\n  articles: [night-run]  # x\n"
    )


def test_an_empty_sections_list_becomes_a_block_list(config):
    path = write_issue(config, "empty", "title: T\nsections: []  # none yet\nintro: Hi\n")
    add_articles(config, "empty", ["night-run"], section="Tin: mới")
    assert path.read_text() == (
        "title: T\nsections:  # none yet\n  - title: 'Tin: mới'\n    articles:\n"
        "      - night-run\nintro: Hi\n"
    )
    assert [s.title for s in compose_issue(config, "empty").sections] == ["Tin: mới"]


def test_a_file_without_a_final_line_break(config):
    path = write_issue(
        config, "bare", "title: T\nsections:\n- title: A\n  articles:\n  - bus-trial"
    )
    add_articles(config, "bare", ["night-run"])
    assert path.read_text() == (
        "title: T\nsections:\n- title: A\n  articles:\n  - bus-trial\n  - night-run"
    )
    remove_articles(config, "bare", ["bus-trial"])
    assert path.read_text() == "title: T\nsections:\n- title: A\n  articles:\n  - night-run"


def test_an_item_whose_mapping_has_comments_inside_goes_whole(config):
    text = (
        "title: T\nsections:\n- title: A\n  articles:\n  - slug: bus-trial\n"
        "    # the desk asked for all of it\n    excerpt: full\n  # next\n  - night-run\n"
    )
    path = write_issue(config, "inner", text)
    remove_articles(config, "inner", ["bus-trial"])
    assert (
        path.read_text()
        == "title: T\nsections:\n- title: A\n  articles:\n  # next\n  - night-run\n"
    )


def test_new_issue_from_defaults(config):
    result = new_issue(config, "Bản tin: Đà Nẵng & Huế", date=date(2024, 6, 1))
    assert result.path == config.issues_dir / "ban-tin-da-nang-hue.yaml"
    assert result.summary == f"created {result.path}"
    text = result.path.read_text()
    assert 'title: "Bản tin: Đà Nẵng & Huế"\nnumber: 4\ndate: 2024-06-01\n' in text
    assert "language: vi\ntheme: default\n" in text
    issue = result.draft.issue
    assert (issue.title, issue.number, issue.date) == (
        "Bản tin: Đà Nẵng & Huế",
        4,
        date(2024, 6, 1),
    )
    assert issue.sender.from_email == "news@example.org"
    add_articles(config, "ban-tin-da-nang-hue", ["night-run"], section="Thể thao")
    issue = compose_issue(config, "ban-tin-da-nang-hue")
    assert [e.article.slug for e in issue.entries] == ["night-run"]
    assert "# add articles with:" in result.path.read_text()


def test_new_issue_slug_is_unique_and_never_overwrites(config):
    first = new_issue(config, "Số 3", number=9, theme="digest")
    second = new_issue(config, "Số 3")
    assert (first.path.name, second.path.name) == ("so-3-2.yaml", "so-3-3.yaml")
    assert first.draft.issue.theme == "digest"
    assert second.draft.issue.number == 10
    before = (config.issues_dir / "so-3.yaml").read_bytes()
    with pytest.raises(ComposeError, match="exists already"):
        new_issue(config, "Anything", slug="so-3")
    assert (config.issues_dir / "so-3.yaml").read_bytes() == before
    with pytest.raises(ComposeError, match="is not a slug"):
        new_issue(config, "Anything", slug="Số 3")
    with pytest.raises(ComposeError, match="needs a title"):
        new_issue(config, "  ")


def test_new_issue_with_a_bad_theme_is_not_created(config):
    with pytest.raises(ComposeError) as caught:
        new_issue(config, "T", theme="../../etc")
    assert "is not a theme name" in caught.value.problems[0]
    assert not (config.issues_dir / "t.yaml").exists()


def test_add_to_an_issue_without_sections_needs_a_section_name(config):
    write_issue(config, "bare", "title: Bare  # nothing else yet\n# closing\n")
    with pytest.raises(ComposeError, match="name one with --section"):
        add_articles(config, "bare", ["night-run"])
    add_articles(config, "bare", ["night-run"], section="A")
    assert (config.issues_dir / "bare.yaml").read_text() == (
        "title: Bare  # nothing else yet\nsections:\n  - title: A\n    articles:\n"
        "      - night-run\n# closing\n"
    )


FOUR_SPACES = """\
title: Four
sender:
    from_name: Four spaces
intro: |
    Indented by four.
sections:
    - title: A
      articles:
          - bus-trial
          - slug: rice-harvest
            image: false
"""
INDENTLESS = """\
title: Indentless
sender:
  from_name: Two
sections:
- title: A
  articles:
  - bus-trial
  - slug: rice-harvest
    image: false
"""


@pytest.mark.parametrize("text", [FOUR_SPACES, INDENTLESS, COMMENTED])
def test_the_file_s_own_indentation_is_kept(config, text):
    path = write_issue(config, "style", text)
    add_articles(config, "style", ["night-run"], section="A" if "A\n" in text else None, position=2)
    lines = path.read_text().splitlines()
    assert len(lines) == len(text.splitlines()) + 1
    remove_articles(config, "style", ["night-run"])
    assert path.read_text() == text


def test_a_section_without_articles_gets_them_after_its_own_keys(config):
    path = write_issue(
        config, "keys", "title: T\nsections:\n- title: A\n- title: B\n  articles: [bus-trial]\n"
    )
    add_articles(config, "keys", ["night-run"], section="A")
    assert path.read_text() == (
        "title: T\nsections:\n- title: A\n  articles:\n  - night-run\n"
        "- title: B\n  articles: [bus-trial]\n"
    )


def test_flow_style_sections(config):
    text = "title: T\nsections: [{title: A, articles: [bus-trial]}, {title: B}]  # terse\n"
    path = write_issue(config, "terse", text)
    add_articles(config, "terse", ["night-run"], section="B")
    assert path.read_text() == (
        "title: T\nsections: [{title: A, articles: [bus-trial]}, "
        "{title: B, articles: [night-run]}]  # terse\n"
    )
    add_articles(config, "terse", ["salt-sensors"], section="C, and more")
    assert [s.title for s in compose_issue(config, "terse").sections] == ["A", "B", "C, and more"]
    remove_articles(config, "terse", ["night-run"])  # section B goes
    assert [s.title for s in compose_issue(config, "terse").sections] == ["A", "C, and more"]
    add_articles(config, "terse", ["library-van"], section="A")
    before = path.read_bytes()
    # A section's own list and the list of sections, one inside the other: refused.
    with pytest.raises(ComposeError, match="edit the file by hand"):
        remove_articles(config, "terse", ["bus-trial", "salt-sensors"])
    assert path.read_bytes() == before
