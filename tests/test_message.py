"""Messages: compiled once, filled per recipient, parsed back with the email package."""

from __future__ import annotations

import html
from email import message_from_bytes, policy

import pytest

from publisher.config import load_config
from publisher.errors import ConfigError
from publisher.mail.built import load_built_issue
from publisher.mail.headers import HeaderError, encoded_words, unstructured
from publisher.mail.message import CompiledMessage, MessageSettings, Recipient
from publisher.mail.transports.smtp import dot_stuff
from publisher.render.mime import alternative
from tests.mailkit import HTML, SUBJECT, TEXT, make_build, write_settings

TOKEN = "tok-EN_123abc"
URL = f"https://news.example.org/unsubscribe/{TOKEN}"


def compiled(project, *, eight_bit=True, test=False, **build):
    write_settings(project)
    make_build(project, **build)
    config = load_config(project)
    built = load_built_issue(config, "so-1")
    settings = MessageSettings.from_config(config)
    return CompiledMessage(built, settings, eight_bit=eight_bit, test=test)


def parse(data: bytes):
    return message_from_bytes(data, policy=policy.default)


def content(part) -> str:
    """A part's decoded text with the wire's CRLF line ends as Python's newlines."""
    return part.get_content().replace("\r\n", "\n")


def filled(template: str, name: str, email: str, url: str, escape=False) -> str:
    values = (name, email, url)
    if escape:
        values = tuple(html.escape(v, quote=True) for v in values)
    out = template
    for token, value in zip(("NAME", "EMAIL", "UNSUBSCRIBE_URL"), values, strict=True):
        key = f"%%{'SUBSCRIBER_' if token != 'UNSUBSCRIBE_URL' else ''}{token}%%"
        out = out.replace(key, value)
    return out


@pytest.mark.parametrize("eight_bit", [True, False])
def test_headers_parts_and_personalisation(project, eight_bit):
    message = compiled(project, eight_bit=eight_bit)
    name = "Lê Văn <b>&</b>"  # greeted by the given name (the last word in Vietnamese)
    data = message.render(Recipient("le@example.org", name, TOKEN))
    assert b"\n" not in data.replace(b"\r\n", b"")
    parsed = parse(data)
    assert parsed["Subject"] == SUBJECT
    assert "=?utf-8?b?" in data.split(b"\r\n\r\n")[0].decode("ascii")
    assert parsed["From"].addresses[0].display_name == "Bản tin Dân tộc"
    assert parsed["From"].addresses[0].addr_spec == "bantin@news.example.org"
    assert parsed["To"].addresses[0].display_name == name
    assert parsed["To"].addresses[0].addr_spec == "le@example.org"
    assert parsed["Reply-To"] == "toasoan@news.example.org"
    assert parsed["List-Id"] == "Ban Dân tộc <ban-tin.news.example.org>"
    assert parsed["List-Unsubscribe"] == (
        f"<{URL}>, <mailto:unsubscribe@news.example.org?subject=unsubscribe-{TOKEN}>"
    )
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["Date"].datetime.tzinfo is not None
    assert parsed["Message-ID"] == message.message_id("le@example.org")
    assert parsed.get_content_type() == "multipart/alternative"
    text, rich = parsed.iter_parts()
    assert (text.get_content_type(), rich.get_content_type()) == ("text/plain", "text/html")
    expected_text = filled(TEXT, "<b>&</b>", "le@example.org", URL)
    expected_html = filled(HTML, "<b>&</b>", "le@example.org", URL, escape=True)
    assert content(text) == expected_text
    assert content(rich) == expected_html
    assert "Xin chào &lt;b&gt;&amp;&lt;/b&gt;," in content(rich)
    assert f'href="{URL}"' in content(rich)
    # The same choice of encodings as the email package makes for the filled parts.
    reference = alternative(expected_text, expected_html, eight_bit=eight_bit)
    for ours, theirs in zip(parsed.iter_parts(), reference.iter_parts(), strict=True):
        assert ours["Content-Transfer-Encoding"] == theirs["Content-Transfer-Encoding"]
        assert content(ours) == content(theirs)
    ctes = {p["Content-Transfer-Encoding"] for p in parsed.iter_parts()}
    assert ctes == ({"8bit"} if eight_bit else {"base64"})


def test_message_id_is_stable_and_per_recipient(project):
    message = compiled(project)
    one = message.message_id("a@example.org")
    assert (
        one == message.message_id("A@example.org") == compiled(project).message_id("a@example.org")
    )
    assert one != message.message_id("b@example.org")
    assert one.startswith("<") and one.endswith("@news.example.org>")


def test_test_send_subject_and_empty_name_fallback(project):
    message = compiled(project, test=True)
    parsed = parse(message.render(Recipient("x@example.org", "", TOKEN)))
    assert parsed["Subject"] == "[TEST] " + SUBJECT
    assert parsed["To"] == "x@example.org"
    text = content(next(parsed.iter_parts()))
    assert text.startswith("Xin chào bạn,")


@pytest.mark.parametrize(
    "recipient",
    [
        Recipient("a@example.org", "Evil\r\nBcc: victim@example.org", TOKEN),
        Recipient("a@example.org", "Evil\nBcc: x@example.org", TOKEN),
        Recipient("a@example.org\r\nBcc: x@example.org", "A", TOKEN),
        Recipient("a@example.org", "A", "tok\r\nX-Evil: 1"),
    ],
)
def test_line_breaks_in_header_values_are_refused(project, recipient):
    with pytest.raises(HeaderError):
        compiled(project).render(recipient)


def test_line_breaks_in_the_built_subject_are_refused(project):
    make_build(project)
    path = project / "build" / "so-1" / "manifest.json"
    path.write_text(path.read_text().replace("số 1:", "số 1\\r\\nBcc: x@y.org"), "utf-8")
    write_settings(project)
    config = load_config(project)
    with pytest.raises(HeaderError):
        CompiledMessage(
            load_built_issue(config, "so-1"), MessageSettings.from_config(config), eight_bit=True
        )


def test_ascii_template_with_a_vietnamese_name(project):
    text = "Hello %%SUBSCRIBER_NAME%%\nBye %%UNSUBSCRIBE_URL%%\n"
    for eight_bit, cte in ((True, "8bit"), (False, "quoted-printable")):
        message = compiled(project, eight_bit=eight_bit, text=text, html="<p>%%SUBSCRIBER_NAME%%")
        parsed = parse(message.render(Recipient("a@example.org", "Đặng", TOKEN)))
        plain, rich = parsed.iter_parts()
        assert plain["Content-Transfer-Encoding"] == cte
        assert content(plain) == f"Hello Đặng\nBye {URL}\n"
        assert content(rich) == "<p>Đặng\n"
        plain = parse(message.render(Recipient("a@example.org", "Dang", TOKEN))).get_payload(0)
        assert plain["Content-Transfer-Encoding"] == "7bit"


def test_a_value_that_would_overflow_an_8bit_line_switches_that_part(project):
    text = "x" * 900 + "%%SUBSCRIBER_NAME%%\nÂ\n"
    message = compiled(project, text=text)
    short = parse(message.render(Recipient("a@example.org", "An", TOKEN))).get_payload(0)
    assert short["Content-Transfer-Encoding"] == "8bit"
    long = parse(message.render(Recipient("a@example.org", "Ă" * 100, TOKEN))).get_payload(0)
    assert long["Content-Transfer-Encoding"] == "quoted-printable"
    assert content(long) == "x" * 900 + "Ă" * 100 + "\nÂ\n"


def test_encoded_words_stay_short_and_decode():
    name = "Nguyễn Thị Phương Thảo Đặng Hoàng Bảo Ngọc " * 3
    words = encoded_words(name)
    assert all(len(w.strip()) <= 75 for w in words.split("\r\n"))
    assert str(parse(f"Subject: {words}\r\n\r\n".encode()).get("Subject")) == name


def test_header_lines_with_encoded_words_stay_within_76_characters(project):
    # RFC 2047: a line holding an encoded word, its header's name included, is 76 at most.
    long = "Bản tin Ví dụ: xe buýt điện, mùa lúa sớm, thư viện trên xe và hội sách mùa thu " * 2
    message = compiled(project)
    message._subject = "Subject: " + unstructured("Subject", long)
    data = message.render(Recipient("a@example.org", "Nguyễn Thị Phương Thảo Đặng Hoàng", TOKEN))
    head = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    for line in head.split("\r\n"):
        if "=?utf-8?" in line:
            assert len(line) <= 76, line
    parsed = parse(data)
    assert str(parsed["Subject"]) == long
    assert str(parsed["To"]) == "Nguyễn Thị Phương Thảo Đặng Hoàng <a@example.org>"


def test_settings_are_checked(project):
    (project / "publisher.toml").write_text(
        '[send]\nunsubscribe_url = "http://x.org/u"\nunsubscribe_mailto = "u@x.org"\n'
    )
    with pytest.raises(ConfigError) as error:
        MessageSettings.from_config(load_config(project))
    assert "https:// URL containing {token}" in str(error.value)
    write_settings(project, "")
    (project / "publisher.toml").write_text(
        '[send]\nunsubscribe_url = "https://x.org/u/{token}"\nunsubscribe_mailto = "u@x.org"\n'
    )
    settings = MessageSettings.from_config(load_config(project))
    assert settings.unsubscribe_mailto == "mailto:u@x.org?subject=unsubscribe%20{token}"


@pytest.mark.parametrize("eight_bit", [True, False])
@pytest.mark.parametrize("name", [".Dot", "", "..", "Ann"])
def test_dot_stuffing_gives_what_an_smtp_server_unstuffs(project, eight_bit, name):
    name_token = "%%SUBSCRIBER_NAME%%"
    text = f".start\n{name_token}.x\n{name_token}\n{name_token}.{name_token}\n"
    message = compiled(
        project, eight_bit=eight_bit, text=text + "đ\n", html=".<p>%%SUBSCRIBER_NAME%%</p>"
    )
    message.fallback = ""
    recipient = Recipient("a@example.org", name, TOKEN)
    plain = message.render(recipient)
    stuffed = dot_stuff(plain)
    assert stuffed.endswith(b"\r\n.\r\n")
    lines = stuffed.removesuffix(b".\r\n").split(b"\r\n")
    assert all(not line.startswith(b".") or line.startswith(b"..") for line in lines)
    unstuffed = b"\r\n".join(line[1:] if line.startswith(b".") else line for line in lines)
    assert unstuffed == plain


def test_quoted_printable_parts_are_filled_without_reencoding_the_template(project):
    # One long line of markup (as minified HTML has) rules out 8bit: quoted-printable wins.
    long_line = '<td style="padding:0px">Tin vắn. </td>' * 60
    rich = (
        f"<p>Xin chào %%SUBSCRIBER_NAME%% </p>{long_line}\n.%%SUBSCRIBER_NAME%%\n"
        '<a href="%%UNSUBSCRIBE_URL%%">x</a>\n'
    )
    message = compiled(project, html=rich)
    assert message.html.cte == "quoted-printable"
    for name in ("<b>&</b>Hoà", ".Dot", "An=B=="):  # one word each: greeted as they are
        data = message.render(Recipient("a@example.org", name, TOKEN))
        part = parse(data).get_payload(1)
        assert part["Content-Transfer-Encoding"] == "quoted-printable"
        assert content(part) == filled(rich, name, "a@example.org", URL, escape=True)
        assert all(len(line) <= 76 for line in part.get_payload().splitlines())


@pytest.mark.parametrize(
    ("name", "language", "given"),
    [
        ("Nguyễn Văn An", "vi", "An"),
        ("  Trần   Thị Minh Khai ", "vi", "Khai"),
        ("Jane Smith", "en", "Jane"),
        ("Jane Smith", "en-GB", "Jane"),
        ("Tanaka Hiroshi", "ja", "Hiroshi"),
        ("", "vi", ""),
    ],
)
def test_a_greeting_uses_the_given_name(name, language, given):
    from publisher.mail.message import given_name

    assert given_name(name, language) == given
