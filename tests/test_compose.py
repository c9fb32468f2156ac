"""Composing an issue file into an ``Issue``: parsing, defaults and every validation problem."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from publisher.config import load_config
from publisher.errors import ComposeError
from publisher.issues.compose import compose_issue, draft_issue
from publisher.model import Sender
from tests.issue_helpers import make_project, write_issue

GOOD = """\
# A comment the parser must ignore
title: Bản tin số 7
number: 7
date: 2024-05-10
subject: Tin tuần này
preheader: Xe buýt điện, mùa lúa và giải chạy đêm
intro: |
  Chào bạn đọc,

  tuần này có **ba** tin.
sender:
  from_name: Ban biên tập
sections:
  - title: Trong nước
    articles:
      - bus-trial
      - slug: rice-harvest
        excerpt: full
        image: false
  - title: World
    articles:
      - slug: library-van
        excerpt: 40 words
      - slug: night-run
        excerpt: 25
      - slug: salt-sensors
        excerpt: lead
"""


@pytest.fixture
def config(project):
    return make_project(project)


def test_issue_file_is_parsed_with_defaults_from_settings(config):
    write_issue(config, "so-7", GOOD)
    issue = compose_issue(config, "so-7")
    assert (issue.slug, issue.title, issue.number) == ("so-7", "Bản tin số 7", 7)
    assert issue.date == date(2024, 5, 10)
    assert issue.subject == "Tin tuần này"
    assert issue.intro == "Chào bạn đọc,\n\ntuần này có **ba** tin."
    assert (issue.language, issue.theme) == ("vi", "default")
    assert issue.base_url == "https://news.example.org/"
    assert issue.web_url == "https://news.example.org/issues/so-7/"
    assert issue.newsletter == "Bản tin Mẫu"
    assert issue.list_id == "ban-tin.news.example.org"
    assert issue.sender == Sender(
        organisation="Example News",
        address="1 Example Street, Hà Nội",
        from_name="Ban biên tập",  # the issue's own value wins, key by key
        from_email="news@example.org",
        reply_to="desk@example.org",
    )
    assert [s.title for s in issue.sections] == ["Trong nước", "World"]
    modes = [(e.article.slug, e.excerpt, e.image) for e in issue.entries]
    assert modes == [
        ("bus-trial", "lead", True),
        ("rice-harvest", "full", False),
        ("library-van", 40, True),
        ("night-run", 25, True),
        ("salt-sensors", "lead", True),
    ]
    first = issue.entries[0]
    assert first.url == "https://news.example.org/issues/so-7/bus-trial/"
    assert first.article.title == "Article 1: bus trial"


def test_subject_defaults_to_title_and_issue_overrides_theme_and_base_url(config):
    write_issue(
        config,
        "mini",
        "title: Mini\ntheme: digest\nbase_url: https://other.example.org/news\n"
        "sections:\n- title: A\n  articles: [bus-trial]\n",
    )
    issue = compose_issue(config, "mini")
    assert issue.subject == "Mini"
    assert issue.theme == "digest"
    assert issue.article_url("x") == "https://other.example.org/news/issues/mini/x/"
    assert (issue.number, issue.date, issue.preheader, issue.intro) == (None, None, "", "")


def test_issue_given_as_a_path(config, tmp_path):
    path = tmp_path / "elsewhere.yaml"
    path.write_text("title: T\nsections:\n- title: A\n  articles: [bus-trial]\n")
    assert compose_issue(config, str(path)).slug == "elsewhere"
    assert compose_issue(config, path).slug == "elsewhere"
    write_issue(config, "in-issues", "title: T\nsections:\n- title: A\n  articles: [night-run]\n")
    assert compose_issue(config, "in-issues.yaml").slug == "in-issues"


def test_every_problem_is_reported_together_with_lines(config):
    path = write_issue(
        config,
        "bad",
        """\
number: 0
date: 2024-13-01
language: klingon
theme: ../x
base_url: ftp://example.org/
languag: vi
sender:
  from_email: not-an-email
  fax: "1"
sections:
  - title: Trong nước
    articles:
      - bus-trail
      - rice-harvest
      - slug: library-van
        excerpt: most
        image: maybe
      - rice-harvest
      - colour: red
  - title: Empty
    articles: []
  - title: Trong nước
    articles:
      - night-run
""",
    )
    with pytest.raises(ComposeError) as caught:
        compose_issue(config, "bad")
    error = caught.value
    assert error.where == str(path)
    assert error.exit_code == 6
    assert error.problems == [
        "title: required (the issue's headline)",
        "line 1: number: 0 must be a whole number from 1 up",
        "line 2: date: 2024-13-01 is not a date like 2024-05-10",
        "line 3: language: 'klingon' is not a language code such as vi or en",
        "line 4: theme: '../x' is not a theme name (a folder in templates/)",
        "line 5: base_url: 'ftp://example.org/' must be a web address like "
        "https://news.example.org/",
        "line 6: languag: unknown field (did you mean: language?)",
        "line 8: sender.from_email: 'not-an-email' is not an email address",
        "line 9: sender.fax: unknown field "
        "(known: organisation, address, from_name, from_email, reply_to)",
        "line 13: section 'Trong nước', article 1: no article 'bus-trail' in the library "
        "(did you mean: bus-trial?)",
        "line 16: section 'Trong nước', article 3: excerpt: 'most' must be full, lead or a "
        "number of words (60)",
        "line 17: section 'Trong nước', article 3: image: 'maybe' must be true or false",
        "line 18: section 'Trong nước', article 4: 'rice-harvest' is listed twice "
        "(first at line 14)",
        "line 19: section 'Trong nước', article 5: colour: unknown field "
        "(known: slug, excerpt, image)",
        "line 19: section 'Trong nước', article 5: slug: required",
        "line 21: section 'Empty': the section has no articles",
        "line 22: section 'Trong nước': a second section with this title (first at line 11)",
    ]
    assert str(error).startswith(f"the issue has 17 problems ({path})\n  - title: required")


def test_unknown_slug_suggests_close_matches_and_the_slug_of_a_title(config):
    write_issue(
        config,
        "typos",
        "title: T\nsections:\n- title: A\n  articles:\n  - salt-sensor\n  - Library van\n  - zzz\n",
    )
    problems = draft_issue(config, "typos").problems
    assert problems == (
        "line 5: section 'A', article 1: no article 'salt-sensor' in the library "
        "(did you mean: salt-sensors?)",
        "line 6: section 'A', article 2: no article 'Library van' in the library "
        "(did you mean: library-van?)",
        "line 7: section 'A', article 3: no article 'zzz' in the library",
    )


def test_empty_issue_is_a_problem_unless_allowed(config):
    write_issue(config, "empty", "title: T\nsections: []\n")
    assert draft_issue(config, "empty").problems == (
        "line 2: sections: the issue has no articles yet",
    )
    assert draft_issue(config, "empty", allow_empty=True).problems == ()


def test_a_broken_article_file_is_a_problem_of_the_issue(config):
    (config.articles_dir / "broken.md").write_text("---\ntitle: [\n---\n")
    write_issue(config, "b", "title: T\nsections:\n- title: A\n  articles: [broken]\n")
    (problem,) = draft_issue(config, "b").problems
    assert problem.startswith("line 4: section 'A', article 1: article 'broken' cannot be read")


def test_yaml_syntax_error_names_the_line(config):
    write_issue(config, "syntax", "title: T\nsections:\n  - title: [A\n")
    with pytest.raises(ComposeError) as caught:
        compose_issue(config, "syntax")
    assert caught.value.message == "the issue file is not valid YAML"
    assert caught.value.problems[0].startswith("line 4: ")


def test_not_a_mapping_and_bad_types(config):
    write_issue(config, "list", "- a\n- b\n")
    with pytest.raises(ComposeError, match="must be a mapping of fields"):
        compose_issue(config, "list")
    write_issue(config, "types", "title: [a]\nsections: {a: 1}\nsender: x\n")
    assert draft_issue(config, "types").problems == (
        "line 1: title: must be text",
        "line 2: sections: must be a list of sections",
        "line 3: sender: must be a mapping of organisation, address, from_name, from_email, "
        "reply_to",
    )


def test_unknown_issue_suggests_existing_ones(config):
    write_issue(config, "ban-tin-so-1", "title: T\n")
    with pytest.raises(ComposeError, match=r"no issue 'ban-tin-so-2' .*did you mean: ban-tin-so-1"):
        compose_issue(config, "ban-tin-so-2")
    with pytest.raises(ComposeError, match="no such issue file"):
        compose_issue(config, "issues/missing.yaml")


def test_file_name_must_be_a_slug(config):
    write_issue(config, "Bản tin", "title: T\nsections:\n- title: A\n  articles: [bus-trial]\n")
    assert draft_issue(config, "Bản tin").problems == (
        "the file name 'Bản tin.yaml' must be a slug, e.g. ban-tin.yaml",
    )


def test_bad_settings_are_reported_as_coming_from_publisher_toml(project):
    config = make_project(
        project, settings='[newsletter]\nlanguage = "xx-nope"\nfrom_email = "nobody"\n'
    )
    write_issue(config, "t", "title: T\nsections:\n- title: A\n  articles: [bus-trial]\n")
    assert draft_issue(config, "t").problems == (
        "language (from [newsletter] in publisher.toml): 'xx-nope' is not a language code "
        "such as vi or en",
        "from_email (from [newsletter] in publisher.toml): 'nobody' is not an email address",
    )


def test_without_settings_everything_has_a_default(project):
    config = make_project(project, settings="")
    write_issue(config, "t", "title: T\nsections:\n- title: A\n  articles: [bus-trial]\n")
    issue = compose_issue(config, "t")
    assert (issue.language, issue.theme, issue.base_url, issue.sender) == (
        "vi",
        "default",
        "",
        Sender(),
    )
    assert issue.entries[0].url == ""


def test_newsletter_settings_are_validated_by_type(project):
    (project / "publisher.toml").write_text("[newsletter]\nbase_url = 3\nfax = 'x'\n")
    with pytest.raises(Exception) as caught:
        load_config(project)
    assert caught.value.problems == [
        "newsletter.base_url: must be str, not int",
        "newsletter.fax: unknown key (known: name, language, theme, base_url, organisation, "
        "address, from_name, from_email, reply_to, list_id)",
    ]


def test_text_is_normalised_to_nfc(config):
    nfd = unicodedata.normalize("NFD", "Bản tin số 1")
    write_issue(
        config, "nfd", f"title: {nfd}\nsections:\n- title: {nfd}\n  articles: [night-run]\n"
    )
    issue = compose_issue(config, "nfd")
    assert issue.title == unicodedata.normalize("NFC", nfd)
    assert issue.sections[0].title == issue.title


def test_shapes_the_format_does_not_allow_are_errors_with_their_line(config):
    cases = {
        "title: T\nsections: [[x]]\n":
            "line 2: section 1: must be a mapping with title and articles",
        "title: T\nsections:\n- title: A\n  articles: oops\n":
            "line 4: section 'A': articles: must be a list of slugs",
        "title: T\nsections:\n- title: A\n  articles: [{slug: [x]}]\n":
            "line 4: section 'A', article 1: slug: must be text",
        "title: T\nsections: " + "[" * 2000 + "]" * 2000 + "\n": "exceeded maximum nesting depth",
    }  # fmt: skip
    for text, problem in cases.items():
        write_issue(config, "shape", text)
        with pytest.raises(ComposeError) as caught:
            compose_issue(config, "shape")
        assert any(problem in p for p in caught.value.problems), (text[:40], caught.value)


def test_issue_files_have_limits(config):
    many = "".join(f"- title: S{n}\n  articles: [night-run]\n" for n in range(101))
    write_issue(config, "many", f"title: T\nsections:\n{many}")
    assert draft_issue(config, "many").problems == (
        "line 2: sections: 101 sections; an issue has at most 100",
    )
    path = write_issue(config, "huge", "title: T\n" + "# padding\n" * 120_000)
    with pytest.raises(ComposeError, match="an issue file holds at most 1,048,576"):
        compose_issue(config, "huge")
    assert path.exists()
