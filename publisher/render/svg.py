"""SVG images made safe to publish: drawing kept, everything that runs or reaches out removed.

An SVG is a document, not a picture: it can hold scripts, event handlers, ``javascript:``
links, references to other files and servers, and the metadata of the editor that drew it
(Inkscape records the local path it was exported to). What is left is the drawing itself:
elements and attributes of the SVG and XLink namespaces, with links only to fragments of the
same file or to embedded raster images. A file that is not well-formed SVG, or declares
entities (which can make a tiny file expand without end), is refused.
"""

from __future__ import annotations

import re
from typing import Any

from publisher.errors import RenderError

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
# Elements that run code, embed other documents or only carry metadata.
DROPPED = {"script", "foreignObject", "metadata", "iframe", "embed", "object", "handler"}
ANIMATIONS = {"set", "animate", "animateTransform", "animateMotion"}
_SAFE_LINK = re.compile(r"^(#[\w.:-]*|data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*)$")
_CSS_URL = re.compile(r"url\(\s*['\"]?(?!#)[^)]*\)|@import[^;]*;?|expression\s*\(", re.I)


def sanitize_svg(raw: bytes, where: str) -> bytes:
    """The SVG with only its drawing left; ``RenderError`` when it cannot be read as SVG."""
    from lxml import etree  # only a build with SVG images needs it

    if re.search(rb"<!ENTITY", raw[:4096], re.I):
        raise RenderError("the SVG declares entities: save it again without them", where=where)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )  # fmt: skip
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise RenderError(f"cannot read the SVG: {exc}", where=where) from None
    if root.tag != f"{{{SVG}}}svg":
        raise RenderError("not an SVG image (its root is not <svg>)", where=where)
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        namespace, _, name = element.tag[1:].partition("}")
        if namespace != SVG or name in DROPPED:
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
            continue
        target = str(element.get("attributeName", "")).lower()
        if name in ANIMATIONS and ("href" in target or target.startswith("on")):
            element.getparent().remove(element)  # <set attributeName="href" to="javascript:...">
            continue
        _clean_attributes(element)
        if name == "style" and element.text:
            element.text = _CSS_URL.sub("", element.text)
    etree.cleanup_namespaces(root)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def _clean_attributes(element: Any) -> None:
    attributes = element.attrib
    for key in list(attributes):
        namespace, _, name = key[1:].partition("}") if key.startswith("{") else ("", "", key)
        value = attributes[key]
        if namespace not in ("", XLINK, XML) or name.lower().startswith("on"):
            del attributes[key]  # editor metadata (inkscape:, sodipodi:) and event handlers
        elif name == "href" and not _SAFE_LINK.match(value.strip()):
            del attributes[key]  # other files, servers and javascript:
        elif "javascript:" in value.lower().replace(" ", ""):
            del attributes[key]
        elif name == "style" and _CSS_URL.search(value):
            attributes[key] = _CSS_URL.sub("", value)
