import pytest

from publisher.importers.newstext.dates import find_datetime, parse_date_line


@pytest.mark.parametrize(
    ("text", "language", "iso", "zone_given"),
    [
        ("15:42 ngày 12/08/2017", "vi", "2017-08-12T15:42:00+07:00", False),
        ("12/08/2017 15:42", "vi", "2017-08-12T15:42:00+07:00", False),
        ("Thứ bảy, 12/8/2017, 15:42 (GMT+7)", "vi", "2017-08-12T15:42:00+07:00", True),
        ("Thứ Bảy, ngày 12/08/2017 - 15:42", "vi", "2017-08-12T15:42:00+07:00", False),
        ("Cập nhật lúc 15h42 ngày 12 tháng 8 năm 2017", "vi", "2017-08-12T15:42:00+07:00", False),
        ("August 12, 2017 3:42 PM", "en", "2017-08-12T15:42:00+00:00", False),
        ("July 24, 2012, 9:39 am", "en", "2012-07-24T09:39:00+00:00", False),
        ("July 24, 2012 12:11 AM", "en", "2012-07-24T00:11:00+00:00", False),
        ("23 Jul 2012 7:29pm, EDT", "en", "2012-07-23T19:29:00-04:00", True),
        ("Updated 3:42 PM ET, Sat August 12, 2017", "en", "2017-08-12T15:42:00-04:00", True),
        ("Updated 3:42 PM ET, Sat January 12, 2017", "en", "2017-01-12T15:42:00-05:00", True),
        ("Sat 12 Aug 2017 15.42 BST", "en", "2017-08-12T15:42:00+01:00", True),
        ("2017-08-12T15:42:00+07:00", "en", "2017-08-12T15:42:00+07:00", True),
        ("AUGUST 3, 2017 / 9:15 AM", "en", "2017-08-03T09:15:00+00:00", False),
        ("Published 08/03/2017 9:15 UTC+2", "en", "2017-08-03T09:15:00+02:00", True),
    ],
)
def test_date_lines(text, language, iso, zone_given):
    found = parse_date_line(text, language)
    assert found is not None
    assert found.value.isoformat() == iso
    assert found.zone_given is zone_given
    assert found.value.tzinfo is not None


def test_date_without_time_is_midnight_and_says_so():
    found = parse_date_line("Published: August 12, 2017", "en")
    assert found is not None and not found.has_time
    assert found.value.isoformat() == "2017-08-12T00:00:00+00:00"


@pytest.mark.parametrize(
    "text",
    [
        "Trường có 2 đợt thi thử vào ngày 26/02/2017",
        "Kế hoạch số 166 ngày 30-11-2012 của thành phố",
        "Thể Thao Việt Nam | 09:05 07/02/2017",
        "The score was 3-1 at half time",
        "32/13/2017 25:61",
    ],
)
def test_not_date_lines(text):
    assert parse_date_line(text, "vi") is None


def test_date_inside_a_byline():
    found = find_datetime("By Jane Doe | Aug. 3, 2017, 9 a.m. EST", "en")
    assert found is not None
    assert found.value.isoformat() == "2017-08-03T09:00:00-05:00"


def test_numeric_dates_follow_the_language():
    assert find_datetime("03/04/2017", "vi").value.month == 4
    assert find_datetime("03/04/2017", "en").value.month == 3
    assert find_datetime("25/04/2017", "en").value.month == 4
