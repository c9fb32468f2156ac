import pytest

from publisher.articles.library import Library
from publisher.errors import LibraryError
from publisher.model import Article, Provenance


def article(title: str, source: str, lead: str = "Lead.", keywords=()) -> Article:
    return Article(
        title=title,
        lead=lead,
        keywords=tuple(keywords),
        provenance=Provenance(source, "news-text", f"sha256:{source}"),
    )


def test_same_title_other_source_gets_new_slug(tmp_path):
    library = Library(tmp_path / "articles")
    first = library.save(article("Hà Nội mưa lớn", "a.txt"))
    second = library.save(article("Hà Nội mưa lớn", "b.txt"))
    assert (first.article.slug, second.article.slug) == ("ha-noi-mua-lon", "ha-noi-mua-lon-2")
    assert first.action == second.action == "created"
    assert library.get("ha-noi-mua-lon").provenance.source_file == "a.txt"


def test_same_source_updates_or_is_unchanged(tmp_path):
    library = Library(tmp_path / "articles")
    library.save(article("Title", "a.txt"))
    assert library.save(article("Title", "a.txt")).action == "unchanged"
    updated = library.save(article("New title", "a.txt", lead="Other lead."))
    assert (updated.action, updated.article.slug) == ("updated", "title")
    assert Library(tmp_path / "articles").slugs() == ["title"]


def test_dry_runs_write_nothing_and_plan_like_real_saves(tmp_path):
    library = Library(tmp_path / "articles")
    for _ in range(2):  # the same Library object planning the same files twice
        results = [
            library.save(article("Same", "a.txt"), dry_run=True),
            library.save(article("Same", "b.txt"), dry_run=True),
        ]
        assert [r.article.slug for r in results] == ["same", "same-2"]
    assert not (tmp_path / "articles").exists()


def test_find_by_keyword_ignores_accents_and_case(tmp_path):
    library = Library(tmp_path / "articles")
    library.save(article("A", "a.txt", keywords=["Dân tộc thiểu số"]))
    library.save(article("B", "b.txt", keywords=["kinh tế"]))
    assert [a.slug for a in library.find(keyword="dan toc")] == ["a"]


def test_unknown_slug_suggests_close_matches(tmp_path):
    library = Library(tmp_path / "articles")
    library.save(article("Mưa lớn", "a.txt"))
    with pytest.raises(LibraryError, match="did you mean: mua-lon"):
        library.get("mua-lonn")


def test_library_path_that_is_a_file(tmp_path):
    (tmp_path / "articles").write_text("not a folder")
    with pytest.raises(LibraryError, match="not a folder"):
        Library(tmp_path / "articles").save(article("T", "a.txt"))


def test_an_article_file_past_the_size_limit_is_an_error(tmp_path, monkeypatch):
    library = Library(tmp_path)
    library.save(article("Big", "big.txt"))
    monkeypatch.setattr("publisher.articles.library.MAX_ARTICLE_BYTES", 100)
    with pytest.raises(LibraryError, match="bytes: the limit is 100"):
        library.get("big")
