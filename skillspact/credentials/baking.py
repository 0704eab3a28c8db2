"""Badge images, drawn here, and Open Badges 3.0 "baking" of a credential into them.

Baking follows Open Badges 3.0, "Open Badges Document Formats" → "Baked Badge":

* **PNG**: one ``iTXt`` chunk with keyword ``openbadgecredential``; compression flag and method
  0 (compression MUST NOT be used), empty language tag and translated keyword; the text is the
  compact JWS of a VC-JWT credential or the JSON of a credential with an embedded proof. The
  chunk MUST NOT appear more than once, so baking replaces an existing one. We insert it just
  before ``IEND`` with its CRC-32 over type and data (PNG specification, 5.3). Extracting reads
  the first such chunk.
* **SVG**: ``xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`` on the ``<svg>`` element
  and an ``<openbadges:credential>`` element directly after the ``<svg>`` tag: with a ``verify``
  attribute holding the compact JWS (VC-JWT), or with the JSON inside ``<![CDATA[...]]>``
  (embedded proof). Only one such element; baking replaces an existing one.

The SVG is handled as text, not with an XML parser, so that the rest of the image is kept byte
for byte and no entity is ever expanded.
"""

from __future__ import annotations

import io
import re
import struct
import textwrap
import zlib
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw, ImageFont

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"

NAVY = (22, 51, 95)
TEAL = (0, 122, 122)
GOLD = (232, 176, 35)
WHITE = (255, 255, 255)

_FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)


class BakingError(ValueError):
    """The image is not a PNG / SVG that can carry a credential."""


# --- drawing ---------------------------------------------------------------------------------


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in _FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _wrap(text: str, width: int, lines: int) -> list[str]:
    wrapped = textwrap.wrap(" ".join(text.split()), width=width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: max(width - 1, 1)].rstrip() + "…"
    return wrapped


def _title_layout(title: str) -> tuple[int, int, list[str]]:
    """Font size, line height and lines: smaller type for long titles before cutting them."""
    for size, width, count in ((40, 16, 3), (32, 20, 5), (26, 25, 6)):
        lines = textwrap.wrap(" ".join(title.split()), width=width) or [""]
        if len(lines) <= count:
            return size, int(size * 1.2), lines
    return 26, 31, _wrap(title, 25, 6)


def badge_png(*, title: str, subtitle: str = "") -> bytes:
    """A 512×512 round badge: navy disc, gold ring, a ribbon, the title wrapped in white."""
    scale, size = 2, 512  # drawn at twice the size, then reduced: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    margin = 24 * scale
    ribbon = [(big * 0.30, big * 0.70), (big * 0.42, big * 0.98), (big * 0.50, big * 0.90)]
    draw.polygon(ribbon, fill=TEAL)
    draw.polygon([(big - x, y) for x, y in ribbon], fill=TEAL)
    draw.ellipse([margin, margin, big - margin, big - margin * 3], fill=GOLD)
    inner = margin + 18 * scale
    draw.ellipse([inner, inner, big - inner, big - margin * 3 - 18 * scale], fill=NAVY)
    centre_x, centre_y = big / 2, (big - margin * 2) / 2
    font_size, line_height, lines = _title_layout(title)
    title_font = _font(font_size * scale)
    line_height *= scale
    sub_lines = _wrap(subtitle, 26, 2) if subtitle else []
    sub_font = _font(22 * scale)
    total = (
        len(lines) * line_height + len(sub_lines) * 30 * scale + (16 * scale if sub_lines else 0)
    )
    y = centre_y - total / 2
    for line in lines:
        draw.text((centre_x, y), line, font=title_font, fill=WHITE, anchor="ma")
        y += line_height
    if sub_lines:
        y += 16 * scale
        for line in sub_lines:
            draw.text((centre_x, y), line, font=sub_font, fill=GOLD, anchor="ma")
            y += 30 * scale
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def badge_svg(*, title: str, subtitle: str = "") -> str:
    """The same badge as an SVG; the title and subtitle are XML-escaped."""
    font_size, line_height, lines = _title_layout(title)
    sub_lines = _wrap(subtitle, 26, 2) if subtitle else []
    total = len(lines) * line_height + len(sub_lines) * 30 + (16 if sub_lines else 0)
    y = 232 - total / 2 + font_size * 0.9
    texts = []
    for line in lines:
        texts.append(
            f'<text x="256" y="{y:.0f}" class="t" font-size="{font_size}">{escape(line)}</text>'
        )
        y += line_height
    if sub_lines:
        y += 16 - 12
        for line in sub_lines:
            texts.append(f'<text x="256" y="{y:.0f}" class="s">{escape(line)}</text>')
            y += 30
    label = escape(title + (f" — {subtitle}" if subtitle else ""))
    body = "\n  ".join(texts)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" '
        'height="512" role="img" aria-labelledby="badge-title">\n'
        f'  <title id="badge-title">{label}</title>\n'
        "  <style>.t{font-weight:bold;font-family:'DejaVu Sans',Arial,sans-serif;fill:#fff;"
        "text-anchor:middle}"
        ".s{font:bold 22px 'DejaVu Sans',Arial,sans-serif;fill:#e8b023;text-anchor:middle}"
        "</style>\n"
        '  <polygon points="154,358 215,502 256,461" fill="#007a7a"/>\n'
        '  <polygon points="358,358 297,502 256,461" fill="#007a7a"/>\n'
        '  <ellipse cx="256" cy="232" rx="232" ry="208" fill="#e8b023"/>\n'
        '  <ellipse cx="256" cy="232" rx="214" ry="190" fill="#16335f"/>\n'
        f"  {body}\n"
        "</svg>\n"
    )


# --- PNG -------------------------------------------------------------------------------------


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    if not png.startswith(PNG_SIGNATURE):
        raise BakingError("This is not a PNG image.")
    chunks, pos = [], len(PNG_SIGNATURE)
    while pos + 8 <= len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        data = png[pos + 8 : pos + 8 + length]
        if len(data) != length or pos + 12 + length > len(png):
            raise BakingError("The PNG image is truncated.")
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        if zlib.crc32(kind + data) != crc:
            raise BakingError(f"The PNG chunk {kind.decode('latin-1')} has a wrong CRC.")
        chunks.append((kind, data))
        pos += 12 + length
        if kind == b"IEND":
            break
    if not chunks or chunks[-1][0] != b"IEND":
        raise BakingError("The PNG image has no IEND chunk.")
    return chunks


def _chunk_bytes(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _is_credential_itxt(kind: bytes, data: bytes) -> bool:
    return kind == b"iTXt" and data.split(b"\0", 1)[0] == PNG_KEYWORD


def png_bake(png: bytes, credential: str) -> bytes:
    itxt = PNG_KEYWORD + b"\0" + b"\0\0" + b"\0" + b"\0" + credential.encode("utf-8")
    out = [PNG_SIGNATURE]
    for kind, data in _chunks(png):
        if _is_credential_itxt(kind, data):
            continue  # at most one: an existing credential is replaced
        if kind == b"IEND":
            out.append(_chunk_bytes(b"iTXt", itxt))
        out.append(_chunk_bytes(kind, data))
    return b"".join(out)


def png_unbake(png: bytes) -> str | None:
    for kind, data in _chunks(png):
        if not _is_credential_itxt(kind, data):
            continue
        rest = data[len(PNG_KEYWORD) + 1 :]
        if len(rest) < 2:
            raise BakingError("The openbadgecredential chunk is damaged.")
        compressed, rest = rest[0], rest[2:]
        parts = rest.split(b"\0", 2)  # language tag, translated keyword, text
        if len(parts) != 3:
            raise BakingError("The openbadgecredential chunk is damaged.")
        text = parts[2]
        if compressed:
            try:
                text = zlib.decompress(text)
            except zlib.error:
                raise BakingError("The openbadgecredential chunk is damaged.") from None
        try:
            return text.decode("utf-8")
        except UnicodeDecodeError:
            raise BakingError("The openbadgecredential chunk is not UTF-8 text.") from None
    return None


# --- SVG -------------------------------------------------------------------------------------

_SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.IGNORECASE)
_EXISTING = re.compile(
    r"\s*<openbadges:credential\b[^>]*?(?:/>|>.*?</openbadges:credential>)", re.DOTALL
)
_ELEMENT = re.compile(
    r"<openbadges:credential\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</openbadges:credential>)",
    re.DOTALL,
)
_VERIFY = re.compile(r"""\bverify\s*=\s*(?:"(?P<d>[^"]*)"|'(?P<s>[^']*)')""")
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def svg_bake(svg: str, credential: str) -> str:
    svg = _EXISTING.sub("", svg)
    match = _SVG_OPEN.search(svg)
    if not match:
        raise BakingError("This is not an SVG image: it has no <svg> element.")
    tag = match.group(0)
    if "xmlns:openbadges" not in tag:
        closing = "/>" if tag.endswith("/>") else ">"
        tag = tag[: -len(closing)].rstrip() + f' xmlns:openbadges="{SVG_NAMESPACE}"' + closing
    text = credential.strip()
    if text.startswith("{"):
        element = f"<openbadges:credential>{_cdata(text)}</openbadges:credential>"
    else:
        element = f"<openbadges:credential verify={quoteattr(text)}></openbadges:credential>"
    return svg[: match.start()] + tag + "\n  " + element + svg[match.end() :]


def _unescape_attr(value: str) -> str:
    for entity, char in (("&quot;", '"'), ("&apos;", "'"), ("&lt;", "<"), ("&gt;", ">")):
        value = value.replace(entity, char)
    return value.replace("&amp;", "&")


def svg_unbake(svg: str) -> str | None:
    match = _ELEMENT.search(svg)
    if not match:
        return None
    verify = _VERIFY.search(match.group("attrs") or "")
    if verify:
        return _unescape_attr(
            verify.group("d") if verify.group("d") is not None else verify.group("s")
        )
    body = match.group("body") or ""
    pieces = _CDATA.findall(body)
    text = "".join(pieces) if pieces else _unescape_attr(body)
    return text.strip() or None
