"""The email: structure, article details, tokens, excerpts, themes and error reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from publisher.errors import RenderError
from publisher.model import Section
from publisher.render.email import line_column, mjml_to_html
from publisher.render.issue import render_issue
from publisher.render.markup import to_html
from publisher.render.theme import load_theme
from tests.sample_issue import article, entry, issue_of, sample_issue

SEED_URL = "https://news.example.org/issues/so-12/tang-cuong-giao-luu-trao-doi-kinh-nghiem/"


@pytest.fixture(scope="module")
def rendered():
    return render_issue(sample_issue())


def doc(html: str):
    return lxml_html.document_fromstring(html)


def test_head_language_title_preheader_and_dark_mode(rendered):
    html = rendered.email_html
    assert html.startswith('<!doctype html>\n<html lang="vi"')
    tree = doc(html)
    assert tree.findtext(".//title") == "Bản tin số 12: giao lưu và kinh nghiệm"
    hidden = [d for d in tree.iter("div") if "display:none" in d.get("style", "")]
    assert hidden[0].text_content() == "Ban Dân tộc Hà Nội giao lưu với Thanh Hóa, và hai tin khác."
    metas = {m.get("name"): m.get("content") for m in tree.iter("meta")}
    assert metas["color-scheme"] == "light dark"
    assert "@media (prefers-color-scheme: dark)" in html
    # premailer must keep !important in the media queries it leaves alone
    dark_rules = html.split("@media (prefers-color-scheme: dark)")[1].split("</style>")[0]
    assert "!important" in dark_rules
    assert "max-width:600px" in html


def test_no_remote_fonts_or_stylesheets(rendered):
    html = rendered.email_html
    assert "fonts.googleapis" not in html
    assert "@import" not in html
    assert "<link" not in html


def test_article_kicker_title_link_date_byline(rendered):
    tree = doc(rendered.email_html)
    links = [a for a in tree.iter("a") if a.get("href") == SEED_URL]
    assert "Tăng cường giao lưu, trao đổi kinh nghiệm" in [a.text_content() for a in links]
    text = tree.text_content()
    assert "Ban Dân tộc Hà Nội" in text
    assert "Thứ Bảy, 12/08/2017 · Khánh Phong và Nhật Minh · PL&XH" in text
    for keyword in ("dân tộc", "Hà Nội", "Thanh Hóa"):
        assert keyword in [s.text for s in tree.find_class("pb-tag")]


def test_figures_caption_credit_and_alt_text(rendered):
    tree = doc(rendered.email_html)
    images = {img.get("src"): img.get("alt") for img in tree.iter("img")}
    # a project path is published beside the web edition; the caption stands in for no alt
    local = "https://news.example.org/issues/so-12/images/giao-luu.jpg"
    assert images[local] == "Hai cơ quan làm công tác dân tộc chụp ảnh lưu niệm."
    assert images["https://cdn.example.org/anh/hoi-nghi.jpg"] == "Hội trường buổi giao lưu"
    captions = [c.text_content() for c in tree.find_class("pb-caption")]
    assert "Hai cơ quan làm công tác dân tộc chụp ảnh lưu niệm. Ảnh: Kim Nhung" in captions


def test_footer_address_browser_and_unsubscribe_tokens(rendered):
    html = rendered.email_html
    tree = doc(html)
    hrefs = [a.get("href") for a in tree.iter("a")]
    assert "%%UNSUBSCRIBE_URL%%" in hrefs
    assert "https://news.example.org/issues/so-12/" in hrefs
    assert 'href="%%UNSUBSCRIBE_URL%%"' in html  # verbatim, not percent-encoded
    assert "%%SUBSCRIBER_NAME%%" in html and "%%SUBSCRIBER_EMAIL%%" in html
    assert "12 Phố Ví Dụ, Hoàn Kiếm, Hà Nội, Việt Nam" in tree.text_content()


def test_english_issue_uses_english_words_and_dates():
    art = article("en-1", title="An example", language="en", figures=(), kicker="World")
    art = art.with_(figures=(sample_issue().entries[0].article.figures[0],))
    issue = issue_of(Section("World", (entry(art, excerpt="full"),)), language="en")
    text = doc(render_issue(issue).email_html).text_content()
    assert "Saturday, 12 August 2017" in text
    assert "Photo: Kim Nhung" in text
    assert "Unsubscribe" in text


def excerpt_text(excerpt) -> str:
    art = article(
        "x",
        lead="Lead words here.",
        paragraphs=("one two three four five six seven eight nine ten", "Last paragraph."),
    )
    issue = issue_of(Section("S", (entry(art, excerpt=excerpt),)))
    return doc(render_issue(issue).email_html).text_content()


def test_excerpt_modes():
    full = excerpt_text("full")
    assert "Last paragraph." in full and "Đọc tiếp" not in full
    lead = excerpt_text("lead")
    assert "Lead words here." in lead and "one two" not in lead and "Đọc tiếp" in lead
    words = excerpt_text(11)
    assert "one two three four five six seven eight…" in words
    assert "nine" not in words and "Last paragraph." not in words


def test_entry_without_images():
    issue = sample_issue()
    first = issue.sections[0]
    quiet = first.entries[0].__class__(**{**vars(first.entries[0]), "image": False})
    issue = issue_of(Section(first.title, (quiet,)))
    assert "<img" not in render_issue(issue).email_html


def test_markdown_becomes_well_formed_html():
    art = article("md", lead="a < b & c > d, *em*, [link](https://example.org/?a=1&b=2)")
    html = render_issue(issue_of(Section("S", (entry(art),)))).email_html
    assert "a &lt; b &amp; c &gt; d" in html
    assert '<a href="https://example.org/?a=1&amp;b=2"' in html


MARKDOWN_BITS = [
    "*", "_", "`", "[", "](", ")", "<", ">", "&", "&amp;", "&#0;", "&#x1;", '"', "'", "\n",
    "\n\n", "  \n", "- ", "1. ", "> ", "```", "<b>", "http://x.org/?a&b", "<http://x.org/>",
    "&nbsp;", "\x01", "\x0b", "\ufffe", "#", "***", "    ",
]  # fmt: skip
any_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=300)
@given(st.lists(st.one_of(any_text, st.sampled_from(MARKDOWN_BITS)), max_size=25).map("".join))
def test_any_markdown_becomes_well_formed_xml(markdown):
    fragment = to_html(markdown)
    etree.fromstring(f"<div>{fragment}</div>".encode())  # raises on anything ill-formed


def test_digest_theme_looks_different(rendered):
    digest = render_issue(sample_issue(theme="digest")).email_html
    tree = doc(digest)
    assert tree.find_class("pb-band") and tree.find_class("pb-contents")
    assert not doc(rendered.email_html).find_class("pb-band")
    assert "%%UNSUBSCRIBE_URL%%" in digest


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_project_overrides_one_file(tmp_path):
    write(
        tmp_path / "default/partials/section.mjml",
        "<mj-section><mj-column><mj-text>Mục riêng: {{ section.title }}</mj-text></mj-column>"
        "</mj-section>\n",
    )
    write(tmp_path / "default/theme.toml", '[colors]\naccent = "#123456"\n')
    html = render_issue(sample_issue(), tmp_path).email_html
    assert "Mục riêng: Thời sự" in html
    assert "#123456" in html
    assert "Tăng cường giao lưu" in html  # everything else still comes from the package


def test_invalid_theme_settings_are_all_reported(tmp_path):
    write(
        tmp_path / "default/theme.toml",
        '[colors]\naccent = "red"\n[fonts]\nbody = "Arial; } body { x"\n[bogus]\na = 1\n',
    )
    with pytest.raises(RenderError) as info:
        render_issue(sample_issue(), tmp_path)
    problems = "\n".join(info.value.problems)
    assert "colors.accent" in problems and "fonts.body" in problems and "bogus" in problems


@pytest.mark.parametrize("name", ["../default", "nope", "Default"])
def test_unknown_or_unsafe_theme_names(name):
    with pytest.raises(RenderError):
        load_theme(name)


def test_template_error_names_file_and_line(tmp_path):
    path = write(tmp_path / "default/partials/section.mjml", "<mj-section>\n\n{{ nope }}\n")
    with pytest.raises(RenderError) as info:
        render_issue(sample_issue(), tmp_path)
    assert info.value.where == f"{path}:3"
    assert "nope" in info.value.message


def test_template_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path / "default/partials/footer.mjml", "\n{% if %}\n")
    with pytest.raises(RenderError) as info:
        render_issue(sample_issue(), tmp_path)
    assert info.value.where == f"{path}:2"


def test_byte_offsets_become_line_and_column():
    text = "ảnh\nđây là <x>"
    offset = text.encode("utf-8").index(b"<x>")
    assert line_column(text, offset) == (2, 8)


def char_position(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


@pytest.mark.parametrize(
    ("broken", "culprit"),
    [
        # mjml-python reports this one with a byte offset (at the tag it cannot place)
        ("</mj-section>", "</mj-body>"),
        # and this one without any position: the XML parse finds it
        ("<mj-text a=b>unquoted</mj-text>", "b>unquoted"),
    ],
)
def test_mjml_errors_name_line_and_column(broken, culprit):
    theme = load_theme("default")
    source = (
        "<mjml><mj-body>\n<mj-section><mj-column>\n<mj-text>Tiếng Việt có dấu</mj-text>\n"
        f"<mj-text>đây là</mj-text>{broken}\n</mj-column></mj-section></mj-body></mjml>"
    )
    with pytest.raises(RenderError) as info:
        mjml_to_html(source, theme)
    found = tuple(map(int, re.search(r"line (\d+), column (\d+)", info.value.where).groups()))
    assert found == char_position(source, source.index(culprit))


def test_mj_include_is_sandboxed(tmp_path):
    theme = load_theme("default", tmp_path)
    for path in ("../../../../etc/passwd", "/etc/passwd", "partials/../../x.mjml"):
        source = f'<mjml><mj-body><mj-include path="{path}" /></mj-body></mjml>'
        with pytest.raises(RenderError, match=r"outside the theme|not found"):
            mjml_to_html(source, theme)
    write(tmp_path / "default/partials/hello.mjml", "<mj-section><mj-column><mj-text>xin chào"
          "</mj-text></mj-column></mj-section>")  # fmt: skip
    theme = load_theme("default", tmp_path)
    source = '<mjml><mj-body><mj-include path="partials/hello.mjml" /></mj-body></mjml>'
    assert "xin chào" in mjml_to_html(source, theme)


def test_remote_fonts_only_when_the_theme_asks(tmp_path):
    write(
        tmp_path / "default/theme.toml",
        "[fonts]\nbody = \"'Be Vietnam Pro', Arial, sans-serif\"\n"
        '[fonts.import]\n"Be Vietnam Pro" = "https://fonts.example.org/be-vietnam-pro.css"\n',
    )
    html = render_issue(sample_issue(), tmp_path).email_html
    assert "https://fonts.example.org/be-vietnam-pro.css" in html


@pytest.mark.parametrize("theme", ["default", "digest"])
def test_an_article_in_another_language_is_marked_with_lang(theme):
    from dataclasses import replace

    from lxml import html as lxml_html

    from tests.sample_issue import sample_issue

    result = render_issue(replace(sample_issue(), theme=theme))
    document = lxml_html.document_fromstring(result.email_html)
    title = next(e for e in document.iter("a") if e.text == "Volunteers clean up the river banks")
    assert any(a.get("lang") == "en" for a in title.iterancestors())
    body = [e for e in document.iter("p") if "Hundreds of volunteers" in (e.text or "")]
    assert body and all(any(a.get("lang") == "en" for a in p.iterancestors()) for p in body)
    vietnamese = next(e for e in document.iter("a") if e.text == "Mưa lớn ở vùng núi phía Bắc")
    assert all(a.get("lang") in (None, "vi") for a in vietnamese.iterancestors())
