"""The article's text: lead, paragraphs, figures and headings, in reading order."""

from __future__ import annotations

import re
from dataclasses import dataclass

from publisher.importers.newstext.boiler import related_heading
from publisher.importers.newstext.captions import (
    Caption,
    is_credit_only,
    looks_like_caption,
    parse_caption,
    split_inline_figures,
    split_photo_tail,
)
from publisher.importers.newstext.dates import parse_date_line
from publisher.importers.newstext.draft import ArticleDraft
from publisher.importers.newstext.footer import apply_footer, split_footer, strip_marks
from publisher.importers.newstext.header import by_line, is_role
from publisher.importers.newstext.sourcetags import take_source_tag
from publisher.importers.newstext.units import (
    Line,
    ends_sentence,
    is_list_item,
    is_numbered_heading,
    strip_inline_links,
)
from publisher.model import Figure

_PUNCT_ONLY = re.compile(r"^[\W_]{1,3}$")
_IMAGE_FILE = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|avif)(?:\?\S*)?$", re.I)


@dataclass
class Item:
    """One piece of the body: a paragraph (``p``), heading (``h``), list item or figure."""

    kind: str
    text: str = ""
    caption: Caption | None = None


def assemble(body: list[Line], tail_lead: Line | None, draft: ArticleDraft) -> None:
    """Fill lead, paragraphs and figures from the body units (and a lead found at the end)."""
    body, footer = split_footer(strip_marks(body, draft), draft.language)
    body = strip_marks(body, draft)  # the marks just above what the page put after the text
    lead_at = -1
    if tail_lead is not None:
        draft.lead = _tagged(tail_lead.text, draft)
    elif draft.standfirst and not draft.lead:
        draft.lead = draft.standfirst
    elif not draft.lead:
        lead_at = _find_tagged_lead(body, draft)
    spaced = sum(u.gap >= 1 for u in body) * 2 > len(body)  # paragraphs apart, captions close
    items = _classify(body, lead_at, draft, spaced)
    _drop_pull_quotes(items, draft)
    _drop_trailing_teasers(items, draft)
    _place(items, lead_at, draft)
    _warn_unsure_lines(draft)
    apply_footer(footer, draft, len(draft.paragraphs))
    if not draft.lead and not draft.paragraphs:
        draft.warn("no article text below the title")


def _tagged(text: str, draft: ArticleDraft) -> str:
    found = take_source_tag(text)
    if found is None:
        return text
    draft.set_source(found[0])
    return found[1]


def _find_tagged_lead(body: list[Line], draft: ArticleDraft) -> int:
    """The index of a lead opening with a source tag among the first units, else -1."""
    for idx, unit in enumerate(body[:5]):
        found = take_source_tag(unit.text)
        if found is not None and unit.words >= 8:
            draft.set_source(found[0])
            unit.text = found[1]
            return idx
    return -1


def _classify(body: list[Line], lead_at: int, draft: ArticleDraft, spaced: bool) -> list[Item]:
    items: list[Item] = []
    # Lines holding only a date and time between paragraphs, more than once: the entries of a
    # live report or a timeline, each under its time, which is kept as the entry's heading.
    times = {idx for idx, unit in enumerate(body) if _is_time_line(unit.text, draft.language)}
    live = len(times) >= 2
    taken = -1  # a line read with the one above it (an image's caption, a byline's beat)
    for idx, unit in enumerate(body):
        text = unit.text
        if idx == taken:
            continue
        if live and idx in times:
            items.append(Item("h", f"### {text}"))
            continue
        if not any(i.kind in ("p", "lead") for i in items) and _top_byline(body, idx, draft):
            taken = idx + is_role(body, idx + 1)  # its role line goes with it
            continue
        if _IMAGE_FILE.match(text):
            # An image's file name where the page had the image: the line under it, when it
            # is no longer than a caption, is the photo's caption.
            below = body[idx + 1].text if idx + 1 < len(body) else ""
            if below and len(below.split()) <= 40 and not _IMAGE_FILE.match(below):
                items.append(Item("fig", caption=parse_caption(below) or Caption(below, "")))
                taken = idx + 1
            continue
        nxt = body[idx + 1].text if idx + 1 < len(body) else ""
        if _PUNCT_ONLY.match(text) or (_is_stray(text) and _is_caption_line(nxt)):
            continue
        if related_heading(text) == "inline":  # ``Xem thêm: <another article>``
            continue
        if idx == 0 < lead_at and not draft.kicker and _is_series_label(text):
            draft.kicker = text  # ``Murdoch in Crisis`` under the headline: the story's series
            continue
        if idx < lead_at and unit.words <= 60:
            items.append(Item("fig", caption=parse_caption(text) or Caption(text, "")))
            continue
        if idx == lead_at:
            items.append(Item("lead", text))
            continue
        first = sum(i.kind == "p" for i in items) < 2  # the text's opening (after its lead)
        opening = _headline_glued(text, draft.title) if first else ""
        if opening:
            # The headline glued before the text: the lead photo's caption, as aggregators
            # print it (the picture's alt text is the headline).
            items.append(Item("fig", caption=Caption(draft.title, "")))
            unit = Line(opening, unit.gap)
        items.extend(_item(unit, items, draft, spaced))
    return items


def _item(unit: Line, items: list[Item], draft: ArticleDraft, spaced: bool) -> list[Item]:
    text, links = strip_inline_links(unit.text)
    if links:
        draft.warn(f"dropped a related story's headline in brackets: {links[0][:60]!r}")
        unit = Line(text, unit.gap)
    found = parse_caption(text)
    previous = items[-1] if items else None
    if found and found.caption and not found.credit and previous and previous.kind == "fig":
        assert previous.caption is not None
        if not previous.caption.caption:  # the caption under its credit line
            previous.caption = Caption(found.caption, previous.caption.credit)
            return []
    if is_credit_only(found):
        assert found is not None
        close = unit.gap == 0 and previous is not None
        if close and previous and previous.kind == "p" and _could_be_caption(previous.text, spaced):
            items.pop()
            draft.warn(f"caption guessed from the line above a credit: {previous.text[:60]!r}")
            return [Item("fig", caption=Caption(previous.text, found.credit))]
        return [Item("fig", caption=found)]
    if found is not None:
        return [Item("fig", caption=found)]
    if looks_like_caption(text):
        return [Item("fig", caption=Caption(text, ""))]
    inline = split_inline_figures(text) if unit.words >= 25 else None
    if inline is not None:
        pieces: list[Item] = []
        for piece in inline:
            pieces += [Item("fig", caption=piece)] if isinstance(piece, Caption) else _text(piece)
        return pieces
    if split_photo_tail(text) is not None:
        return _text(text)
    if is_numbered_heading(text) or _is_capitals_heading(text):
        return [Item("h", f"### {text}")]
    if is_list_item(text):
        return [Item("li", re.sub(r"^[•·▪●–+]\s+", "- ", text))]
    return [Item("p", text)]


def _text(text: str) -> list[Item]:
    """A paragraph, and the credit glued to its end."""
    tail = split_photo_tail(text)
    if tail is None:
        return [Item("p", text)]
    return [Item("p", tail[0]), Item("fig", caption=Caption("", tail[1]))]


def _headline_glued(text: str, title: str) -> str:
    """The text after the headline, when a paragraph opens with the headline and runs on."""
    if not title or not text.startswith(title + " "):
        return ""
    rest = text[len(title) :].strip()
    return rest if rest[:1].isupper() and len(rest.split()) >= 8 else ""


def _is_series_label(text: str) -> bool:
    """A label of a few capitalised words, no sentence and no credit (``Murdoch in Crisis``)."""
    words = text.split()
    return (
        2 <= len(words) <= 4
        and not ends_sentence(text)
        and words[0][:1].isupper()
        and words[-1][:1].isupper()
        and parse_caption(text) is None
        and not looks_like_caption(text)
        and not re.search(r"[\d:|/]", text)
    )


def _is_capitals_heading(text: str) -> bool:
    """``DEFENDING JOBS``: a short line in capitals between paragraphs, as wires set their
    subheadings."""
    letters = re.sub(r"[\W\d_]", "", text)
    words = len(text.split())
    return 2 <= words <= 8 and len(letters) >= 6 and letters.isupper() and not ends_sentence(text)


def _top_byline(body: list[Line], idx: int, draft: ArticleDraft) -> bool:
    """A ``By …`` line before the first paragraph (under the lead photo): the byline."""
    found = by_line(body[idx].text, draft.language)
    if found is None or not found.authors:
        return False
    draft.byline(found)
    return True


def _reads_as_lead(text: str) -> bool:
    return ends_sentence(text) or len(text.split()) >= 12


def _is_time_line(text: str, language: str) -> bool:
    return len(text.split()) <= 8 and parse_date_line(text, language) is not None


def _is_stray(text: str) -> bool:
    """A scrap left from an image's alt text (``nh``): a word or two, no sentence."""
    return len(text) <= 12 and len(text.split()) <= 2 and not ends_sentence(text)


def _is_caption_line(text: str) -> bool:
    return bool(text) and (parse_caption(text) is not None or looks_like_caption(text))


def _could_be_caption(text: str, spaced: bool) -> bool:
    """A line right above a credit is its caption when short, or when paragraphs are spaced."""
    words = len(text.split())
    return not text.endswith(":") and (words <= 12 or (spaced and words <= 25))


def _drop_pull_quotes(items: list[Item], draft: ArticleDraft) -> None:
    """Drop short lines repeated word for word inside a longer paragraph (pull quotes)."""
    candidates = [
        i
        for i in items
        if i.kind == "p" and 6 <= len(i.text.split()) <= 40 and ends_sentence(i.text)
    ]
    if not candidates:
        return
    texts = [i.text.casefold() for i in items]
    first = next((k for k, i in enumerate(items) if i.kind in ("p", "lead")), -1)
    for idx in range(len(items) - 1, -1, -1):
        item = items[idx]
        words = len(item.text.split())
        if item.kind != "p" or not 6 <= words <= 40 or not ends_sentence(item.text):
            continue
        needle = texts[idx].strip(" .\"“”'")
        inside = [
            j for j, t in enumerate(texts) if j != idx and len(t) > len(needle) + 20 and needle in t
        ]
        if idx == first:
            # The standfirst, often a sentence of the text: it stays. Repeated as the text's
            # first sentence, the text's copy goes.
            if inside and texts[inside[0]].startswith(texts[idx]):
                body = items[inside[0]]
                body.text = body.text[len(item.text) :].lstrip()
                texts[inside[0]] = body.text.casefold()
        elif inside:
            draft.warn(f"dropped a pull quote repeated in the text: {item.text[:60]!r}")
            del items[idx]
            del texts[idx]


def _warn_unsure_lines(draft: ArticleDraft) -> None:
    """Short lines without a full stop between paragraphs stay paragraphs, but say so: each
    may be a subheading, or a photo's caption that lost its credit."""
    unsure = [
        p for p in draft.paragraphs[:-1]
        if 2 <= len(p.split()) <= 15 and not ends_sentence(p) and not p.endswith(":")
        and not p.startswith(("#", "-", "*")) and "\n" not in p
    ]  # fmt: skip
    if unsure:
        more = f" (and {len(unsure) - 1} more)" if len(unsure) > 1 else ""
        draft.warn(f"kept {unsure[0][:60]!r}{more} as a paragraph: a subheading, or a caption"
                   " without its credit?")  # fmt: skip


def _drop_trailing_teasers(items: list[Item], draft: ArticleDraft) -> None:
    """Drop the related-article teasers a page put after the text without a heading: two or
    more headline-and-summary pairs (a short line with no full stop, then one paragraph) that
    end the body. One such pair may be the article's last section: it stays."""
    pairs = 0
    end = len(items)
    while end >= 2 and _teaser(items[end - 2], items[end - 1]):
        pairs += 1
        end -= 2
    if pairs < 2 or sum(i.kind == "p" for i in items[:end]) < 2:
        return
    titles = [items[k].text for k in range(end, len(items), 2)]
    draft.warn(f"dropped {pairs} related-article teasers at the end: {titles[0][:60]!r}")
    del items[end:]


def _teaser(headline: Item, summary: Item) -> bool:
    words = len(headline.text.split())
    return (
        headline.kind == "p" and summary.kind == "p" and 3 <= words <= 14
        and not ends_sentence(headline.text) and not headline.text.endswith(":")
        and headline.text[:1].isupper() and 8 <= len(summary.text.split()) <= 60
        and ends_sentence(summary.text)
    )  # fmt: skip


def _place(items: list[Item], lead_at: int, draft: ArticleDraft) -> None:
    """Pick the lead, group list items, and number each figure by the paragraphs before it."""
    if not draft.lead:
        texts = [i for i in items if i.kind in ("lead", "p")]
        # A short line without a full stop first (a subtitle, a deck) does not lead when a
        # paragraph follows it; it stays in the text, with the warning such lines get.
        first = next((i for i in texts[:3] if i.kind == "lead" or _reads_as_lead(i.text)), None)
        first = first or (texts[0] if texts else None)
        if first is not None:
            draft.lead = first.text
            items.remove(first)
    paragraphs: list[str] = []
    previous = marker = ""
    for item in items:
        if item.kind == "fig":
            assert item.caption is not None
            draft.figures.append(
                Figure(
                    caption=item.caption.caption,
                    credit=item.caption.credit,
                    after_paragraph=len(paragraphs),
                )
            )
        elif item.kind == "li" and previous == "li" and _marker(item.text) == marker:
            paragraphs[-1] += "\n" + item.text  # the same list: the same bullet
        else:
            paragraphs.append(item.text)
        previous, marker = item.kind, _marker(item.text)
    lead = draft.lead.casefold()
    draft.paragraphs = [p for p in paragraphs if p.casefold() != lead]


def _marker(text: str) -> str:
    """A list item's bullet (``-``, ``*``, or ``1.`` for any number): a list changes with it."""
    found = re.match(r"^(?:[-*]|\d{1,3}[.)])", text)
    return re.sub(r"\d+", "1", found.group(0)) if found else ""
