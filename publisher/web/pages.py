"""The pages of the web service, in Vietnamese or English, in the newsletter's colours.

Every value that comes from a request, the list or the settings is escaped; pages hold no
script, and a form posts back to its own address.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from publisher.config import Config
from publisher.errors import PublisherError

TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "vi": {
        "subscribe": ("Đăng ký nhận bản tin", "Nhập địa chỉ thư điện tử để nhận {name}."),
        "sent": (
            "Hãy kiểm tra hộp thư",
            "Nếu địa chỉ {email} có thể đăng ký, một thư có liên kết xác nhận đang được gửi"
            " tới. Hãy mở liên kết trong thư để bắt đầu nhận {name}.",
        ),
        "confirm": ("Xác nhận đăng ký", "Xác nhận nhận {name} tại địa chỉ {email}?"),
        "confirmed": ("Đã xác nhận", "Cảm ơn bạn! {email} sẽ nhận {name} từ số tới."),
        "expired": (
            "Liên kết đã hết hạn",
            "Liên kết xác nhận này đã hết hạn hoặc đã được dùng. Hãy đăng ký lại.",
        ),
        "unsubscribe": ("Hủy đăng ký", "Hủy nhận {name} cho địa chỉ {email}?"),
        "unsubscribed": ("Đã hủy đăng ký", "Địa chỉ {email} sẽ không nhận {name} nữa."),
        "already": ("Đã hủy đăng ký", "Địa chỉ {email} đã hủy đăng ký trước đây."),
        "not_found": ("Không tìm thấy", "Liên kết này không hợp lệ."),
        "bad_request": ("Yêu cầu không hợp lệ", "{reason}"),
        "error": ("Có lỗi xảy ra", "Xin thử lại sau ít phút."),
    },
    "en": {
        "subscribe": ("Subscribe", "Enter your email address to receive {name}."),
        "sent": (
            "Check your inbox",
            "If {email} can subscribe, a message with a confirmation link is on its way."
            " Open the link in it to start receiving {name}.",
        ),
        "confirm": ("Confirm your subscription", "Receive {name} at {email}?"),
        "confirmed": ("Subscription confirmed", "Thank you! {email} will receive {name}."),
        "expired": (
            "This link has expired",
            "This confirmation link has expired or was used already. Please subscribe again.",
        ),
        "unsubscribe": ("Unsubscribe", "Stop sending {name} to {email}?"),
        "unsubscribed": ("Unsubscribed", "{email} will not receive {name} any more."),
        "already": ("Unsubscribed", "{email} had already unsubscribed."),
        "not_found": ("Not found", "This link is not valid."),
        "bad_request": ("Bad request", "{reason}"),
        "error": ("Something went wrong", "Please try again in a few minutes."),
    },
}
BUTTONS = {
    "vi": {
        "subscribe": "Đăng ký",
        "confirm": "Xác nhận",
        "unsubscribe": "Hủy đăng ký",
    },
    "en": {"subscribe": "Subscribe", "confirm": "Confirm", "unsubscribe": "Unsubscribe"},
}
LABELS = {
    "vi": {"email": "Thư điện tử", "name": "Tên (không bắt buộc)", "language": "Ngôn ngữ"},
    "en": {"email": "Email", "name": "Name (optional)", "language": "Language"},
}
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
DEFAULT_COLORS = {"background": "#f3f1ec", "paper": "#ffffff", "text": "#1c1c1c",
                  "muted": "#5b5b5b", "accent": "#a4161a", "link": "#0b4f9c"}  # fmt: skip


@dataclass(frozen=True)
class Look:
    """What the pages take from the newsletter and its theme."""

    name: str
    colors: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLORS))
    font: str = "system-ui, sans-serif"
    heading_font: str = "system-ui, sans-serif"
    logo: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Config) -> Look:
        newsletter = config.table("newsletter")
        name = newsletter["name"] or newsletter["from_name"] or "newsletter"
        from publisher.render.theme import load_theme

        try:
            settings = load_theme(newsletter["theme"], config.templates_dir).settings
        except PublisherError:
            return cls(name)  # a broken theme must not take the unsubscribe page down
        fonts = settings.get("fonts", {})
        return cls(
            name=name,
            colors={**DEFAULT_COLORS, **{k: v for k, v in settings.get("colors", {}).items()
                                         if isinstance(v, str)}},
            font=fonts.get("body", cls.font),
            heading_font=fonts.get("headings", cls.heading_font),
            logo=settings.get("logo", {}) if settings.get("logo", {}).get("src") else {},
        )  # fmt: skip


def render(
    look: Look, kind: str, lang: str, *, button: str = "", form: str = "", **values: str
) -> bytes:
    """One page: ``kind``'s title and message in ``lang``; a form when ``button`` is given."""
    e = html.escape
    title, message = TEXTS[lang][kind]
    message = message.format(name=look.name, **values)
    c = look.colors
    logo = ""
    if look.logo:
        width = int(look.logo.get("width") or 160)
        logo = (
            f'<img src="{e(look.logo["src"])}" alt="{e(look.logo.get("alt") or look.name)}"'
            f' width="{width}" style="max-width:100%;height:auto">'
        )
    masthead = logo or f'<span class="name">{e(look.name)}</span>'
    action = ""
    if button:
        action = (
            f'<form method="post">{form}'
            f'<button type="submit">{e(BUTTONS[lang][button])}</button></form>'
        )
    style = (
        f"body{{margin:0;background:{c['background']};color:{c['text']};font:17px/1.5 {look.font}}}"
        f"main{{max-width:32em;margin:3em auto;padding:1.5em 2em;background:{c['paper']}}}"
        f"header{{border-bottom:3px solid {c['accent']};padding-bottom:.5em;margin-bottom:1em}}"
        f".name{{font:700 1.6em/1.2 {look.heading_font};color:{c['accent']}}}"
        f"h1{{font:700 1.3em/1.3 {look.heading_font}}}a{{color:{c['link']}}}"
        "label{display:block;margin:.8em 0 .2em}input,select{font:inherit;width:100%;"
        "box-sizing:border-box;padding:.4em}.hp{position:absolute;left:-10000px}"
        f"button{{font:inherit;margin-top:1em;padding:.5em 1.2em;border:0;color:#fff;"
        f"background:{c['accent']};cursor:pointer}}"
    )
    return (
        f'<!doctype html>\n<html lang="{e(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{e(title)} · {e(look.name)}</title><style>{style}</style></head>"
        f"<body><main><header>{masthead}</header><h1>{e(title)}</h1>"
        f"<p>{e(message)}</p>{action}</main></body></html>\n"
    ).encode()


def subscribe_fields(lang: str, chosen: str = "") -> str:
    """The fields of the subscribe form, with a honeypot that people never see or fill."""
    e, labels = html.escape, LABELS[lang]
    options = "".join(
        f'<option value="{code}"{" selected" if code == (chosen or lang) else ""}>{e(label)}'
        "</option>"
        for code, label in LANGUAGES.items()
    )
    return (
        f'<label for="email">{e(labels["email"])}</label>'
        '<input id="email" name="email" type="email" required autocomplete="email">'
        f'<label for="name">{e(labels["name"])}</label>'
        '<input id="name" name="name" autocomplete="name" maxlength="200">'
        f'<label for="language">{e(labels["language"])}</label>'
        f'<select id="language" name="language">{options}</select>'
        '<div class="hp" aria-hidden="true"><label for="website">Website</label>'
        '<input id="website" name="website" tabindex="-1" autocomplete="off"></div>'
    )


ONE_CLICK = '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
