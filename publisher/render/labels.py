"""The words a theme prints around the articles, per language (``[labels.<lang>]`` overrides)."""

from __future__ import annotations

from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.lists import format_list

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "date_format": "EEEE, d MMMM y",
        "issue_number": "No. {number}",
        "greeting": "Hello %%SUBSCRIBER_NAME%%,",
        "photo": "Photo",
        "read_more": "Read more",
        "read_online": "Read online",
        "keywords": "Keywords",
        "glossary": "Glossary",
        "abbreviations": "Abbreviations",
        "contents": "Contents",
        "in_this_issue": "In this issue",
        "links": "Links",
        "page": "Page",
        "view_in_browser": "View in your browser",
        "unsubscribe": "Unsubscribe",
        "sent_to": "This email was sent to %%SUBSCRIBER_EMAIL%%.",
    },
    "vi": {
        # Babel's vi "full" pattern writes "12 tháng 8, 2017"; Vietnamese papers write 12/08/2017.
        "date_format": "EEEE, dd/MM/y",
        "issue_number": "Số {number}",
        "greeting": "Xin chào %%SUBSCRIBER_NAME%%,",
        "photo": "Ảnh",
        "read_more": "Đọc tiếp",
        "read_online": "Đọc trên web",
        "keywords": "Từ khóa",
        "glossary": "Chú giải",
        "abbreviations": "Chữ viết tắt",
        "contents": "Mục lục",
        "in_this_issue": "Trong số này",
        "links": "Liên kết",
        "page": "Trang",
        "view_in_browser": "Xem trên trình duyệt",
        "unsubscribe": "Hủy đăng ký",
        "sent_to": "Thư này được gửi tới %%SUBSCRIBER_EMAIL%%.",
    },
}


def locale_for(language: str) -> Locale:
    """Babel's locale for an issue language; English when Babel does not know it."""
    try:
        return Locale.parse((language or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def labels_for(language: str, theme_settings: dict[str, Any]) -> dict[str, str]:
    """English, then the language's own words, then the theme's overrides for that language."""
    base = (language or "en").split("-")[0].lower()
    labels = dict(LABELS["en"])
    labels.update(LABELS.get(base, {}))
    overrides = theme_settings.get("labels", {})
    labels.update(overrides.get(base, {}))
    labels.update(overrides.get(language, {}))
    return labels


def format_day(day: Any, language: str, pattern: str) -> str:
    """A date in the issue's language (``Thứ Bảy, 12/08/2017``)."""
    return format_date(day, pattern, locale=locale_for(language))


def format_names(names: list[str], language: str) -> str:
    """``A, B và C`` in Vietnamese, ``A, B and C`` in English."""
    return format_list(names, locale=locale_for(language)) if names else ""


def language_name(code: str) -> str:
    """A language's name in itself, as a reader of it looks for it: ``Tiếng Việt``, ``English``."""
    name = locale_for(code).get_display_name(locale_for(code)) or code
    return name[:1].upper() + name[1:]
