"""Article images copied into the build: resized for email, named by content, metadata dropped."""

from __future__ import annotations

import io
import subprocess

import pytest
from PIL import Image

from publisher.errors import RenderError
from publisher.render.images import MAX_WIDTH, ImageStore
from tests.conftest import PYTHON, subprocess_env

BASE = "https://news.example.org/issues/so-1/"


def make_image(path, size, fmt="JPEG", mode="RGB", exif=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else None)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(path, fmt, **kwargs)
    return path


@pytest.fixture
def store(project):
    return ImageStore([project, project / "articles"], BASE)


def written(store, prepared) -> Image.Image:
    return Image.open(io.BytesIO(store.files[prepared.name]))


def test_wide_photo_is_resized_and_loses_its_metadata(project, store):
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x8825] = {2: (21.0, 1.0, 0.0)}  # GPS latitude
    make_image(project / "images" / "Ảnh lớn.jpg", (2400, 1600), exif=exif)
    prepared = store.resolve("images/Ảnh lớn.jpg")
    assert (prepared.width, prepared.height) == (MAX_WIDTH, 800)
    assert prepared.url.startswith(BASE + "images/anh-lon-") and prepared.url.endswith(".jpg")
    assert prepared.name.startswith("images/anh-lon-")
    with written(store, prepared) as image:
        assert image.size == (1200, 800)
        assert not image.getexif()


def test_exif_orientation_is_applied(project, store):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° when shown
    make_image(project / "images" / "portrait.jpg", (300, 200), exif=exif)
    prepared = store.resolve("images/portrait.jpg")
    assert (prepared.width, prepared.height) == (200, 300)


def test_small_png_keeps_its_size_format_and_alpha(project, store):
    make_image(project / "logo.png", (120, 40), "PNG", mode="RGBA")
    prepared = store.resolve("logo.png")
    assert (prepared.width, prepared.height) == (120, 40) and prepared.url.endswith(".png")
    with written(store, prepared) as image:
        assert image.mode == "RGBA"


def test_other_formats_become_jpeg(project, store):
    make_image(project / "scan.bmp", (50, 50), "BMP")
    assert store.resolve("scan.bmp").url.endswith(".jpg")


def test_names_follow_content(project, store):
    make_image(project / "a.jpg", (10, 10))
    first = store.resolve("a.jpg")
    assert store.resolve("a.jpg") is first
    other = ImageStore([project], BASE)
    assert other.resolve("a.jpg").url == first.url  # same bytes, same name: a stable URL
    make_image(project / "a.jpg", (20, 10))
    assert ImageStore([project], BASE).resolve("a.jpg").url != first.url


def test_clean_svg_and_gif_are_not_resized(project, store):
    (project / "chart.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    svg = store.resolve("chart.svg")
    assert store.files[svg.name] == (
        b"<?xml version='1.0' encoding='utf-8'?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
    )
    assert svg.width is None
    buffer = io.BytesIO()
    Image.new("P", (1500, 10)).save(buffer, "GIF")
    (project / "anim.gif").write_bytes(buffer.getvalue())
    gif = store.resolve("anim.gif")
    assert store.files[gif.name] == buffer.getvalue() and gif.width == 1500


def test_remote_images_are_left_alone(store):
    prepared = store.resolve("https://cdn.example.org/a.jpg")
    assert prepared.url == "https://cdn.example.org/a.jpg" and prepared.width is None


def test_relative_urls_without_a_base(project):
    make_image(project / "a.jpg", (10, 10))
    assert ImageStore([project]).resolve("a.jpg").url.startswith("images/a-")


def test_later_roots_are_searched_and_written(project, store, tmp_path):
    make_image(project / "articles" / "images" / "x.png", (10, 10), "PNG")
    prepared = store.resolve("images/x.png")
    store.write(tmp_path / "web")
    assert (tmp_path / "web" / prepared.name).read_bytes() == store.files[prepared.name]
    assert store.sources[prepared.name] == project / "articles" / "images" / "x.png"


@pytest.mark.parametrize(
    ("src", "message"),
    [("../outside.jpg", "inside the project"), ("missing.jpg", "does not exist")],
)
def test_unusable_sources(project, store, src, message):
    make_image(project.parent / "outside.jpg", (10, 10))
    with pytest.raises(RenderError, match=message):
        store.resolve(src)


def test_broken_image_file(project, store):
    (project / "broken.jpg").write_bytes(b"not an image")
    with pytest.raises(RenderError, match="cannot read the image"):
        store.resolve("broken.jpg")


def test_collecting_store_notes_every_problem(project):
    store = ImageStore([project], BASE, collect=True)
    assert store.resolve("missing.jpg").url == BASE + "images/missing.jpg"
    store.resolve("../outside.jpg")
    assert len(store.problems) == 2 and "missing.jpg" in store.problems[0]


def test_small_clean_image_is_published_byte_for_byte(project, store):
    path = make_image(project / "images" / "clean.jpg", (640, 360))
    prepared = store.resolve("images/clean.jpg")
    assert store.files[prepared.name] == path.read_bytes()
    assert (prepared.width, prepared.height) == (640, 360)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_small_image_with_metadata_is_re_encoded_without_it(project, store, fmt):
    exif = Image.Exif()
    exif[0x8825] = {2: (21.0, 1.0, 0.0)}  # GPS latitude
    path = make_image(project / "images" / f"gps.{fmt.lower()}", (320, 200), fmt, exif=exif)
    prepared = store.resolve(f"images/gps.{fmt.lower()}")
    assert store.files[prepared.name] != path.read_bytes()
    with written(store, prepared) as image:
        assert not image.getexif()


def prepared_twice(project, src):
    """The image prepared by a fresh store twice: the second time from the cache."""
    first = ImageStore([project], BASE)
    second = ImageStore([project], BASE)
    return (first, first.resolve(src)), (second, second.resolve(src))


@pytest.mark.parametrize("size", [(300, 200), (2400, 1600)], ids=["as-is", "re-encoded"])
def test_a_cached_image_is_the_same_image(project, monkeypatch, tmp_path, size):
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(tmp_path / "cache"))
    make_image(project / "photo.jpg", size)
    (store_a, a), (store_b, b) = prepared_twice(project, "photo.jpg")
    assert a == b and store_a.files == store_b.files
    assert len(list((tmp_path / "cache" / "images").glob("*.json"))) == 1
    blobs = list((tmp_path / "cache" / "images").glob("*.bin"))
    assert len(blobs) == (0 if size == (300, 200) else 1)  # as-is images are never stored twice


def test_a_cached_image_does_not_load_pillow(project, tmp_path):
    make_image(project / "photo.jpg", (2400, 1600))
    script = (
        "import sys; from pathlib import Path; from publisher.render.images import ImageStore\n"
        f"store = ImageStore([Path({str(project)!r})])\n"
        "prepared = store.resolve('photo.jpg')\n"
        "print(prepared.width, prepared.height, 'PIL' in sys.modules)\n"
    )
    env = {**subprocess_env(), "PUBLISHER_CACHE_DIR": str(tmp_path / "cache")}
    runs = [
        subprocess.run([PYTHON, "-c", script], env=env, capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert [run.stdout.split() for run in runs] == [
        ["1200", "800", "True"],
        ["1200", "800", "False"],
    ]


def test_a_damaged_or_unusable_cache_is_ignored(project, monkeypatch, tmp_path):
    cache = tmp_path / "cache"
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(cache))
    make_image(project / "photo.jpg", (2400, 1600))
    (_, good), _ = prepared_twice(project, "photo.jpg")
    (blob,) = (cache / "images").glob("*.bin")
    blob.write_bytes(b"not the image")  # no longer matches its record: made again
    assert ImageStore([project], BASE).resolve("photo.jpg") == good
    (record,) = (cache / "images").glob("*.json")
    record.write_text("{broken", encoding="utf-8")
    assert ImageStore([project], BASE).resolve("photo.jpg") == good
    record.write_text('{"suffix": ".jpg"}', encoding="utf-8")  # fields missing
    assert ImageStore([project], BASE).resolve("photo.jpg") == good
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("PUBLISHER_CACHE_DIR", str(blocked))
    assert ImageStore([project], BASE).resolve("photo.jpg") == good


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "cut.jpg"), ("PNG", "cut.png")])
def test_a_truncated_image_is_refused_not_published(project, store, fmt, name):
    # Small and clean, so it would be published byte for byte if it were not decoded first.
    make_image(project / "whole", (300, 200), fmt)
    data = (project / "whole").read_bytes()
    (project / name).write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(RenderError, match="cannot read the image") as caught:
        store.resolve(name)
    assert caught.value.where == str(project / name)


def test_a_decompression_bomb_is_refused_with_a_clear_error(project, store, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # the 89-megapixel limit, scaled down
    for size in ((40, 40), (100, 100)):  # over the limit, and over twice the limit
        make_image(project / f"big{size[0]}.png", size, "PNG")
        with pytest.raises(RenderError, match="too large to decode safely"):
            store.resolve(f"big{size[0]}.png")


def test_problems_name_the_articles_that_use_the_image(project):
    store = ImageStore([project], BASE, collect=True)
    for slug in ("bai-mot", "bai-hai", "bai-mot"):
        store.resolve("missing.jpg", used_by=slug)
    assert store.problems == [
        "the image file does not exist (missing.jpg) (used by bai-mot, bai-hai)"
    ]


HOSTILE_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     inkscape:export-filename="/home/editor/private/logo.png" width="40" height="20"
     onload="alert(1)">
  <metadata><rdf>/home/editor/private</rdf></metadata>
  <script>alert(2)</script>
  <style>@import url(https://tracker.example/x.css);
    .a { fill: url(#g); background: url(https://tracker.example/p.gif) }</style>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#123456"/></linearGradient></defs>
  <rect class="a" width="40" height="20" fill="url(#g)" onclick="steal()"/>
  <a xlink:href="javascript:alert(3)"><text x="2" y="14">Logo</text></a>
  <use href="https://tracker.example/sprite.svg#icon"/>
  <use href="#g"/>
  <set attributeName="href" to="javascript:alert(4)"/>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">html</div></foreignObject>
</svg>
"""


def test_svg_keeps_its_drawing_and_loses_whatever_runs_or_reaches_out(project, store):
    (project / "logo.svg").write_bytes(HOSTILE_SVG)
    prepared = store.resolve("logo.svg")
    clean = store.files[prepared.name].decode("utf-8")
    for gone in ("alert", "steal", "javascript", "tracker.example", "/home/editor", "inkscape",
                 "<script", "foreignObject", "<metadata", "<set", "@import"):  # fmt: skip
        assert gone not in clean, gone
    for kept in ('<rect class="a" width="40" height="20" fill="url(#g)"/>', "Logo",
                 '<use href="#g"/>', 'stop-color="#123456"', "fill: url(#g)"):  # fmt: skip
        assert kept in clean, kept


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "cannot read the SVG"),
        (b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
         "declares entities"),
        (b"<html xmlns='http://www.w3.org/1999/xhtml'/>", "not an SVG image"),
    ],
)  # fmt: skip
def test_an_svg_that_cannot_be_made_safe_is_refused(project, store, data, message):
    (project / "bad.svg").write_bytes(data)
    with pytest.raises(RenderError, match=message):
        store.resolve("bad.svg")


def test_gif_comments_are_stripped_and_every_frame_kept(project, store):
    frames = [Image.new("RGB", (30, 20), color) for color in ((255, 0, 0), (0, 0, 255))]
    path = project / "anim.gif"
    frames[0].save(path, "GIF", save_all=True, append_images=frames[1:], duration=[80, 120],
                   loop=0, comment=b"made on /home/editor/desk")  # fmt: skip
    prepared = store.resolve("anim.gif")
    data = store.files[prepared.name]
    assert b"/home/editor" not in data
    with Image.open(io.BytesIO(data)) as gif:
        assert gif.n_frames == 2 and "comment" not in gif.info


def test_png_text_comments_are_stripped(project, store):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "exported from /home/editor/private/draft.psd")
    path = project / "note.png"
    Image.new("RGB", (40, 30), (200, 10, 10)).save(path, "PNG", pnginfo=info)
    prepared = store.resolve("note.png")
    assert b"/home/editor" not in store.files[prepared.name]
    with written(store, prepared) as image:
        assert "Comment" not in image.info
