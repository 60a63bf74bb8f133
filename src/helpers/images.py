"""What an image is, from its bytes: the types a report embeds (PNG, JPEG, GIF; SVG from the charts),
the one ``data:`` URI rule, the pixel size and whether Pillow decodes it. The notes judge images with it,
the blocks embed them with it, the exporters know which outputs are images from it."""

from __future__ import annotations

import base64
import io
import re
import warnings
from typing import NamedTuple, Optional

MIME_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif"}   # what a note may show
SVG_MIME = "image/svg+xml"
OUTPUT_MIME_TYPES = (SVG_MIME, "image/png", "image/jpeg")   # a notebook output's images, in priority order
_DATA_URI = re.compile(r"^data:(?P<mime>[\w/+.-]+)(?P<params>(?:;[\w=.+-]+)*?);base64,"
                       r"(?P<data>[A-Za-z0-9+/=\s]*)$", re.S)


class DataURI(NamedTuple):
    mime: str          # lower case
    data: str          # the base64 text, as written


def data_uri(ref: str) -> Optional[DataURI]:
    """The MIME type and base64 text of a ``data:…;base64,`` URI, or None for anything else."""
    m = _DATA_URI.match(ref)
    return DataURI(m["mime"].lower(), m["data"]) if m else None


def decode_base64(data: str) -> bytes:
    """The bytes of a data URI's base64 text (white space ignored); ValueError if it is not base64."""
    return base64.b64decode(re.sub(r"\s", "", data), validate=True)


def image_kind(raw: bytes) -> Optional[str]:
    """``png``, ``jpeg`` or ``gif`` from the file signature, or None."""
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if raw.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if raw[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return None


def mime_type(raw: bytes) -> str:
    """The MIME type of an image to embed: PNG, JPEG, GIF or SVG (ValueError for anything else)."""
    kind = image_kind(raw)
    if kind is not None:
        return MIME_TYPES[kind]
    if b"<svg" in raw[:2048]:
        return SVG_MIME
    raise ValueError("an image of the note is not PNG, JPEG, GIF or SVG")


def decode_problem(raw: bytes) -> Optional[str]:
    """What stops Pillow decoding the whole image (its checksums, then every pixel), or None: a
    valid header over garbage would otherwise fail only when the PDF is made."""
    from PIL import Image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(raw)) as im:
                im.verify()
            with Image.open(io.BytesIO(raw)) as im:
                im.load()
    except Exception as exc:          # Pillow raises many kinds for a damaged file
        return f"{type(exc).__name__}: {exc}"[:120]
    return None


def image_size(raw: bytes) -> Optional[tuple[int, int]]:
    """Width and height from the header (Pillow reads only the header; it ships with matplotlib)."""
    try:
        from PIL import Image
    except ImportError:          # pragma: no cover - matplotlib depends on Pillow
        return _header_size(raw)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            old, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
            try:
                with Image.open(io.BytesIO(raw)) as im:
                    return im.size
            finally:
                Image.MAX_IMAGE_PIXELS = old
    except Exception:
        return None


def _header_size(raw: bytes) -> Optional[tuple[int, int]]:
    import struct
    kind = image_kind(raw)
    if kind == "png" and len(raw) >= 24:
        return struct.unpack(">II", raw[16:24])
    if kind == "gif" and len(raw) >= 10:
        return struct.unpack("<HH", raw[6:10])
    if kind == "jpeg":
        i = 2
        while i + 9 < len(raw):
            if raw[i] != 0xFF:
                return None
            marker, length = raw[i + 1], struct.unpack(">H", raw[i + 2:i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                h, w = struct.unpack(">HH", raw[i + 5:i + 9])
                return w, h
            i += 2 + length
    return None
