"""A small composed issue built in code: two sections, Vietnamese and English, figures, glossary."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from publisher.model import Article, Entry, Figure, Issue, Section, Sender

ICT = timezone(timedelta(hours=7))
BASE_URL = "https://news.example.org/"
SLUG = "so-12"


def article(slug: str, **fields) -> Article:
    """An article with sensible defaults for the fields a test does not care about."""
    values = {
        "title": f"Title of {slug}",
        "slug": slug,
        "language": "vi",
        "published": datetime(2017, 8, 12, 15, 42, tzinfo=ICT),
        "lead": "A lead paragraph.",
        "paragraphs": ("A body paragraph.",),
    }
    values.update(fields)
    return Article(**values)


def entry(art: Article, **fields) -> Entry:
    return Entry(art, url=f"{BASE_URL}issues/{SLUG}/{art.slug}/", **fields)


def issue_of(*sections: Section, **fields) -> Issue:
    values = {
        "slug": SLUG,
        "title": "Bản tin Dân tộc số 12",
        "number": 12,
        "date": date(2017, 8, 14),
        "language": "vi",
        "subject": "Bản tin số 12: giao lưu và kinh nghiệm",
        "preheader": "Ban Dân tộc Hà Nội giao lưu với Thanh Hóa, và hai tin khác.",
        "intro": "Chào mừng bạn đến với **số 12**. Xem thêm tại [trang web](https://news.example.org/).",
        "sections": sections,
        "sender": Sender(
            organisation="Ví dụ: Bản tin Dân tộc",
            address="12 Phố Ví Dụ, Hoàn Kiếm, Hà Nội, Việt Nam",
            from_name="Bản tin Dân tộc",
            from_email="bantin@news.example.org",
            reply_to="toasoan@news.example.org",
        ),
        "base_url": BASE_URL,
    }
    values.update(fields)
    return Issue(**values)


def sample_issue(**fields) -> Issue:
    """Three articles in two sections; the first has two figures and a glossary."""
    seed = article(
        "tang-cuong-giao-luu-trao-doi-kinh-nghiem",
        title="Tăng cường giao lưu, trao đổi kinh nghiệm",
        kicker="Ban Dân tộc Hà Nội",
        source="PL&XH",
        authors=("Khánh Phong", "Nhật Minh"),
        lead="Ban Dân tộc Hà Nội tăng cường các hoạt động đối ngoại để trao đổi kinh nghiệm "
        "thực tiễn về công tác dân tộc (CTDT).",
        paragraphs=(
            "Ngày 4-8-2017, hai cơ quan làm CTDT đã có buổi giao lưu tại Thanh Hóa.",
            "Hai bên chia sẻ thuận lợi, khó khăn và mô hình phát triển sản xuất.",
            "Buổi giao lưu là cơ hội để các cán bộ chủ chốt trao đổi nội dung thiết thực.",
        ),
        figures=(
            Figure(
                src="images/giao-luu.jpg",
                caption="Hai cơ quan làm công tác dân tộc chụp ảnh lưu niệm.",
                credit="Kim Nhung",
                after_paragraph=1,
            ),
            Figure(
                src="https://cdn.example.org/anh/hoi-nghi.jpg",
                alt="Hội trường buổi giao lưu",
                caption="Quang cảnh buổi làm việc.",
                credit="Kim Nhung",
                after_paragraph=3,
            ),
        ),
        keywords=("dân tộc", "Hà Nội", "Thanh Hóa"),
        glossary={"CTDT": "công tác dân tộc", "CSDT": "chính sách dân tộc"},
    )
    weather = article(
        "mua-lon-o-vung-nui",
        title="Mưa lớn ở vùng núi phía Bắc",
        kicker="Thời tiết",
        authors=("Ví dụ",),
        lead="Mưa to kéo dài ba ngày ở các tỉnh miền núi; người dân được khuyên không đi qua suối.",
        paragraphs=("Đoạn thứ hai của bài ví dụ về thời tiết.",),
        figures=(Figure(src="images/mua.jpg", caption="Mưa trên đèo.", credit="Ví dụ"),),
        keywords=("thời tiết",),
    )
    english = article(
        "river-clean-up",
        title="Volunteers clean up the river banks",
        kicker="Environment",
        language="en",
        authors=("Example Reporter",),
        source="Example Wire",
        lead="Hundreds of volunteers collected rubbish along the Red River on Saturday.",
        paragraphs=(
            "The clean-up, an example for this newsletter, ran from dawn to noon.",
            "Organisers said they would repeat it every month.",
        ),
        keywords=("environment", "volunteers"),
    )
    return issue_of(
        Section("Thời sự", (entry(seed, excerpt="full"), entry(weather, excerpt="lead"))),
        Section("Quốc tế", (entry(english, excerpt=12),)),
        **fields,
    )


EXAMPLE = "ban-tin-vi-du-so-1"


def example_issue(theme: str | None = None) -> Issue:
    """The example issue of the example newsletter in this repository, composed."""
    from publisher.config import load_config
    from publisher.issues.compose import compose_issue
    from tests.conftest import ROOT

    issue = compose_issue(load_config(ROOT), EXAMPLE)
    return replace(issue, theme=theme) if theme else issue


def write_sample_images(project, size=(900, 600)) -> None:
    """Image files for the sample issue's local figures (a build publishes them)."""
    from PIL import Image

    for entry in sample_issue().entries:
        for figure in entry.article.figures:
            if "://" not in figure.src:
                path = project / figure.src
                path.parent.mkdir(parents=True, exist_ok=True)
                Image.new("RGB", size, (200, 120, 60)).save(path)
