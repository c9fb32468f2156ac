"""Who wrote it, as blogs and papers sign: jobs and outlets after the name, user names, initials
in capitals, labelled fields, agencies drawn on, and notes of who took a piece down."""

import pytest

from publisher.importers.newstext.bylines import parse_byline, tidy_name
from tests.newstext_support import imported

LONG = (
    "We hope the new map gives you a more accurate lay of the land, and that it comes in handy "
    "whether you are planning a trip or just browsing."
)


@pytest.mark.parametrize(
    ("text", "authors", "source"),
    [
        ("Posted by Karl Schmid, Software Engineer, Google Maps", ["Karl Schmid"], "Google Maps"),
        ("By Ana Ruiz, Product Manager", ["Ana Ruiz"], ""),
        ("By NBC News and wire services", [], "NBC News"),
    ],
)
def test_a_job_after_the_name_and_the_agencies_an_outlet_drew_on(text, authors, source):
    found = parse_byline(text, "en")
    assert found is not None and (found.authors, found.source) == (authors, source)


def test_a_user_name_signs_only_with_a_date():
    found = parse_byline("by randfish on November 5, 2010", "en")
    assert found is not None and found.authors == ["randfish"]
    assert parse_byline("by email", "en") is None
    assert parse_byline("by email on November 5, 2010", "en") is None


def test_initials_stay_in_a_name_in_capitals():
    assert tidy_name("J.D. BIERSDORFER") == "J.D. Biersdorfer"


def test_a_byline_glued_to_the_last_sentence_and_said_twice():
    article = imported(
        f"Series preview\n\n1:54 pm August 9, 2012, by David O'Brien\n\n{LONG}\n\n"
        "The Braves are 12-3 in their past 15 games, and they lead the division by four.\n\n"
        "By David O’Brien\n"
    ).article
    assert article.authors == ("David O'Brien",)
    article = imported(
        f"New map labels\n\nThe map now shows terrain and the names of deserts and hills.\n\n"
        f"{LONG} Posted by Karl Schmid, Software Engineer, Google Maps\n"
    ).article
    assert (article.authors, article.source) == (("Karl Schmid",), "Google Maps")


def test_labelled_fields_under_the_headline():
    article = imported(
        "3 Reasons to Keep Going to Open Houses\n"
        "Date:November 2, 2012 | Category:Tips & Advice | Author:Brendan Doyle\n\n"
        f"{LONG}\n\nThe rest of the text.\n"
    ).article
    assert article.authors == ("Brendan Doyle",)
    assert article.published is not None and article.published.day == 2
    assert article.lead == LONG


def test_a_byline_under_the_headline_is_not_glued_to_it():
    article = imported(f"Winter Rides with Rapha\nby Byron\nNovember 4, 2012\n\n{LONG}\n").article
    assert (article.title, article.authors) == ("Winter Rides with Rapha", ("Byron",))


def test_a_comment_counter_above_the_headline_and_a_time_without_a_day_below_it():
    article = imported(
        "149comments\n24\nJul\n2012\n11:21am, EDT\nSyrian forces launch air attacks\n\n"
        f"Updated at 11:31 a.m. ET\n\n{LONG}\n\nThe rest of the text.\n"
    ).article
    assert article.title == "Syrian forces launch air attacks"
    assert article.lead == LONG


@pytest.mark.parametrize(
    ("end", "authors", "source"),
    [
        ("hay không?./. PV/VOV.VN (ghi) PV/VOV.VN (ghi)", ("PV",), "VOV.VN"),
        ("và nói với ai; Theo Đời sống Plus", (), "Đời sống Plus"),
    ],
)
def test_who_took_it_down_and_a_source_after_a_semicolon(end, authors, source):
    article = imported(
        "Người yêu muốn cưới sớm\n\nMở đầu bài viết.\n\n"
        f"Em không biết phải làm thế nào, em nên nghe theo anh {end}\n"
    ).article
    assert (article.authors, article.source) == (authors, source)


def test_where_the_piece_first_ran_under_another_headline():
    result = imported(
        f"PayPal to cut 325 jobs\n\n{LONG}\n\nThe rest.\n\n"
        'This story originally appeared on ZDNet under the headline "PayPal to lay off 325".\n'
    )
    assert result.article.source == "ZDNet"
    assert result.article.paragraphs == ("The rest.",)


@pytest.mark.parametrize(
    ("text", "authors", "source"),
    [
        ("By Mat Smyth posted Nov 13th 2012 12:58PM", ["Mat Smyth"], ""),
        ("By The Associated Press", [], "The Associated Press"),
        ("Posted by Peter Harbin, Product Marketing Manager Team", ["Peter Harbin"], ""),
        ("Written by Clark filed under General Finance Print This Post", ["Clark"], ""),
    ],
)
def test_posted_after_the_name_the_agency_with_its_article_and_a_job_ending_in_team(
    text, authors, source
):
    found = parse_byline(text, "en")
    assert found is not None and (found.authors, found.source) == (authors, source)


def test_an_agency_s_date_line_without_a_place_and_a_blog_s_category_after_a_date():
    article = imported(
        "3 arrested after film threats\n\nBy The Associated Press\nJuly 24, 2012 (AP)\n"
        f"{LONG}\n\nThe rest of the text.\n"
    ).article
    assert (article.source, article.authors) == ("The Associated Press", ())
    assert article.published is not None and article.published.day == 24
    blog = imported(
        f"Choosing a plugin\n\nPosted on September 18, 2012 at 3:48 am as Information\n\n{LONG}\n"
        "\nThe rest of the text.\n"
    ).article
    assert blog.published is not None and blog.published.hour == 3
    assert blog.lead == LONG


def test_an_outlet_whose_name_goes_on_after_the_slash():
    article = imported(
        "Khủng hoảng vùng Vịnh\n\nMở đầu bài viết.\n\n"
        "Các nước liệt 59 cá nhân vào danh sách trừng phạt./. Hồng Nhung/VOV-Trung tâm Tin\n"
    ).article
    assert (article.authors, article.source) == (("Hồng Nhung",), "VOV-Trung tâm Tin")


@pytest.mark.parametrize(
    ("tail", "authors"),
    [("Tâm - Vinh", ("Tâm", "Vinh")), ("L.Phong", ("L.Phong",)), ("K. LIỆP", ("K. Liệp",))],
)
def test_given_names_in_pairs_and_an_initial_with_a_name(tail, authors):
    article = imported(f"Đối tượng cố thủ trong nhà\n\nMở đầu bài viết.\n\n{LONG} {tail}\n").article
    assert article.authors == authors


def test_a_link_to_more_between_the_last_sentence_and_the_byline():
    article = imported(
        "Hàng cây bị đục khoét\n\nMở đầu bài viết.\n\n"
        "Công ty cây xanh cho biết vẫn đang tìm hiểu nguyên nhân chính thức của vụ việc này "
        "Xem thêm Video Công Tuấn\n"
    ).article
    assert article.authors == ("Công Tuấn",)
    assert not any("Xem thêm" in p for p in article.paragraphs)


def test_a_date_or_a_byline_under_the_headline_is_never_glued_to_it():
    dated = imported(
        f"Wednesday, November 7, 2012\nfresh cranberry relish\n\n{LONG}\n\nThe rest.\n"
    ).article
    assert dated.title == "fresh cranberry relish"
    signed = imported(
        "Listen to Music With Your Friends\n"
        "by Alexandre Roux on Thursday, January 12, 2012 at 10:00am\n\n"
        f"{LONG}\n\nThe rest.\n"
    ).article
    assert signed.title == "Listen to Music With Your Friends"
    assert signed.authors == ("Alexandre Roux",)


def test_a_section_s_name_before_the_date_and_a_slash_before_it():
    article = imported(
        "Body November 5, 2012, 2:51 pm\nResveratrol Ineffective in Normal-Weight Women\n"
        f"By NICHOLAS BAKER\n\n{LONG}\n\nThe rest.\n"
    ).article
    assert (article.kicker, article.title) == (
        "Body",
        "Resveratrol Ineffective in Normal-Weight Women",
    )
    assert article.published is not None and article.published.hour == 14
    found = parse_byline("Posted by Alexandra Grigson / November 13, 2012", "en")
    assert found is not None and found.authors == ["Alexandra Grigson"]


def test_a_date_then_by_on_top_a_job_without_a_comma_and_compiled_by():
    article = imported(
        "\nNovember 2, 2012 10:28 am AEST — By Long Zhen\nBUILD 2012: Follow the UX guidelines\n\n"
        f"{LONG}\n\nThe rest of the text.\n"
    ).article
    assert (article.title, article.authors) == (
        "BUILD 2012: Follow the UX guidelines",
        ("Long Zhen",),
    )
    assert article.published is not None and article.published.utcoffset().total_seconds() == 36000
    found = parse_byline("by Sinan Kubb Writer on Oct 29th 2012 10:45AM", "en")
    assert found is not None and found.authors == ["Sinan Kubb"]
    found = parse_byline("Tổng hợp Thúy Quỳnh", "vi")
    assert found is not None and found.authors == ["Thúy Quỳnh"]
    assert parse_byline("Tổng hợp các ý kiến của bạn đọc", "vi") is None


def test_an_outlet_of_several_words_after_the_slash():
    article = imported(
        "Không kích thủ lĩnh IS\n\nMở đầu bài viết.\n\n"
        "Tên này kêu gọi những kẻ ủng hộ hắn chiến đấu đến cùng. Phan Long/Báo Tin Tức\n"
    ).article
    assert (article.authors, article.source) == (("Phan Long",), "Tin Tức")


def test_a_sentence_broken_after_its_date_is_still_joined():
    article = imported(
        "Cháy kho hàng ở ngoại thành\n\nMở đầu bài viết về vụ cháy.\n\nSáng 12/8/2017\n"
        "lực lượng chức năng đã có mặt tại hiện trường và tiến hành khám nghiệm ngay sau đó.\n"
    ).article
    assert article.paragraphs == (
        "Sáng 12/8/2017 lực lượng chức năng đã có mặt tại hiện trường và tiến hành khám nghiệm "
        "ngay sau đó.",
    )
