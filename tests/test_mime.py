from email import message_from_bytes, policy

from publisher.render.mime import MAX_LINE_OCTETS, alternative, encode_part, encoded_size

VI = "Hai cơ quan làm công tác dân tộc chụp ảnh lưu niệm. " * 40


def test_text_part_first_then_html():
    message = alternative("Xin chào", "<p>Xin chào</p>")
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    types = [p.get_content_type() for p in parsed.iter_parts()]
    assert types == ["text/plain", "text/html"]
    assert parsed.get_content_type() == "multipart/alternative"


def test_8bit_when_offered_and_lines_fit():
    text = (VI[:500] + "\n") * 5
    assert encode_part(text, "plain", eight_bit=True)["Content-Transfer-Encoding"] == "8bit"
    without = encode_part(text, "plain", eight_bit=False)["Content-Transfer-Encoding"]
    assert without in ("quoted-printable", "base64")


def test_long_lines_never_go_8bit():
    part = encode_part(VI, "html", eight_bit=True)
    assert part["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
    for line in part.as_bytes().split(b"\n"):
        assert len(line) <= MAX_LINE_OCTETS


def test_smallest_encoding_wins_and_round_trips():
    part = encode_part(VI, "plain", eight_bit=False)
    qp = len(encode_part("a\n", "plain", eight_bit=False).as_bytes())
    assert qp > 0
    assert part.get_content().strip() == VI.strip()
    # base64 is about 4/3 of the UTF-8 size; Vietnamese under QP grows more, so base64 wins.
    assert part["Content-Transfer-Encoding"] == "base64"


def test_ascii_is_7bit_and_size_counts_encoded_bytes():
    assert encode_part("hello\n", "plain", eight_bit=True)["Content-Transfer-Encoding"] == "7bit"
    assert encoded_size("a" * 10, "<p>b</p>") < encoded_size(VI, "<p>b</p>", eight_bit=False)
