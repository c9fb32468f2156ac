"""The news-text importer's rules one by one: bylines, source tags, captions, lines, encodings."""

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.errors import InputError
from publisher.importers.base import Source, decode
from publisher.importers.newstext import NewsTextImporter
from publisher.importers.newstext.boiler import is_widget, keyword_line
from publisher.importers.newstext.bylines import parse_bare_name, parse_byline
from publisher.importers.newstext.captions import parse_caption
from publisher.importers.newstext.dates import parse_date_line
from publisher.importers.newstext.sourcetags import take_source_tag
from publisher.importers.newstext.units import split_units
from tests.newstext_support import imported


@pytest.mark.parametrize(
    ("text", "authors", "source"),
    [
        ("Khánh Phong - Nhật Minh / PL&XH", ["Khánh Phong", "Nhật Minh"], "PL&XH"),
        ("Theo VnExpress", [], "VnExpress"),
        ("Theo báo Tuổi Trẻ", [], "Tuổi Trẻ"),
        ("Minh Tuệ (T/h)", ["Minh Tuệ"], ""),
        ("Minh Tuệ (T/h) Theo Đời sống Plus", ["Minh Tuệ"], "Đời sống Plus"),
        (
            "Đỗ Quyên (Theo New York Times, Daily Beast)",
            ["Đỗ Quyên"],
            "New York Times, Daily Beast",
        ),
        ("Theo Lyn (Khám Phá)", ["Lyn"], "Khám Phá"),
        ("(Bạn đọc: Faro)", ["Faro"], ""),
        ("By Jane Doe", ["Jane Doe"], ""),
        ("By Jane Doe, Reuters", ["Jane Doe"], "Reuters"),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"], ""),
        ("By SCOTT SHANE", ["Scott Shane"], ""),
        ("By Maria Lopez, CNN", ["Maria Lopez"], "CNN"),
        ("By Ann Lee, Staff Writer", ["Ann Lee"], ""),
        ("Reporting by Jane Doe; Editing by John Roe", ["Jane Doe"], ""),
        ("Nhóm PV / VTC News", ["Nhóm PV"], "VTC News"),
    ],
)
def test_bylines(text, authors, source):
    byline = parse_byline(text, "vi")
    assert byline is not None
    assert byline.authors == authors
    assert byline.source == source


@pytest.mark.parametrize(
    "text",
    [
        "By the year 2000, half the jobs were gone.",
        "Theo đó, tân chủ nhân Nhà Trắng ngày càng giận dữ.",
        "Theo tiết lộ của New York Times, Tổng thống đã ký sắc lệnh nói trên.",
        "Trân trọng,",
        "Jose Sosa (bên trái) chính là một canh bạc thất bại.",
    ],
)
def test_not_bylines(text):
    assert parse_byline(text, "vi") is None
    assert parse_bare_name(text) is None


def test_bare_names():
    assert parse_bare_name("Hoàng Cường").authors == ["Hoàng Cường"]
    assert parse_bare_name("Lucas Massey").authors == ["Lucas Massey"]
    assert parse_bare_name("Altered images") is None


@pytest.mark.parametrize(
    ("lead", "source", "rest"),
    [
        ("(PL&XH) - Cùng với việc", "PL&XH", "Cùng với việc"),
        ("(VnMedia) -Sáng nay", "VnMedia", "Sáng nay"),
        ("AMMAN (Reuters) - Jordan opened", "Reuters", "Jordan opened"),
        ("Denver (CNN) – The council", "CNN", "The council"),
        ("(AP) HONOLULU - A $2.2 million", "AP", "A $2.2 million"),
        ("(CBS News) YOUNGSTOWN, Ohio - It was", "CBS News", "It was"),
        ("WASHINGTON, Aug 12 (Reuters) - The", "Reuters", "The"),
        ("TTO - Từ tháng 12", "TTO", "Từ tháng 12"),
        ("AFP — Officials said", "AFP", "Officials said"),
        # A place in capitals is the dateline: off the lead, and no source.
        ("WASHINGTON — The Senate on Saturday", "", "The Senate on Saturday"),
        ("HANOI - Police said", "", "Police said"),
    ],
)
def test_source_tags(lead, source, rest):
    assert take_source_tag(lead) == (source, rest)


@pytest.mark.parametrize(
    "lead",
    ["Hà Nội - Sáng nay trời mưa", "(Xem video) trên trang", "Ông A - người đứng đầu - nói"],
)
def test_not_source_tags(lead):
    assert take_source_tag(lead) is None


@pytest.mark.parametrize(
    ("line", "caption", "credit"),
    [
        (
            "Hai cơ quan chụp ảnh lưu niệm. ảnh: Kim Nhung",
            "Hai cơ quan chụp ảnh lưu niệm.",
            "Kim Nhung",
        ),
        ("Trẻ em học nặn gốm. (Ảnh: Bảo Trân)", "Trẻ em học nặn gốm.", "Bảo Trân"),
        ("Ảnh: Carscoop", "", "Carscoop"),
        ("Photo: Chris Hall", "", "Chris Hall"),
        ("(Nguồn: Cảnh Tuấn)", "", "Cảnh Tuấn"),
        (
            "A cyclist downtown. (Photo by Sam Lee/Getty Images)",
            "A cyclist downtown.",
            "Sam Lee/Getty Images",
        ),
        ("The pier at dawn. AP Photo/Kim Tran", "The pier at dawn.", "AP Photo/Kim Tran"),
        ("Chiếc thẻ đỏ. Ảnh: ESPN.", "Chiếc thẻ đỏ.", "ESPN"),
        ("Cô giáo quát học sinh. Ảnh cắt từ clip", "Cô giáo quát học sinh.", "Ảnh cắt từ clip"),
        (
            "A rural road.Al Park/Agence France-Presse — Getty ImagesA rural road in spring.",
            "A rural road.",
            "Al Park/Agence France-Presse — Getty Images",
        ),
    ],
)
def test_captions(line, caption, credit):
    found = parse_caption(line)
    assert found is not None
    assert (found.caption, found.credit) == (caption, credit)


@pytest.mark.parametrize(
    "line",
    [
        "Tiếng Anh: thời gian làm bài 120 phút",
        "Số liệu cho thấy giá tăng 5% trong quý, theo nguồn tin từ bộ.",
        "Thông tin về từng môn thi như sau:",
    ],
)
def test_not_captions(line):
    assert parse_caption(line) is None


def test_link_fragments_are_joined():
    text = "Theo tiết lộ của \nNew York Times\n, Tổng thống \nTrump \nđã ký sắc lệnh.\nCâu sau."
    units = split_units(text)
    assert [u.text for u in units] == [
        "Theo tiết lộ của New York Times, Tổng thống Trump đã ký sắc lệnh.",
        "Câu sau.",
    ]


def test_dates_split_by_links_are_joined():
    units = split_units("Thi thử vào ngày \n26/02/2017\n và \n23/4/2017\n nhằm giúp học sinh.")
    assert [u.text for u in units] == [
        "Thi thử vào ngày 26/02/2017 và 23/4/2017 nhằm giúp học sinh."
    ]


def test_widgets_and_keywords():
    assert is_widget("Dự báo thời tiết các tỉnh thành")
    assert is_widget("Chia sẻ | In bài | Cỡ chữ A- A+")
    assert is_widget("© 2017 The Evening Ledger. All rights reserved.")
    assert not is_widget("Chia sẻ kinh nghiệm của các địa phương là rất cần thiết.")
    assert keyword_line("  • Từ khóa:") == []
    assert keyword_line("Tags: energy, wind power") == ["energy", "wind power"]
    assert keyword_line("Từ khóa là một khái niệm") is None


TEXT = "Một tiêu đề thử\n\nĐoạn đầu tiên của bài báo thử nghiệm có đủ chữ.\n\nĐoạn thứ hai."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-16"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    ],
)
def test_unicode_encodings(data, encoding):
    text, found = decode(data, where="x")
    assert found == encoding
    assert text.replace("\r\n", "\n") == TEXT


def test_cp1258_is_recognised():
    # "Việt Nam đẹp" in cp1258: ê + combining dot below, đ, ẹ = e + combining dot below.
    data = b"Vi\xea\xf2t Nam \xf0e\xf2p l\xe0m sao"
    text, encoding = decode(data, where="x")
    assert encoding == "cp1258"
    assert text == "Việt Nam đẹp làm sao"


@pytest.mark.parametrize(
    "sample", ["“Smart quotes” — and a café…", "Crème brûlée à la française, naïve façade"]
)
def test_cp1252_is_recognised(sample):
    text, encoding = decode(sample.encode("cp1252"), where="x")
    assert encoding == "cp1252"
    assert text == sample


@pytest.mark.parametrize(
    "data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(128, 256)) * 40]
)
def test_binary_is_refused(data):
    with pytest.raises(InputError, match="binary"):
        decode(data, where="x")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12345 67890\n----\n2017-08-12", "no recognisable"),
        ("<html><body><div>a</div><p>b</p><p>c</p></body></html>", "HTML"),
        ("Từ khóa:\nDự báo thời tiết các tỉnh thành\nChia sẻ", "no recognisable"),
    ],
)
def test_no_article(text, reason):
    source = Source(name="x.txt", text=text, content_hash="", encoding="utf-8")
    with pytest.raises(InputError, match=reason):
        NewsTextImporter().parse(source)


def test_language_option_wins():
    source = Source("x.txt", "Một tiêu đề\n\nAn English lead paragraph with words.", "", "utf-8")
    assert NewsTextImporter().parse(source, language="vi").article.language == "vi"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Giá xăng giảm lần thứ ba - VnExpress", ("Giá xăng giảm lần thứ ba", "VnExpress")),
        ("Bão số 3 - Tuổi Trẻ Online", ("Bão số 3", "Tuổi Trẻ Online")),
        ("Obama visits Ohio | CBS News", ("Obama visits Ohio", "CBS News")),
        ("Cao tốc Hà Nội - Hải Phòng thông xe", ("Cao tốc Hà Nội - Hải Phòng thông xe", "")),
    ],
)
def test_page_title_suffix(title, expected):
    from publisher.importers.newstext.bylines import split_title_suffix

    assert split_title_suffix(title) == expected


def test_more_bylines_and_furniture():
    byline = parse_bare_name("Jane Doe, Associated Press")
    assert (byline.authors, byline.source) == (["Jane Doe"], "Associated Press")
    assert parse_byline("Tác giả: Nguyễn Văn An", "vi").authors == ["Nguyễn Văn An"]
    assert parse_byline("Jane Doe Environment correspondent", "en").authors == ["Jane Doe"]
    assert is_widget("Trang chủ > Thời sự > Xã hội")
    assert is_widget("1.234 lượt xem")
    assert not is_widget("Hà Nội > Hải Phòng là tuyến đường quan trọng nhất miền Bắc.")


def _fixture_lines() -> list[str]:
    from publisher.importers import read_source
    from tests.conftest import FIXTURES

    lines: list[str] = []
    for path in sorted((FIXTURES / "newstext").glob("*.txt")):
        lines += read_source(path).text.split("\n")
    return [*lines, "", "\u00a0", "(", "By", "Theo", "Ảnh:", "nh", "1.", "...", "(AP) -", "•"]


_LINES = _fixture_lines()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(_LINES), min_size=1, max_size=25), st.sampled_from([None, "vi", "en"])
)
def test_any_mix_of_lines_imports_or_fails_cleanly(lines, language):
    """Whatever order scraped lines come in: an article that round-trips, or an InputError."""
    from publisher.articles import file as articlefile

    source = Source("x.txt", "\n".join(lines), "", "utf-8")
    try:
        article = NewsTextImporter().parse(source, language=language).article.with_(slug="s")
    except InputError:
        return
    assert article.title
    assert articlefile.loads(articlefile.dumps(article), slug="s") == article


def test_markdown_heading_marker_is_not_part_of_the_title():
    source = Source(
        "x.md", "# A plain heading\n\nSome text below the heading, long enough.", "", ""
    )
    assert NewsTextImporter().parse(source).article.title == "A plain heading"


def test_an_agency_by_its_name_and_its_initials_is_one_source():
    from publisher.importers.newstext.draft import ArticleDraft

    draft = ArticleDraft("en")
    draft.set_source("Associated Press")
    draft.set_source("AP")
    draft.set_source("ap")
    assert draft.source == "Associated Press" and draft.warnings == []
    draft.set_source("Reuters")
    assert draft.warnings == ["two sources named: kept 'Associated Press', not 'Reuters'"]


def test_a_photo_credit_after_a_dash():
    from publisher.importers.newstext.captions import parse_caption

    found = parse_caption("Lực lượng biên phòng hỗ trợ người dân di chuyển đồ đạc – Ảnh: Đức Anh")
    assert (found.caption, found.credit) == (
        "Lực lượng biên phòng hỗ trợ người dân di chuyển đồ đạc", "Đức Anh"
    )  # fmt: skip
    found = parse_caption("Volunteers clear the beach after the storm | Photo: Jane Roe")
    assert (found.caption, found.credit) == ("Volunteers clear the beach after the storm",
                                             "Jane Roe")  # fmt: skip
    # Where a number in the text came from is not a photo's credit.
    assert parse_caption("Số ca mắc mới giảm 20% so với tuần trước – Nguồn: Bộ Y tế") is None
    long = "Người dân " + "đi lại " * 20 + "trên cầu – Ảnh: X"
    assert parse_caption(long) is None


def test_a_breadcrumb_names_the_section():
    from publisher.importers.newstext.boiler import breadcrumb_section

    assert breadcrumb_section("Trang chủ > Thời sự > Giao thông") == "Giao thông"
    assert breadcrumb_section("Home › World › Asia") == "Asia"
    assert breadcrumb_section("Trang chủ » Kinh doanh") == "Kinh doanh"
    assert breadcrumb_section("Giá vàng hôm nay > 80 triệu") == ""
    assert breadcrumb_section("Một câu văn bình thường.") == ""


@pytest.mark.parametrize(
    "line",
    [
        "Giá phân bón tăng cao trong vụ này - ảnh hưởng lớn tới thu nhập của nông dân.",
        "Hỏi thăm anh Tư thì bà con kể - ảnh Tư đi biển từ sáng",  # ``ảnh``: a pronoun
        "Kết quả vòng một - Ảnh 2",
        "Hai đội hòa nhau - Ảnh chụp cho thấy bàn thắng không hợp lệ vì cầu thủ đã việt vị rõ ràng",
    ],
)
def test_a_dash_and_the_word_for_photo_are_not_always_a_credit(line):
    assert parse_caption(line) is None


def test_photos_set_in_table_cells_become_figures_and_their_borders_go():
    text = (
        "Làng gốm đón khách trở lại sau mùa mưa\n\n"
        "Lượng khách đến làng gốm tăng mạnh trong tháng qua, theo ban quản lý di tích.\n"
        "|\n| Thợ gốm tạo hình bình hoa trên bàn xoay - Ảnh Quốc Bảo |\n|\n"
        "Nhiều lò nung đã được sửa lại để kịp phục vụ mùa du lịch cuối năm.\n"
        "|\nDu khách thử làm gốm cùng nghệ nhân - Ảnh Quốc Bảo.\n|\n"
        "Ban quản lý cho biết sẽ mở thêm lớp học làm gốm vào cuối tuần.\n"
    )
    article = imported(text).article
    assert article.title == "Làng gốm đón khách trở lại sau mùa mưa"
    assert [(f.caption, f.credit, f.after_paragraph) for f in article.figures] == [
        ("Thợ gốm tạo hình bình hoa trên bàn xoay", "Quốc Bảo", 0),
        ("Du khách thử làm gốm cùng nghệ nhân", "Quốc Bảo", 1),
    ]
    assert article.paragraphs == (
        "Nhiều lò nung đã được sửa lại để kịp phục vụ mùa du lịch cuối năm.",
        "Ban quản lý cho biết sẽ mở thêm lớp học làm gốm vào cuối tuần.",
    )
    assert not any("|" in p for p in (article.lead, *article.paragraphs))


def test_a_lead_photo_above_the_title_and_a_menu_label_are_not_the_headline():
    text = (
        "Chuyên mục\n\n"
        "Người dân đi thuyền qua đoạn đường ngập sâu – Ảnh: Hữu Khoa\n\n"
        "Mưa lớn kéo dài, nhiều tuyến đường ở Huế ngập sâu\n\n"
        "Thứ Năm, 14/11/2024 09:30\n\n"
        "Mưa lớn từ đêm qua khiến nhiều tuyến đường ở trung tâm thành phố ngập sâu.\n\n"
        "Lực lượng chức năng đã cắm biển cảnh báo tại những điểm ngập nặng.\n"
    )
    article = imported(text).article
    assert (article.kicker, article.title) == (
        "",
        "Mưa lớn kéo dài, nhiều tuyến đường ở Huế ngập sâu",
    )
    assert article.published is not None and article.published.day == 14
    assert [(f.caption, f.credit, f.after_paragraph) for f in article.figures] == [
        ("Người dân đi thuyền qua đoạn đường ngập sâu", "Hữu Khoa", 0)
    ]
    assert article.lead.startswith("Mưa lớn từ đêm qua")


@pytest.mark.parametrize("label", ["Danh mục", "Menu", "Tìm kiếm", "Đăng nhập", "Skip to content"])
def test_navigation_labels_are_furniture(label):
    assert is_widget(label)
    assert not is_widget(label + " các sản phẩm nông nghiệp đã tăng trong năm nay.")


@pytest.mark.parametrize(
    "line",
    [
        "Show summary Hide summary", "Hide caption", "Toggle caption", "Enlarge this image",
        "View image in fullscreen", "Listen to this article", "Listen · 4:37", "6 min read",
        "Reading time: 3 min", "Thời gian đọc: 5 phút", "Gift this article", "Save article",
        "Share full article", "Story continues below advertisement", "Bỏ qua quảng cáo",
        "Nghe đọc bài", "Theo dõi Báo Ánh Dương trên Google News",
    ],
)  # fmt: skip
def test_reader_controls_are_furniture(line):
    assert is_widget(line)


@pytest.mark.parametrize(
    "line",
    [
        "Listen to this story, the mayor told the crowd.",
        "Reading time for children fell during the summer holidays.",
        "Nghe bài hát này, nhiều khán giả đã rơi nước mắt.",
        "Show summary of the audit was released on Monday.",
    ],
)
def test_sentences_that_start_like_reader_controls_stay(line):
    assert not is_widget(line)


def test_a_live_report_keeps_every_entry_under_its_time():
    text = (
        "Trực tiếp: Hội nghị bàn giải pháp chống ngập cho thành phố\n\n"
        "Sáng nay, hội nghị bàn về các giải pháp chống ngập bắt đầu với sự tham gia của nhiều "
        "chuyên gia.\n\n"
        "10:45 ngày 20/09/2024\n\n"
        "Đại diện sở xây dựng trình bày kế hoạch nạo vét kênh rạch trong năm tới.\n\n"
        "10:20 ngày 20/09/2024\n\n"
        "Các chuyên gia đề xuất xây thêm hồ điều hòa ở những quận trũng thấp.\n\n"
        "09:55 ngày 20/09/2024\n\n"
        "Chủ tọa nêu những điểm ngập kéo dài nhiều năm chưa được xử lý dứt điểm.\n"
    )
    result = imported(text)
    article = result.article
    assert article.published is not None and (article.published.hour, article.published.minute) == (
        10, 45,
    )  # fmt: skip
    assert article.paragraphs == (
        "Đại diện sở xây dựng trình bày kế hoạch nạo vét kênh rạch trong năm tới.",
        "### 10:20 ngày 20/09/2024",
        "Các chuyên gia đề xuất xây thêm hồ điều hòa ở những quận trũng thấp.",
        "### 09:55 ngày 20/09/2024",
        # The last entry: once taken for a closing date line and dropped with what followed.
        "Chủ tọa nêu những điểm ngập kéo dài nhiều năm chưa được xử lý dứt điểm.",
    )
    assert not any("dropped" in w for w in result.warnings)


def test_a_date_line_at_the_end_still_closes_the_article():
    text = (
        "Nông dân thu hoạch lúa sớm để tránh bão\n\n"
        "Nhiều hợp tác xã đã huy động máy gặt để thu hoạch lúa trước khi bão vào đất liền.\n\n"
        "Chính quyền địa phương khuyến cáo người dân gia cố nhà cửa và chuẩn bị lương thực.\n\n"
        "Minh An\n\n"
        "08:15 ngày 03/10/2024\n"
    )
    article = imported(text).article
    assert article.authors == ("Minh An",) and article.published is not None
    assert article.paragraphs == (
        "Chính quyền địa phương khuyến cáo người dân gia cố nhà cửa và chuẩn bị lương thực.",
    )


def test_a_short_line_without_a_full_stop_does_not_lead_a_paragraph_that_follows():
    text = (
        "Tuyến đường sắt mới chạy thử chuyến đầu tiên\n\n"
        "Một cột mốc của ngành đường sắt\n\n"
        "Sáng nay, đoàn tàu đầu tiên đã chạy thử trên tuyến đường sắt mới nối hai tỉnh.\n\n"
        "Tuyến đường dự kiến đón khách vào cuối năm sau khi hoàn tất các bước nghiệm thu.\n"
    )
    result = imported(text)
    assert result.article.lead.startswith("Sáng nay, đoàn tàu đầu tiên")
    assert result.article.paragraphs[0] == "Một cột mốc của ngành đường sắt"  # kept, with a warning
    assert any("Một cột mốc" in w for w in result.warnings)


def test_a_blog_post_s_furniture_and_labels():
    text = (
        "Thư viện huyện mở cửa buổi tối cho học sinh\n\n"
        "Thứ Sáu, 08/11/2024\n\n"
        "Từ tuần này, thư viện huyện mở cửa đến chín giờ tối để học sinh có chỗ ôn bài.\n\n"
        "Cán bộ thư viện cho biết số bạn đọc trẻ tăng gấp đôi sau một tháng thử nghiệm.\n\n"
        "Share this:\n\nLike this:\n\n"
        "Labels: giáo dục, thư viện\n\n"
        "No comments:\n\nPost a Comment\n\n"
        "Newer Post Older Post Home\n"
    )
    result = imported(text)
    article = result.article
    assert article.keywords == ("giáo dục", "thư viện")
    assert article.paragraphs == (
        "Cán bộ thư viện cho biết số bạn đọc trẻ tăng gấp đôi sau một tháng thử nghiệm.",
    )
    assert result.warnings == ["publication date without a time: midnight assumed"]


@pytest.mark.parametrize(
    ("lead", "rest"),
    [
        ("PORTLAND, Ore., March 4 -- The city council voted on Monday.", "The city council voted"),
        ("DENVER, Feb. 9 – Snow closed the airport for a second day.", "Snow closed the airport"),
        ("SPRINGFIELD, Ill. — Lawmakers returned to the capitol.", "Lawmakers returned"),
    ],
)
def test_a_dateline_with_its_state_or_day_and_no_source_leaves_the_lead(lead, rest):
    found = take_source_tag(lead)
    assert found is not None and found[0] == "" and found[1].startswith(rest)


def test_what_only_looks_like_a_dateline_stays():
    assert take_source_tag("US, China - trade talks resume next week in Geneva.") is None


def test_a_wire_story_s_subheadings_references_and_photographer():
    text = (
        "Port operators brace for a busy winter\n\n"
        "ROTTERDAM, Nov. 3 - Port operators expect record traffic this winter as shipping lines "
        "add routes, the port authority said on Monday. [ID:nL8N2XY0QR]\n\n"
        "Volumes rose for a third month in October, driven by container traffic from Asia.\n\n"
        "Photographer: Lena Vos/Harbour Pictures\n\n"
        "NEW BERTHS\n\n"
        "Two berths opened in September and a third is due to open in the spring, it said.\n"
    )
    article = imported(text).article
    assert article.lead == (
        "Port operators expect record traffic this winter as shipping lines add routes, the port "
        "authority said on Monday."
    )
    assert article.paragraphs == (
        "Volumes rose for a third month in October, driven by container traffic from Asia.",
        "### NEW BERTHS",
        "Two berths opened in September and a third is due to open in the spring, it said.",
    )
    assert [(f.credit, f.after_paragraph) for f in article.figures] == [
        ("Lena Vos/Harbour Pictures", 1)
    ]


def test_a_date_and_its_time_on_the_next_line_and_an_image_s_file_name():
    text = (
        "Syndicate content\n\n"
        "Thứ Ba, ngày 12 tháng 3 năm 2024\n"
        "08:40 (GMT +7)\n\n"
        "Chợ phiên vùng cao đông khách dịp cuối tuần\n\n"
        "Phiên chợ cuối tuần ở xã vùng cao thu hút hàng nghìn lượt khách đến mua sắm.\n\n"
        "IMG_2041-cho-phien.jpg\n"
        "Bà con người Mông mang nông sản xuống chợ từ sáng sớm\n\n"
        "Ban quản lý chợ cho biết sẽ mở rộng khu bán hàng thủ công trong năm nay.\n"
    )
    result = imported(text)
    article = result.article
    assert (article.kicker, article.title) == ("", "Chợ phiên vùng cao đông khách dịp cuối tuần")
    assert article.published is not None and article.published.isoformat() == (
        "2024-03-12T08:40:00+07:00"
    )
    assert [(f.caption, f.credit, f.after_paragraph) for f in article.figures] == [
        ("Bà con người Mông mang nông sản xuống chợ từ sáng sớm", "", 0)
    ]
    assert article.paragraphs == (
        "Ban quản lý chợ cho biết sẽ mở rộng khu bán hàng thủ công trong năm nay.",
    )
    assert result.warnings == []


@pytest.mark.parametrize(
    ("text", "authors", "day"),
    [
        ("Posted on May 7, 2024 by Tom Baker", ["Tom Baker"], 7),
        ("Posted by Tom Baker on May 8, 2024", ["Tom Baker"], 8),
        ("Posted by Tom Baker at 10:15 AM", ["Tom Baker"], None),
        ("Thực hiện: Thu Trang - Đức Minh", ["Thu Trang", "Đức Minh"], None),
        ("Nội dung: Lan Chi", ["Lan Chi"], None),
        ("Tổng hợp: THU HÀ", ["Thu Hà"], None),
    ],
)
def test_blog_and_long_form_bylines(text, authors, day):
    found = parse_byline(text, "en")
    assert found is not None and found.authors == authors
    assert (found.date.value.day if found.date else None) == day


def test_a_headline_in_capitals_about_photos_is_no_caption():
    assert parse_caption("THỂ LỆ CUỘC THI ẢNH: NHIẾP ẢNH GIA TRẺ") is None


@pytest.mark.parametrize(
    "line",
    [
        "She showed me the family photo.",
        "The hall was free. Courtesy of the mayor, everyone ate.",
        "He thanked them. (Contributed photos are welcome.)",
        "The parties agree that (c) payment is due in thirty days.",
    ],
)
def test_sentences_about_photos_are_not_credits(line):
    assert parse_caption(line) is None


@pytest.mark.parametrize(
    ("line", "caption", "credit"),
    [
        # A label after a dash, without a colon.
        ("Đoàn công tác thăm hợp tác xã chè - Ảnh Minh Hà", "Đoàn công tác thăm hợp tác xã chè",
         "Minh Hà"),
        ("Cô Lan trong giờ dạy trực tuyến – Ảnh NVCC.", "Cô Lan trong giờ dạy trực tuyến",
         "Ảnh NVCC"),
        ("Bà con gặt lúa sớm tránh bão- Ảnh Thanh Tùng cung cấp", "Bà con gặt lúa sớm tránh bão",
         "Thanh Tùng cung cấp"),
        ("Ferry passengers wait at the quay — Photo by Ana Ruiz",
         "Ferry passengers wait at the quay", "Ana Ruiz"),
        # Credits with a slash.
        ("Fans outside the stadium. (AP Photo/Lena Park)", "Fans outside the stadium.",
         "AP Photo/Lena Park"),
        ("The council meets on Monday. (Photo/Tom Baker)", "The council meets on Monday.",
         "Tom Baker"),
        ("The new bridge at night. Photo/Tom Baker", "The new bridge at night.", "Photo/Tom Baker"),
        # In capitals straight after the caption; photos someone provided.
        ("Thí sinh làm thủ tục dự thi tại điểm trường ẢNH: THANH HÀ",
         "Thí sinh làm thủ tục dự thi tại điểm trường", "THANH HÀ"),
        ("Hình ảnh do người dân cung cấp", "", "Hình ảnh do người dân cung cấp"),
        ("Hiện trường vụ cháy kho hàng. Ảnh do công an cung cấp", "Hiện trường vụ cháy kho hàng.",
         "Ảnh do công an cung cấp"),
        # American papers' credits.
        ("Runners cross the bridge. (Maria Lopez photo)", "Runners cross the bridge.",
         "Maria Lopez"),
        ("Crews clear the storm drain. (Staff photo by Tom Baker)", "Crews clear the storm drain.",
         "Staff photo by Tom Baker"),
        ("The choir sings at the fair. (Contributed photo)", "The choir sings at the fair.",
         "Contributed photo"),
        ("Pupils plant a garden. Photo courtesy of Hill School", "Pupils plant a garden.",
         "Photo courtesy of Hill School"),
        ("Submitted photo", "", "Submitted photo"),
        # A copyright sign before the credit.
        ("The old pier in winter. © Jane Roe / Harbor Pictures", "The old pier in winter.",
         "Jane Roe / Harbor Pictures"),
        ("© Getty Images", "", "Getty Images"),
    ],
)  # fmt: skip
def test_more_caption_and_credit_forms(line, caption, credit):
    found = parse_caption(line)
    assert found is not None and (found.caption, found.credit) == (caption, credit)


def test_a_blog_s_month_first_date_a_doubled_caption_and_its_byline():
    text = (
        "2/27/2018\n\n"
        "Hội chợ sách mùa xuân mở cửa ở công viên\n\n"
        "Hội chợ sách mùa xuân năm nay có hơn một trăm gian hàng của các nhà xuất bản.\n\n"
        "Trái sang: Nguyễn Văn An, Trần Thị Bình, Lê Văn Cường\n\n"
        "Trái sang: Nguyễn Văn An, Trần Thị Bình, Lê Văn Cường\n\n"
        "Ban tổ chức cho biết hội chợ mở cửa đến hết tuần sau, vào cửa tự do.\n\n"
        "Đang tải tin...\n\n"
        "Viết bởi Hoàng Yến\n"
    )
    result = imported(text)
    article = result.article
    assert article.published is not None and (article.published.month, article.published.day) == (
        2, 27,
    )  # fmt: skip
    assert [f.caption for f in article.figures] == [
        "Trái sang: Nguyễn Văn An, Trần Thị Bình, Lê Văn Cường"
    ]
    assert article.paragraphs == (
        "Ban tổ chức cho biết hội chợ mở cửa đến hết tuần sau, vào cửa tự do.",
    )
    assert article.authors == ("Hoàng Yến",)


def test_vietnamese_dates_stay_day_first():
    found = parse_date_line("3/4/2018", "vi")
    assert found is not None and (found.value.month, found.value.day) == (4, 3)


def test_notes_on_how_to_reach_the_author_and_where_the_piece_first_ran():
    text = (
        "School board delays vote on later start times\n\n"
        "The school board postponed a vote on later start times until its March meeting.\n\n"
        "Parents who spoke at the meeting were divided, and the board asked for a survey.\n\n"
        "This story was first published by The Harbor Courier.\n\n"
        "Sam Ortiz can be reached at 555-0199 or sortiz@harbor.example.\n\n"
        "Email reporter Sam Ortiz at sortiz@harbor.example. Follow him on Twitter @samortiz.\n"
    )
    result = imported(text)
    article = result.article
    assert (article.authors, article.source) == (("Sam Ortiz",), "The Harbor Courier")
    assert article.paragraphs == (
        "Parents who spoke at the meeting were divided, and the board asked for a survey.",
    )
    assert sum("how to reach the author" in w for w in result.warnings) == 2


def test_a_sentence_about_reaching_someone_stays():
    text = (
        "Ferry service resumes after the storm\n\n"
        "Ferries to the island resumed on Friday after two days of high winds.\n\n"
        "Passengers can be reached at the terminal by a shuttle bus that leaves every hour.\n\n"
        "Mary Quinn can be reached at the ferry office on weekdays, the harbor master said.\n"
    )
    article = imported(text).article
    assert article.paragraphs[-1].startswith("Mary Quinn can be reached") and not article.authors


def test_a_series_mark_and_an_invitation_to_watch_a_video():
    text = (
        "Kỳ 2: Những người giữ nghề dệt thổ cẩm\n\n"
        "Ở bản nhỏ bên sông, nhiều phụ nữ vẫn dệt thổ cẩm bằng khung cửi truyền thống.\n\n"
        "Mỗi tấm vải mất nhiều tuần để hoàn thành, từ khâu se sợi đến nhuộm màu.\n\n"
        "Mời bạn đọc xem video về nghề dệt:\n\n"
        "Nguồn video: Đài phát thanh huyện\n\n"
        "(Kỳ sau: Đưa thổ cẩm ra thị trường)\n"
    )
    result = imported(text)
    article = result.article
    assert article.paragraphs == (
        "Mỗi tấm vải mất nhiều tuần để hoàn thành, từ khâu se sợi đến nhuộm màu.",
    )
    assert [(f.caption, f.credit) for f in article.figures] == [("", "Đài phát thanh huyện")]
    assert any("series" in w for w in result.warnings)


def test_an_agency_byline_without_a_comma_and_a_correction_note():
    text = (
        "Wildfire forces evacuations in the foothills\n\n"
        "By TOMAS REYES Associated Press\n\n"
        "BOULDER, Colo. (AP) — A fast-moving wildfire forced hundreds of families from their homes "
        "in the foothills on Sunday, officials said.\n\n"
        "Firefighters said shifting winds made the blaze hard to contain overnight.\n\n"
        "This story has been corrected to show the fire began on Sunday, not Saturday.\n"
    )
    result = imported(text)
    article = result.article
    assert (article.authors, article.source) == (("Tomas Reyes",), "Associated Press")
    assert article.paragraphs == (
        "Firefighters said shifting winds made the blaze hard to contain overnight.",
    )
    assert any("editors' note" in w for w in result.warnings)


def test_a_paper_s_furniture_credits_and_notes_at_the_end():
    text = (
        "Supported by\n\n"
        "Harbor tunnel opens after six years of work\n\n"
        "The new harbor tunnel opened to traffic on Saturday, cutting the trip by half.\n\n"
        "Drivers lined up before dawn to be among the first through.\n\n"
        "Cars enter the tunnel on its first morning.Credit...Ana Ruiz for The Daily Ledger\n\n"
        "The project ran two years late and cost a third more than planned.\n\n"
        "A version of this article appears in print on May 5, 2024, Section A, Page 1.\n\n"
        "First published on Sat 4 May 2024 09.10 BST\n\n"
        "Explore more on these topics\n\nTransport\n\nReuse this content\n"
    )
    result = imported(text)
    article = result.article
    assert article.title == "Harbor tunnel opens after six years of work"
    assert [(f.caption, f.credit) for f in article.figures] == [
        ("Cars enter the tunnel on its first morning.", "Ana Ruiz for The Daily Ledger")
    ]
    assert article.paragraphs == (
        "Drivers lined up before dawn to be among the first through.",
        "The project ran two years late and cost a third more than planned.",
    )
    assert article.published is not None and article.published.day == 4


def test_captions_set_in_table_cells_after_a_dash_with_a_lower_case_label():
    text = (
        "Lốc xoáy làm tốc mái gần trăm nhà dân\n\n"
        "Sáng nay, một trận lốc xoáy kèm mưa lớn đã quét qua nhiều xã ven biển của tỉnh.\n"
        "Dân quân giúp người dân lợp lại mái nhà sau cơn lốc - ảnh: Quốc Nam |\n"
        "Chính quyền địa phương đang thống kê thiệt hại để hỗ trợ các hộ dân.\n"
    )
    article = imported(text).article
    assert [(f.caption, f.credit) for f in article.figures] == [
        ("Dân quân giúp người dân lợp lại mái nhà sau cơn lốc", "Quốc Nam")
    ]


def test_a_broadcaster_s_page_with_its_menu_relative_time_photo_and_byline_role():
    text = (
        "Home\nNews\nSport\nWeather\n\n"
        "Flood defences to be raised along the estuary\n\n"
        "Published\n2 hours ago\n\n"
        "Share\n\n"
        "Image source, Harbour Pictures\n"
        "Image caption,\n"
        "Sandbags stacked along the sea wall after last winter's storms\n\n"
        "By Priya Nair\n"
        "Environment correspondent\n\n"
        "Flood defences along the estuary will be raised by half a metre, the agency said.\n\n"
        "Work on the first section is due to start in the spring and take two years.\n"
    )
    result = imported(text)
    article = result.article
    assert (article.title, article.authors) == (
        "Flood defences to be raised along the estuary", ("Priya Nair",),
    )  # fmt: skip
    assert [(f.caption, f.credit) for f in article.figures] == [
        ("Sandbags stacked along the sea wall after last winter's storms", "Harbour Pictures")
    ]
    assert article.lead.startswith("Flood defences along the estuary will be raised")
    assert article.paragraphs == (
        "Work on the first section is due to start in the spring and take two years.",
    )
    assert not any("kept" in w for w in result.warnings)


def test_a_number_without_its_dot_opens_no_numbered_heading():
    from publisher.importers.newstext.units import is_numbered_heading

    assert not is_numbered_heading("3 hours ago")
    assert is_numbered_heading("3. Kết quả thi") and is_numbered_heading("2.1 Thi thử")
