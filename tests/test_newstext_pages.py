"""Pages copied out of a browser: blog bylines, dates beside share buttons or before a section,
credit lines of a photographer, an outlet alone under the date, and a date note at the end. The
whole shape is the fixture ``en_browser_copy``; these are the edges."""

import pytest

from publisher.importers.newstext.boiler import is_widget
from publisher.importers.newstext.bylines import parse_bare_name, parse_byline
from publisher.importers.newstext.captions import parse_caption
from publisher.importers.newstext.dates import parse_date_line
from tests.newstext_support import imported


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("Post written by Leo Marsh.", ["Leo Marsh"]),
        ("Article written by guest writer Kim Lyle", ["Kim Lyle"]),
        ("This post was written by Ana Ruiz", ["Ana Ruiz"]),
        ("Guest post by Tom Baker", ["Tom Baker"]),
    ],
)
def test_a_blog_s_written_by_lines(text, authors):
    found = parse_byline(text, "en")
    assert found is not None and found.authors == authors


def test_a_writer_and_the_day_they_posted():
    found = parse_byline("Orla Jones on November 7, 2012, 7:06 PM", "en")
    assert found is not None and found.authors == ["Orla Jones"]
    assert found.date is not None and (found.date.value.day, found.date.value.hour) == (7, 19)
    found = parse_byline("Reuters on November 7, 2012", "en")  # an outlet, not a writer
    assert found is not None and (found.authors, found.source) == ([], "Reuters")


@pytest.mark.parametrize(
    "line",
    [
        "Tweet Nov 5 2012, 5:50 PM ET",
        "Share Nov 5 2012",
        "Tuesday, 11.06.2012 / 4:54 PM / News",
        "Nov 5 2012 | Local Sports",
        "Originally published January 4, 2010.",
    ],
)
def test_date_lines_with_share_buttons_sections_and_notes(line):
    assert parse_date_line(line, "en") is not None


@pytest.mark.parametrize(
    "line",
    ["Tuesday, 11.06.2012 / 4:54 PM / the vote was delayed", "Share your story by May 5, 2012"],
)
def test_what_only_looks_like_such_a_date_line(line):
    assert parse_date_line(line, "en") is None


@pytest.mark.parametrize(
    ("line", "caption", "credit"),
    [
        ("Photo by Sara Holm", "", "Sara Holm"),
        ("Photos by Jane Roe/The Ledger", "", "Jane Roe/The Ledger"),
        ("The pier at dawn. Photo by Jane Roe", "The pier at dawn.", "Jane Roe"),
    ],
)
def test_a_photographer_s_credit_line(line, caption, credit):
    found = parse_caption(line)
    assert found is not None and (found.caption, found.credit) == (caption, credit)


@pytest.mark.parametrize("line", ["Photo by the author", "Photos by readers poured in all day."])
def test_sentences_about_who_took_photos_are_no_credit(line):
    assert parse_caption(line) is None


def test_an_outlet_alone_on_the_last_line_is_the_source():
    found = parse_bare_name("Chicago Sun Times")
    assert found is not None and (found.authors, found.source) == ([], "Chicago Sun Times")
    found = parse_bare_name("Jane Roe")
    assert found is not None and found.authors == ["Jane Roe"]


def test_a_date_note_at_the_end_gives_the_date_even_above_a_long_comment_section():
    comment = "Reader {n} says:\nMarch 5, 2014 at 9:0{n} am\nNice post.\n\n"
    comments = "".join(comment.format(n=n) for n in range(9))
    text = (
        "Why I cook at home\n\n"
        "I have a confession to make: cooking is not my favourite thing.\n\n"
        "But the food is, and so I cook most nights of the week.\n\n"
        "Originally published January 4, 2010.\n\n\n"
        f"Comments\n\n{comments}"
    )
    article = imported(text).article
    assert article.published is not None and article.published.date().isoformat() == "2010-01-04"
    assert article.paragraphs == ("But the food is, and so I cook most nights of the week.",)


def test_a_list_copied_from_a_browser_keeps_its_items():
    text = (
        "How to pack for a week of rain\n\n"
        "A week of rain needs less than most people think, and all of it fits in one bag.\n\n"
        "Pack these first:\n\n"
        "    a light waterproof jacket\n"
        "    two pairs of quick-drying trousers\n"
        "    shoes that can get wet\n\n"
        "Everything else can stay at home, or be bought on the way if it is really needed.\n"
    )
    article = imported(text).article
    assert article.paragraphs == (
        "Pack these first:",
        "- a light waterproof jacket\n- two pairs of quick-drying trousers\n"
        "- shoes that can get wet",
        "Everything else can stay at home, or be bought on the way if it is really needed.",
    )


def test_indented_paragraphs_are_no_list():
    first = "The river rose through the night and reached the first houses by dawn, she said."
    second = "Crews filled sandbags until noon, and the water began to fall in the afternoon."
    text = f"Flood reaches the old town\n\nThe lead comes first.\n\n    {first}\n    {second}\n"
    article = imported(text).article
    assert not any(p.startswith("- ") for p in article.paragraphs)


@pytest.mark.parametrize(
    ("text", "authors", "day"),
    [
        ("Monday, November 12, 2012, by Matthew Kane", ["Matthew Kane"], 12),
        ("Posted, August 9th, 2012, By Amelia Ross", ["Amelia Ross"], 9),
        ("By Kim Strand on November 13, 2012 06:34 pm Larry @kimstrand", ["Kim Strand"], 13),
    ],
)
def test_a_date_then_by_and_page_scraps_after_the_date(text, authors, day):
    found = parse_byline(text, "en")
    assert found is not None and found.authors == authors
    assert found.date is not None and found.date.value.day == day


def test_a_desk_after_the_name_is_the_source_not_a_second_writer():
    found = parse_byline("Posted by Ezra Bell, Google Ads Team", "en")
    assert found is not None and (found.authors, found.source) == (["Ezra Bell"], "Google Ads Team")


def test_a_surname_in_capitals_is_written_as_a_name():
    found = parse_bare_name("Ian LYNDON")
    assert found is not None and found.authors == ["Ian Lyndon"]


def test_the_furniture_under_a_headline_and_a_series_label():
    text = (
        "Dirk got married! What would you give him?\n"
        "comments ()\n"
        "Posted, August 9th, 2012, By Amelia Ross\n"
        "sportsdesk@paper.example\n"
        "0 (0) 0 SHARE\n\n"
        "Dirk got married! What would you give him?\n\n"
        "Turns out the forward did get married in July, and only a few friends were there.\n\n"
        "Give us your ideas on the subject by commenting below.\n"
    )
    article = imported(text).article
    assert article.authors == ("Amelia Ross",)
    assert article.lead.startswith("Turns out")
    assert article.paragraphs == ("Give us your ideas on the subject by commenting below.",)
    series = imported(
        "Ex-aides charged in phone hacking case\n\nHacking in Court\n\n"
        "(AP) LONDON - Prosecutors charged two former aides on Tuesday over phone hacking.\n\n"
        "The charges follow a year of inquiries.\n"
    ).article
    assert (series.kicker, series.source, series.figures) == ("Hacking in Court", "AP", ())


def test_a_headline_about_gold_prices_is_no_price_box():
    article = imported(
        "Giá vàng hôm nay 17/6: Đảo chiều, tăng trở lại\n"
        "Giá vàng hôm nay tăng trong phiên giao dịch cuối tuần nhưng không thể bứt phá.\n"
        "Trên sàn Comex, hợp đồng vàng tương lai giao tháng 8 tăng 0,14%, ở mức 1.256 USD.\n"
    ).article
    assert article.title == "Giá vàng hôm nay 17/6: Đảo chiều, tăng trở lại"
    assert article.lead.startswith("Giá vàng hôm nay tăng")


@pytest.mark.parametrize(
    "text",
    [
        "Guidelines: Reader feedback should follow the rules of our community, or the comments "
        "will be removed from the site.",
        "Comments may be no longer than 2000 characters.",
    ],
)
def test_the_rules_above_a_comment_form_end_the_article(text):
    article = imported(
        f"Ryan keeps his mind on the record\n\nThe quarterback led the team to seven wins.\n\n"
        f"He said the season is far from over.\n\n{text}\n\nReader one: great game.\n"
    ).article
    assert article.paragraphs == ("He said the season is far from over.",)


def test_a_two_word_dateline_without_a_comma():
    article = imported(
        "Talks resume on Tuesday\n\nNEW YORK -- Negotiators met again on Tuesday after a break.\n"
    ).article
    assert article.lead == "Negotiators met again on Tuesday after a break."


@pytest.mark.parametrize(
    ("text", "authors", "source"),
    [
        ("+ Posted by Brandon Lake // Executive Producer, Dust 514", ["Brandon Lake"], ""),
        ("By Jeremy Glade info", ["Jeremy Glade"], ""),
        ("Submitted by Kyle Manton on Thu, 08/09/2012 - 3:04pm", ["Kyle Manton"], ""),
        ("TTXVN/Tin Tức", [], "TTXVN/Tin Tức"),
    ],
)
def test_bylines_with_bullets_separators_link_labels_and_two_outlets(text, authors, source):
    found = parse_byline(text, "en")
    assert found is not None and (found.authors, found.source) == (authors, source)


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Photo: blogs.telegraph.co.uk", "blogs.telegraph.co.uk"),
        ("Top image by Bo Liao", "Bo Liao"),
    ],
)
def test_a_site_as_a_credit_and_the_top_image_s_credit(line, credit):
    found = parse_caption(line)
    assert found is not None and (found.caption, found.credit) == ("", credit)


def test_the_end_of_an_article_its_source_a_list_and_a_video_s_link():
    text = (
        "How geckos cope with wet feet\n\n"
        "Geckos cling to almost any dry surface, and a team set out to learn about wet ones.\n\n"
        "Direct link to How geckos cope with wet feet on YouTube.\n\n"
        "What to look for in the results:\n\n"
        "– Grip on Glass\n– Grip When Wet\n– Recovery Time\n\n"
        "So geckos can walk on wet surfaces as long as their feet stay reasonably dry, and the "
        "team now wants to learn how long a drenched gecko takes to recover. "
        "Source : The Society of Biologists\n"
    )
    article = imported(text).article
    assert (article.source, article.authors) == ("The Society of Biologists", ())
    assert article.paragraphs[1] == "- Grip on Glass\n- Grip When Wet\n- Recovery Time"
    assert not any("Direct link" in p or "Source" in p for p in article.paragraphs)


def test_the_headline_glued_before_the_text_is_the_lead_photo_s_caption():
    title = "Những mẫu xe rẻ nhất từng phân khúc hiện nay"
    article = imported(
        f"{title}\nDanh sách những mẫu xe rẻ nhất do một trang chuyên về ô tô bình chọn.\n"
        f"{title} Tìm mua được một chiếc xe phù hợp nhu cầu sử dụng là điều mà khách hàng "
        "mong muốn, nhất là khi giá cũng vừa túi tiền.\n"
    ).article
    assert [(f.caption, f.after_paragraph) for f in article.figures] == [(title, 0)]
    assert article.paragraphs[0].startswith("Tìm mua được")


def test_a_byline_with_no_name_in_it_is_skipped():
    result = imported(
        "Dirk got married\ncomments ()\nBy SportsDesk sports\n"
        "1:06 am on August 9, 2012 | Permalink\n\n"
        "Turns out the forward did get married in July, and only a few friends were there.\n\n"
        "Give us your ideas on the subject by commenting below.\n"
    )
    assert result.article.lead.startswith("Turns out")
    assert result.article.published is not None and result.article.published.day == 9
    assert any("no name" in w for w in result.warnings)


def test_a_photo_and_a_date_alone_are_refused_with_the_reason():
    from publisher.errors import InputError

    with pytest.raises(InputError, match="no recognisable title"):
        imported("Cầu mới qua sông Hồng lúc bình minh. Ảnh: Minh Khoa\n12/08/2017 15:42\n")


def test_a_wire_s_dateline_line_an_em_dash_dateline_and_a_hyphenated_name():
    article = imported(
        "Woman charged in injection death\n\nBy JUNG-AH LEE Associated Press\n"
        "PHILADELPHIA July 24, 2012 (AP)\n\n"
        "A woman who calls herself a nurse is facing murder charges, prosecutors said.\n\n"
        "She was arraigned on Tuesday.\n"
    ).article
    assert (article.authors, article.source) == (("Jung-Ah Lee",), "Associated Press")
    assert article.published is not None and article.published.day == 24
    assert article.paragraphs == ("She was arraigned on Tuesday.",)
    seoul = imported(
        "LG Display swings to profit\n\n"
        "SEOUL—Demand for displays rose in the third quarter of the year.\n\n"
        "The company said so on Thursday.\n"
    ).article
    assert seoul.lead == "Demand for displays rose in the third quarter of the year."


@pytest.mark.parametrize(
    ("text", "authors", "day"),
    [
        ("Posted November 4th, 2012 / By Jean-Paul Gassin in Inspiration", ["Jean-Paul Gassin"], 4),
        ("Modified on August 31, 2012 by Matt Tuck", ["Matt Tuck"], 31),
    ],
)
def test_a_blog_s_category_after_the_name_and_a_modified_date(text, authors, day):
    found = parse_byline(text, "en")
    assert found is not None and found.authors == authors
    assert found.date is not None and found.date.value.day == day


@pytest.mark.parametrize(
    "line",
    [
        "Click here to find out which 9 other stocks recently crossed above their 200 day moving "
        "average »",
        "Special Offer: Establish a secure stream of income during your retirement years.",
        "See what other ETFs contain EXXI »",
        "Buy Now: 16GB $399 | 32GB $499 (Available Nov. 13th)",
    ],
)
def test_offers_and_arrow_links_are_furniture(line):
    assert is_widget(line)


def test_a_quotation_closed_with_guillemets_stays():
    assert not is_widget("«Chúng tôi sẽ trở lại vào năm sau», ông nói với báo chí »")
    assert not is_widget("Ông nói: «Chúng tôi sẽ trở lại vào năm sau»")


def test_the_guardian_s_photograph_label_and_a_column_s_mailbox():
    found = parse_caption(
        "Brokers say the scheme may have boosted lending. Photograph Chris Furl/Getty Images"
    )
    assert found is not None and found.credit == "Chris Furl/Getty Images"
    result = imported(
        "Reassessing flu shots\n\nBy RONI RABIN\n\nIt is flu-shot season again this month.\n\n"
        "Wash your hands, the doctors say.\n\n"
        "Readers may submit comments or questions for The Consumer by e-mail to c@paper.example.\n"
    )
    assert result.article.paragraphs == ("Wash your hands, the doctors say.",)
    assert any("editors' note" in w for w in result.warnings)


@pytest.mark.parametrize(
    "line",
    [
        "[ Download the Big Data Analytics Deep Dive for a practical overview. ]",
        "To see John Blackstone's report, click on the video in the player above.",
    ],
)
def test_a_boxed_promotion_and_a_pointer_to_a_video_are_furniture(line):
    assert is_widget(line)


@pytest.mark.parametrize("line", ["Cross-posted on Blogger Buzz", "Permalink"])
def test_a_blog_s_cross_post_note_and_permalink(line):
    assert is_widget(line)


@pytest.mark.parametrize(
    "line",
    [
        "Want to stay on top of all the space news? Follow @universetoday on Twitter",
        "Remove this ad",
    ],
)
def test_a_follow_us_line_and_an_ad_s_button(line):
    assert is_widget(line)


def test_a_date_with_the_link_to_its_comments():
    found = parse_date_line("Oct 30, 2012 - Leave a Comment", "en")
    assert found is not None and found.value.day == 30
