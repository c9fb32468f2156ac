"""Word lists: stopwords per language, and news vocabulary too generic to be a keyword.

Vietnamese stopwords come from stopwords-iso (``stopwordsiso``), English ones from the SMART
system's stop list (the one YAKE uses, ``publisher/data/keywords/stopwords-en.txt``); both ship
inside installed packages, so nothing is downloaded. stopwords-iso's Vietnamese
list mixes function words with syllables that just as often begin or end a content word (``số``
in ``dân tộc thiểu số``, ``thanh`` in ``Thanh Hóa``, ``chính`` in ``chính sách``): those are
left out, or the plain syllable fallback could never suggest such phrases.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

_VI_NOT_STOP = """
    bài bản biết bộ cao chuyện chính con cuộc cây căn cơ cơn cần dưới duy dữ giữa hỏi
    khác không lớn lần làm mình mới người ngôi ngọn nhà nhận nhất nói nơi nền phải quyết quyển
    quá quả sạch số sự thanh thuần thường thấy thế toà tấm tấn việc điều đi ý
"""

# Function words, titles and date words stopwords-iso lacks: a keyword never starts or ends
# with one (``tháng đầu năm`` is a date fragment, ``ông Nguyễn`` a title and a name).
_VI_EXTRA = """
    ngày tháng năm giờ phút giây tuần quý hôm sáng trưa chiều tối đêm nay mai thứ đầu cuối
    ông bà anh chị em cô chú bác nhằm thêm tốt nhau riêng
    đồng chí|đối với|trong đó|theo đó|qua đó|bên cạnh|đồng thời|tuy nhiên|ngoài ra|nói chung
    nói riêng|hiện nay|cho biết|cho hay|cho rằng|được biết|đặc biệt|cùng nhau|lẫn nhau
    hơn nữa|hết sức
"""

# News vocabulary that is not a keyword by itself: a phrase made only of these is dropped.
_VI_GENERIC = """
    thực hiện|tăng cường|nâng cao|triển khai|tổ chức|hiệu quả|góp phần|đảm bảo|bảo đảm|kết quả
    hoạt động|kế hoạch|chương trình|thời gian|vấn đề|nội dung|tình hình|yêu cầu|nhiệm vụ
    tiến độ|chất lượng|thực tế|thực tiễn|cơ bản|cụ thể|kịp thời|tích cực|chủ động|thiết thực
    giao lưu|trao đổi|chia sẻ|học hỏi|lắng nghe|nhấn mạnh|thông tin|khái quát|đại diện|lãnh đạo
    cơ quan|địa phương|cấp|ngành|những năm|cơ hội|thuận lợi|khó khăn|buổi|làm việc|ban hành
    tham mưu|chỉ đạo|quan tâm|phối hợp|đáng kể|ổn định|vận dụng|tiêu biểu|thành công|người dân
    tỉnh|thành phố|huyện|quận|thị xã|phường|xã|thôn|trưởng|phó|trưởng ban|chủ tịch|giám đốc
    phía bắc|phía nam|phía đông|phía tây|tham gia|vận hành
    mục tiêu|quản lý|liên tục|bệnh viện|bệnh nhân|số ca|ca|trường hợp|đơn vị|dự án
"""

_EN_EXTRA = """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    mr mrs ms dr dra said says say told according also just like percent year years week weeks
    month months day days time times hundred hundreds thousand thousands million millions
    billion billions dozen dozens half quarter north south east west one two three four five six
    seven eight nine ten eleven twelve twenty minute minutes hour hours second seconds
"""

_EN_GENERIC = "people thing things way lot part number group report news story statement"


def _entries(text: str) -> set[str]:
    """Words of a list: ``|`` separates phrases on lines that have one, else spaces."""
    found: set[str] = set()
    for line in text.strip().splitlines():
        parts = line.split("|") if "|" in line else line.split()
        found.update(p.strip().casefold() for p in parts if p.strip())
    return found


@cache
def stopwords(language: str) -> frozenset[str]:
    """Lower-case stopwords for ``vi`` (syllables and multi-syllable words) or ``en``."""
    if language == "vi":
        import stopwordsiso  # reads its JSON of every language on import

        base = {w.casefold() for w in stopwordsiso.stopwords("vi")} - _entries(_VI_NOT_STOP)
        return frozenset(base | _entries(_VI_EXTRA))
    listed = files("publisher").joinpath("data", "keywords", "stopwords-en.txt")
    lines = listed.read_text(encoding="utf-8").splitlines()
    base = {w.strip().casefold() for w in lines if w.strip() and not w.startswith("#")}
    return frozenset(base | _entries(_EN_EXTRA))


@cache
def generic(language: str) -> frozenset[str]:
    """Lower-case words and phrases too general to stand as a keyword on their own."""
    return frozenset(_entries(_VI_GENERIC if language == "vi" else _EN_GENERIC))
