"""Request bodies of the web service: form-encoded or multipart, size-limited, never trusted.

A body that cannot be read as either is ``BadRequest`` (a 400 page), never a traceback.
"""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs

MAX_BODY = 64 * 1024


class BadRequest(Exception):
    """The request cannot be understood: the message says why (shown on the 400 page)."""


def read_body(environ: dict[str, Any]) -> bytes:
    """The request body, at most ``MAX_BODY`` bytes."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BadRequest("invalid Content-Length") from None
    if length < 0 or length > MAX_BODY:
        raise BadRequest(f"the body must be at most {MAX_BODY} bytes")
    body = environ["wsgi.input"].read(length) if length else b""
    if len(body) < length:
        raise BadRequest("the body is shorter than its Content-Length")
    return body


def read_form(environ: dict[str, Any]) -> dict[str, str]:
    """The POST body's fields (first value of each), from urlencoded or multipart data."""
    body = read_body(environ)
    content_type = environ.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/form-data"):
        return _multipart(content_type, body)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the form is not UTF-8") from None
    try:
        fields = parse_qs(text, keep_blank_values=True, max_num_fields=50, strict_parsing=False)
    except ValueError as exc:
        raise BadRequest(f"the form cannot be read: {exc}") from None
    return {key: values[0] for key, values in fields.items()}


def _multipart(content_type: str, body: bytes) -> dict[str, str]:
    if "boundary=" not in content_type:
        raise BadRequest("a multipart body needs a boundary")
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise BadRequest("the multipart body cannot be read")
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(data, bytes) or name in fields:
            continue
        try:
            fields[name] = data.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise BadRequest(f"the field {name!r} is not UTF-8") from None
        if len(fields) > 50:
            raise BadRequest("too many fields")
    return fields
