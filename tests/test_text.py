import unicodedata

import pytest

from publisher.text import clean, detect_language, fold, is_blank, slugify


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Tăng cường giao lưu, trao đổi kinh nghiệm", "tang-cuong-giao-luu-trao-doi-kinh-nghiem"),
        ("Đường về Đà Lạt", "duong-ve-da-lat"),
        ("Latest Amelia Earhart search falls short", "latest-amelia-earhart-search-falls-short"),
        ("  !!!  ", "article"),
        ("Ưu đãi 50% cho khách hàng", "uu-dai-50-cho-khach-hang"),
    ],
)
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_slugify_nfd_input_gives_same_slug():
    title = "Tăng cường giao lưu"
    assert slugify(unicodedata.normalize("NFD", title)) == slugify(title)


def test_slugify_truncates_at_word_boundary():
    slug = slugify("word " * 40, max_length=22)
    assert slug == "word-word-word-word"


def test_clean_removes_nbsp_and_invisible():
    assert clean("\u00a0 Hà\u200b  Nội \t\n") == "Hà Nội"
    assert is_blank("\u00a0 \u2009")
    assert clean(unicodedata.normalize("NFD", "dân tộc")) == "dân tộc"


def test_fold_is_accent_and_case_insensitive():
    assert fold("Dân Tộc") == fold("dan toc") == "dan toc"
    assert fold("Đồng bào") == "dong bao"


def test_detect_language():
    assert detect_language("Hai cơ quan làm công tác dân tộc chụp ảnh lưu niệm.") == "vi"
    assert detect_language("The group's thesis is based on the idea that they landed.") == "en"
