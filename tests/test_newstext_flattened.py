"""Articles saved with their figures and credits flattened into the text: captions between two
sentences, a stock photo's note opening the text, the credits glued after the last sentence, and
reader comments under an ornamented heading. The whole shapes are fixtures
(``vi_flattened_figures``, ``en_blog_comments``); these are the edges."""

import pytest

from publisher.importers.newstext.boiler import is_comments_heading
from publisher.importers.newstext.bylines import parse_byline
from publisher.importers.newstext.captions import Caption, parse_caption, split_inline_figures
from tests.newstext_support import imported

LONG = (
    "Người dân trong xã đã quen với việc phân loại rác tại nhà từ hai năm nay, và tổ "
    "thu gom đến vào mỗi sáng thứ hai, thứ tư và thứ sáu."
)


def test_a_credit_between_two_sentences_takes_the_sentence_before_it_as_its_caption():
    text = f"{LONG} Tổ thu gom rác của xã. Ảnh: Minh Khoa. Xã dự kiến mua thêm hai xe mới."
    assert split_inline_figures(text) == [
        LONG,
        Caption("Tổ thu gom rác của xã.", "Minh Khoa"),
        "Xã dự kiến mua thêm hai xe mới.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        # A source cited inside a sentence, before its full stop.
        f"{LONG} Số hộ tham gia tăng 20% (nguồn: UBND xã). Xã dự kiến mua thêm hai xe mới.",
        # A label and colon starting a sentence that goes on.
        f"{LONG} Ảnh: những bức ảnh cũ của xã được trưng bày ở nhà văn hoá, ai cũng xem được",
        # A credit with nothing after it: the tail rule's, not a caption in the middle.
        f"{LONG} Ảnh: Minh Khoa.",
    ],
)
def test_what_is_not_a_caption_inside_a_paragraph(text):
    assert split_inline_figures(text) is None


@pytest.mark.parametrize(
    ("opening", "credit"),
    [
        ("Ảnh minh họa. Nguồn: VTV", "VTV"),
        ("Ảnh minh họa - Internet", "Internet"),
        ("Ảnh minh hoạ, nguồn internet", "internet"),
    ],
)
def test_a_stock_photo_s_note_opening_the_text(opening, credit):
    pieces = split_inline_figures(f"{opening} {LONG}")
    assert pieces == [Caption(opening.split(" - ")[0].split(".")[0].split(",")[0], credit), LONG]


def test_a_writer_and_an_outlet_after_theo():
    found = parse_byline("Theo Mai Anh / Nhịp Sống", "vi")
    assert found is not None and (found.authors, found.source) == (["Mai Anh"], "Nhịp Sống")
    found = parse_byline("Theo Dân trí/Infonet", "vi")  # two outlets
    assert found is not None and (found.authors, found.source) == ([], "Dân trí/Infonet")


@pytest.mark.parametrize(
    ("tail", "authors", "source"),
    [
        ("Hòa Bình (theo Sputnik)", ("Hòa Bình",), "Sputnik"),
        ("Minh Quang -", ("Minh Quang",), ""),
        ("Thu Trang/VOV.VN Theo Kyodo", ("Thu Trang",), "VOV.VN"),
    ],
)
def test_credits_glued_after_the_last_sentence(tail, authors, source):
    article = imported(f"Xã mua thêm xe thu gom rác\n\nMở đầu bài viết.\n\n{LONG} {tail}\n").article
    assert (article.authors, article.source) == (authors, source)
    assert article.paragraphs == (LONG,)


def test_a_last_sentence_without_a_full_stop_is_not_a_credit():
    text = f"Giá vé xe buýt mới\n\nMở đầu bài viết.\n\n{LONG} Giá vé từ 7.000 đồng/lượt\n"
    article = imported(text).article
    assert article.authors == () and article.paragraphs[-1].endswith("đồng/lượt")


@pytest.mark.parametrize("line", ["!@#$%^&*()  COMMENTS", "*** Comments (12)", "— Bình luận —"])
def test_an_ornamented_comments_heading(line):
    assert is_comments_heading(line)


def test_a_sentence_about_comments_is_no_heading():
    assert not is_comments_heading("Comments from readers poured in after the vote.")


@pytest.mark.parametrize(
    ("middle", "caption", "credit"),
    [
        ("Đám cháy thiêu rụi tòa nhà 27 tầng. Ảnh: Reuters", "Đám cháy thiêu rụi tòa nhà 27 tầng.",
         "Reuters"),
        ("Khảo sát thực địa tại hiện trường. Ảnh: CTV", "Khảo sát thực địa tại hiện trường.",
         "CTV"),
        ("Ông Hai đàn cho ca sĩ hát. Ảnh: Nhân vật cung cấp", "Ông Hai đàn cho ca sĩ hát.",
         "Nhân vật cung cấp"),
        ("Võ sư từng thua tại Hà Nội năm 2009. (nguồn ICI Radio-Canada)",
         "Võ sư từng thua tại Hà Nội năm 2009.", "ICI Radio-Canada"),
    ],
)  # fmt: skip
def test_credits_without_a_full_stop_that_cannot_run_on(middle, caption, credit):
    pieces = split_inline_figures(f"{LONG} {middle} Trong khi đó, xã mua thêm xe.")
    assert pieces == [LONG, Caption(caption, credit), "Trong khi đó, xã mua thêm xe."]


def test_a_name_without_a_full_stop_after_the_credit_is_not_cut():
    # ``Ảnh: Hoàng Hà Cụ thể …``: where the name ends cannot be told; the text stays.
    assert (
        split_inline_figures(f"{LONG} Xe mới của xã. Ảnh: Hoàng Hà Cụ thể, xã mua hai xe.") is None
    )


@pytest.mark.parametrize(
    ("tail", "authors", "source"),
    [
        ("M.Q", ("M.Q",), ""),
        ("Q.H (Tổng hợp từ ICI Radio-Canada)", ("Q.H",), "ICI Radio-Canada"),
        ("VnExpress", (), "VnExpress"),
    ],
)
def test_initials_outlets_and_compiled_from_after_the_last_sentence(tail, authors, source):
    article = imported(f"Xã mua thêm xe thu gom rác\n\nMở đầu bài viết.\n\n{LONG} {tail}\n").article
    assert (article.authors, article.source) == (authors, source)
    assert article.paragraphs == (LONG,)


def test_a_collected_mark_glued_to_the_end_is_dropped():
    result = imported(f"Sống cho hôm nay\n\nMở đầu bài viết.\n\n{LONG} St\n")
    assert result.article.paragraphs == (LONG,)
    assert any("compiled from other sources" in w for w in result.warnings)


def test_a_paragraph_ending_with_its_source_is_no_caption():
    text = f"{LONG} {LONG} Nguồn: Bộ Tài nguyên và Môi trường"
    assert parse_caption(text) is None


@pytest.mark.parametrize(
    ("middle", "caption", "credit"),
    [
        ("Bị cáo tại phiên tòa. Ảnh: C.T.V.", "Bị cáo tại phiên tòa.", "C.T.V"),
        ("Hiện trường vụ việc. Ảnh: Q.T", "Hiện trường vụ việc.", "Q.T"),
        ("Người bị lừa lại chính là ta (Ảnh minh họa)", "Người bị lừa lại chính là ta",
         "Ảnh minh họa"),
        ("Anh là người đầu tiên cô nhớ đến. Ảnh minh họa", "", "Ảnh minh họa"),
    ],
)  # fmt: skip
def test_initials_and_stock_photo_notes_inside_a_paragraph(middle, caption, credit):
    pieces = split_inline_figures(f"{LONG} {middle} Theo người nhà, xã mua thêm xe.")
    assert pieces is not None and Caption(caption, credit) in pieces
    assert pieces[-1] == "Theo người nhà, xã mua thêm xe."


def test_a_standfirst_quoted_again_in_the_text_stays_the_lead():
    standfirst = "Đôi khi những gì chúng ta nhìn thấy lại không phải là sự thật."
    article = imported(
        f"Cái kết cho kẻ nói dối\n{standfirst}\n"
        f"Một nữ tu xin đi nhờ xe và gặp được tài xế tốt bụng. Bài học rút ra: {standfirst} "
        "Và đôi khi người bị lừa lại chính là ta.\n"
    ).article
    assert article.lead == standfirst


def test_a_photo_credit_in_brackets_closes_its_caption_without_a_full_stop():
    text = (
        f"{LONG} Chị Xuyến rất sợ hãi sau khi bị hắt chất bẩn (Ảnh Vietnamnet) Ngay sau đó, PV đến."
    )
    assert split_inline_figures(text) == [
        LONG,
        Caption("Chị Xuyến rất sợ hãi sau khi bị hắt chất bẩn", "Vietnamnet"),
        "Ngay sau đó, PV đến.",
    ]
    cited = f"{LONG} Số hộ tham gia tăng 20% (Nguồn: UBND xã) Ngay sau đó, xã mua thêm xe."
    assert split_inline_figures(cited) is None


def test_a_related_headline_in_brackets_between_sentences_is_dropped():
    result = imported(
        "Tìm thấy xác máy bay\n\nMở đầu bài viết.\n\n"
        f"{LONG} [Máy bay quân sự chở 116 người bị mất tích] Hãng tin dẫn thêm một nguồn.\n"
    )
    assert result.article.paragraphs == (f"{LONG} Hãng tin dẫn thêm một nguồn.",)
    assert any("headline in brackets" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("middle", "caption", "credit"),
    [
        ("Video tổng hợp về đội bóng (nguồn VTV):", "Video tổng hợp về đội bóng", "VTV"),
        ("Ông nói tại Istanbul. Ảnh minh họa: AP", "Ảnh minh họa", "AP"),
    ],
)
def test_a_video_s_source_in_brackets_and_a_stock_photo_s_credit(middle, caption, credit):
    pieces = split_inline_figures(f"{LONG} {middle} Theo ông, hai bên sẽ gặp lại.")
    assert pieces is not None and Caption(caption, credit) in pieces
    assert pieces[-1] == "Theo ông, hai bên sẽ gặp lại."
