"""Untrusted article text comes out as inert text in the email, the text part and the print."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from publisher.model import Figure, Section
from publisher.render.issue import render_issue
from publisher.text import clean
from tests.sample_issue import article, entry, issue_of

PAYLOADS = {
    "html": "<b>bold</b> <a href='https://evil.example/'>x</a>",
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "attribute": '" onmouseover="alert(1)',
    "jinja": "{{ 7 * 7 }} {% if true %}yes{% endif %} {# c #}",
    "mjml": '<mj-raw><p class="x">raw</p></mj-raw></mj-text><mj-include path="/etc/passwd" />',
    "crlf": "first\r\nSubject: injected\rthird\nfourth",
    "token": "%%UNSUBSCRIBE_URL%% %%SUBSCRIBER_EMAIL%%",
}


def hostile_issue(payload: str):
    art = article(
        "hostile",
        title=f"Title {payload}",
        kicker=f"Kicker {payload}",
        source=f"Source {payload}",
        authors=(f"Author {payload}",),
        lead=f"Lead {payload}",
        paragraphs=(f"Body {payload}",),
        figures=(
            Figure(
                src="images/a.jpg",
                alt=f"Alt {payload}",
                caption=f"Caption {payload}",
                credit=f"Credit {payload}",
            ),
        ),
        keywords=(f"Keyword {payload}",),
        glossary={"ABC": f"Glossary {payload}"},
    )
    return issue_of(Section("S", (entry(art, excerpt="full"),)))


@pytest.fixture(scope="module")
def baseline():
    return render_issue(hostile_issue("plain"))


def elements(html: str):
    return list(lxml_html.document_fromstring(html).iter())


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_payload_is_inert_everywhere(name, baseline):
    payload = PAYLOADS[name]
    rendered = render_issue(hostile_issue(payload))
    pairs = [(rendered.email_html, baseline.email_html), (rendered.print_html, baseline.print_html)]
    for html, base in pairs:
        found = elements(html)
        # no element or attribute came from the payload: the same tags as a harmless article
        assert sorted(e.tag for e in found if isinstance(e.tag, str)) == sorted(
            e.tag for e in elements(base) if isinstance(e.tag, str)
        )
        for element in found:
            assert not any(a.startswith("on") for a in element.attrib)
        text = lxml_html.document_fromstring(html).text_content().replace("\u200b", "")
        # the payload reads back as the very characters the article holds
        assert f"Title {clean(payload)}" in text
        assert f"Body {payload.replace(chr(13), '')}".split("\n")[0] in text
    flowing = " ".join(rendered.email_txt.replace("\u200b", "").split())
    assert f"Title {clean(payload)}" in flowing
    for part in (rendered.email_html, rendered.email_txt, rendered.print_html):
        assert "\r" not in part
    # in the text part a line break in an article field never starts a line of its own
    assert "\nSubject: injected" not in rendered.email_txt


def test_tokens_typed_into_an_article_are_never_filled(baseline):
    rendered = render_issue(hostile_issue(PAYLOADS["token"]))
    for part, base in (
        (rendered.email_html, baseline.email_html),
        (rendered.email_txt, baseline.email_txt),
    ):
        for token in ("%%UNSUBSCRIBE_URL%%", "%%SUBSCRIBER_EMAIL%%"):
            assert part.count(token) == base.count(token)  # only the footer's own
