"""Lines that are the page, not the article: widgets, share and print buttons, copyright,
keyword lines, and the headings that open related-article lists and comment sections."""

from __future__ import annotations

import re

_BULLET = re.compile(r"^[\s•·▪●►»>\-–*|]+")

_WIDGETS = re.compile(
    # Weather and price boxes: the label and a few words or figures (a headline about gold
    # prices is longer).
    r"^(?:dự báo thời tiết(?:\s+\S+){0,4}|thời tiết (?:hôm nay|các tỉnh)(?:\s+\S+){0,3}"
    r"|(?:tỷ giá|giá vàng)(?:\s+\S+){0,3}|xem bản đầy đủ"
    r"|quảng cáo|advertisement|sponsored|loading\.*|đang tải(?: tin| bài| dữ liệu)?\.*"
    r"|video đang được xử lý.*"
    r"|(?:in bài|lưu bài|gửi bài|gửi email|báo lỗi|theo dõi|chia sẻ|bình chọn|thích|tweet|share"
    r"|print|email|e-mail|font size|text size|cỡ chữ|save|like|follow|facebook|twitter|zalo"
    r"|linkedin|pinterest|whatsapp|reddit|copy link|sao chép liên kết|[a-z]?[+-]|a+|aa+"
    r"|(?:share|chia sẻ) (?:on|qua|lên) \w+)(?:\s*[|/·•,]?\s*(?:in bài|lưu bài|gửi bài|chia sẻ"
    r"|thích|tweet|share|print|email|e-mail|font size|cỡ chữ|save|like|facebook|twitter|zalo"
    r"|linkedin|pinterest|whatsapp|reddit|[a-z]?[+-]|a+|aa+|\d+))*"
    r"|(?:back to|về) (?:top|đầu trang|trang chủ)|trở về đầu trang|top of page|trở lại .{1,30}"
    r"|follow (?:\w+ ){1,3}on (?:twitter|facebook|instagram|x|threads).{0,40}"
    r"|(?:want to (?:stay|keep) .{0,80}\?\s*)?follow @\w+ on (?:twitter|facebook|instagram)\.?"
    r"|remove this ad|hide (?:this )?ads?"
    r"|(?:sign up|subscribe|đăng ký nhận tin).{0,60}|follow us.{0,40}|click here.{0,160}"
    # Advertisers' and the site's offers, and links set as a line with an arrow (``See what
    # other ETFs contain EXXI »``; a quotation closed with ``»`` opens with ``«``).
    r"|special offer:.{0,300}|buy now\b.{0,100}|[^«]{1,100}»"
    # A promotion boxed in brackets, and the line pointing at a video player.
    r"|\[\s.{5,300}\s\]|.{0,80}\bclick on the video\b.{0,80}"
    r"|cross-posted (?:on|to|from) .{1,60}|permalink"
    r"|(?:learn|read|see|watch) more\b.{0,140}(?:below|here|video)\.?|continue reading.{0,40}"
    r"|(?:tải|download) (?:ứng dụng|app).{0,40}"
    r"|\d[\d.,]*\s*(?:lượt xem|lượt thích|lượt chia sẻ|views|likes|shares)"
    r"|(?:trang chủ|home)\s*[>›»/|].{0,80}"
    # The site's navigation: labels of menus, search boxes and log-in links, alone on a line.
    r"|danh mục|chuyên mục|menu|main menu|trang chủ|home|tìm kiếm|search|đăng nhập|log ?in"
    r"|sign in|skip to (?:main )?content|toggle navigation|navigation|đóng|close"
    # Reader controls: summaries and captions to unfold, image viewers, audio players,
    # reading times, save and gift buttons, the notes around an advertisement.
    r"|(?:show|hide) (?:summary|caption|captions|transcript)(?: (?:show|hide) \w+)?"
    r"|toggle caption|enlarge this image|view image in fullscreen|open image in gallery"
    r"|listen(?: to (?:this )?(?:article|story))?(?:\s*[·•|-]?\s*\d{1,2}:\d{2}(?: min)?)?"
    r"|\d{1,2} min(?:ute)?s? read|(?:reading time|thời gian đọc):?\s*\d{1,2}\s*(?:min\w*|phút)?"
    r"|save (?:article|story)"
    r"|gift (?:this )?article|share (?:full|this) (?:article|story)"
    r"|(?:story|article) continues below(?: advertisement)?|skip advertisement"
    r"|bỏ qua quảng cáo|nghe (?:đọc )?bài(?: viết| báo)?|nghe audio"
    r"|theo dõi .{1,40} trên google news"
    r"|mời (?:quý )?(?:độc giả|bạn đọc|quý vị) (?:xem|theo dõi|đón đọc|đón xem).{0,60}"
    # Blog furniture (Blogger, WordPress): the post's navigation and share blocks.
    r"|reuse this content|supported by|send any friend a story|give this article"
    r"|syndicate content|rss feeds?|show full (?:article|story|post)|(?:share|like) this:?"
    r"|newer posts?(?: older posts?)?(?: home)?|older posts?(?: home)?"
    # The text an embedded video leaves: ``Direct link to <title> on YouTube.``
    r"|direct link to .{1,200} on (?:youtube|vimeo)\.?)$",
    re.I,
)
# ``Thời sự > Xã hội > Giao thông``: a breadcrumb of short section names.
_BREADCRUMB = re.compile(r"^[^\W\d][\w ]{0,25}(?:\s*[>›»]\s*[^\W\d][\w ]{0,25}){1,5}$")
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright\b|bản quyền\b|all rights reserved|ghi rõ nguồn.*phát hành lại"
    r"|không được sao chép|this material may not be published)",
    re.I,
)
_KEYWORDS = re.compile(
    r"^(?:từ khóa|từ khoá|tag|tags|keywords?|chủ đề|topics?|tìm kiếm liên quan|filed under"
    r"|labels|tagged(?: with)?|nhãn)"
    r"\s*(?::\s*(?P<rest>.*)|(?P<bare>))$",
    re.I,
)
_RELATED = re.compile(
    r"^(?:tin liên quan|bài liên quan|tin cùng chuyên mục|tin khác|các tin khác|tin mới(?: nhất)?"
    r"|xem thêm|đọc thêm|có thể bạn quan tâm|bạn có thể quan tâm|đừng bỏ lỡ|tin nổi bật"
    r"|related(?: articles| stories| news| links| coverage| content)?|read more|more on this story"
    r"|more from .{1,40}|see also|you may also like|you might also like|recommended(?: for you)?"
    r"|most (?:read|popular|viewed)|trending|also on .{1,30}|further reading"
    r"|explore more on (?:these|this) topics?|related topics"
    r"|xem nhiều nhất|đọc nhiều nhất|tin đọc nhiều|tin xem nhiều|tin mới nhất)"
    r"\s*(?::\s*(?P<rest>.*))?$",
    re.I,
)
_COMMENTS = re.compile(
    r"^(?:(?:\d+\s*|no\s+))?(?:bình luận|ý kiến(?: bạn đọc| của bạn)?|phản hồi|gửi bình luận"
    r"|gửi ý kiến"
    r"|viết bình luận|comments?|reader comments|discussion|join the (?:conversation|discussion)"
    r"|leave a (?:comment|reply)|post a comment|add a comment|show comments|view comments)"
    r"\s*(?:\(\d*\))?\s*:?$"
    # The rules printed above a comment form: ``Guidelines: Fan feedback should be …``.
    r"|^(?:(?:comment|community) )?guidelines\s*:.{0,300}\bcomments?\b.*"
    r"|^comments (?:may|must|are) .{0,200}$",
    re.I,
)
# A line of a comment thread: name and age, or the reply/like buttons under a comment.
_COMMENT_META = re.compile(
    r"(?:\b\d+\s*(?:phút|giờ|ngày|tuần|tháng) trước\b|\b\d+\s*(?:minutes?|hours?|days?|weeks?)"
    r" ago\b|^(?:trả lời|thích|reply|like|report|báo cáo)(?:\s*[|·•]\s*\w+)*\s*(?:\(\d+\))?$)",
    re.I,
)


# Around the headline: a time's label without its time (``Published``, then ``3 hours ago``),
# a time relative to a moment the saved text no longer has, and a time without its day
# (``Updated at 11:31 a.m. ET``). (Further down, relative times mark reader comments: see
# ``is_comment_meta``.)
_TIME_LABEL = re.compile(
    r"(?i)^(?:published|updated|posted|last updated|đăng|cập nhật|ngày đăng|thời gian"
    r"|\d{1,3} (?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?) ago"
    r"|\d{1,3} (?:giây|phút|giờ|ngày|tuần|tháng) trước"
    r"|(?:updated|posted|published)(?: at| on)? \d{1,2}[:.]\d{2}"
    r"\s*(?:[ap]\.?m\.?)?(?: [a-z]{1,4})?)"
    r"\s*:?$"
)


def is_time_label(text: str) -> bool:
    return bool(_TIME_LABEL.match(text.strip()))


def strip_bullet(text: str) -> str:
    return _BULLET.sub("", text).strip()


def is_widget(text: str) -> bool:
    """Share/print/font-size buttons, weather and price widgets, sign-up and read-more lines."""
    bare = strip_bullet(text)
    return not bare or any(p.match(bare) for p in (_WIDGETS, _COPYRIGHT, _BREADCRUMB))


def breadcrumb_section(text: str) -> str:
    """The last section a breadcrumb names (``Thời sự > Giao thông`` → ``Giao thông``)."""
    bare = strip_bullet(text)
    if not (_BREADCRUMB.match(bare) or re.match(r"(?i)^(?:trang chủ|home)\s*[>›»]", bare)):
        return ""
    crumbs = [c.strip() for c in re.split(r"\s*[>›»]\s*", bare) if c.strip()]
    crumbs = [c for c in crumbs if c.casefold() not in ("trang chủ", "home")]
    last = crumbs[-1] if crumbs else ""
    return last if 1 <= len(last.split()) <= 5 else ""


def keyword_line(text: str) -> list[str] | None:
    """The keywords on a ``Từ khóa:``/``Tags:`` line (empty list for an empty line), else None."""
    match = _KEYWORDS.match(strip_bullet(text))
    if not match:
        return None
    return split_keywords(match.group("rest") or "")


def split_keywords(text: str) -> list[str]:
    parts = re.split(r"\s*[,;|·•]\s*|\s+#", text.strip().lstrip("#"))
    return [p.strip(" .#") for p in parts if p.strip(" .#")]


def related_heading(text: str) -> str | None:
    """``bare`` for a heading that opens a related list, ``inline`` for ``Xem thêm: <title>``."""
    match = _RELATED.match(strip_bullet(text))
    if not match:
        return None
    return "inline" if (match.group("rest") or "").strip() else "bare"


def is_comments_heading(text: str) -> bool:
    # Symbols before it are a page's ornament (``!@#$%^&*() COMMENTS``), not words.
    return bool(_COMMENTS.match(re.sub(r"^[\W_]+|[\s*#=~•·—–-]+$", "", text)))


def is_comment_meta(text: str) -> bool:
    return len(text.split()) <= 12 and bool(_COMMENT_META.search(text))


def is_link_title(text: str) -> bool:
    """A related-article link: a headline-sized line, not a paragraph."""
    return len(text.split()) <= 25 and not (text.endswith(".") and len(text.split()) > 15)
