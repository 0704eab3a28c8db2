"""Badge images and Open Badges 3.0 baking (PNG iTXt, SVG openbadges:credential)."""

from __future__ import annotations

import io
import json
import struct
import zlib
from xml.dom import minidom

import pytest
from PIL import Image

from skillspact.credentials import baking

JWT = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6d2ViOmV4YW1wbGUub3JnIn0.c2lnbmF0dXJl"
JSON_CREDENTIAL = json.dumps(
    {"type": ["VerifiableCredential"], "name": "Soins <&> données ]]> fin", "proof": {}},
    ensure_ascii=False,
)


def chunks(png: bytes) -> list[tuple[bytes, bytes, int]]:
    """Chunks read independently of the module: (type, data, stored CRC)."""
    out, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        out.append((kind, data, crc))
        pos += 12 + length
    return out


def test_badge_png_is_a_512_pixel_png():
    png = baking.badge_png(title="Telehealth basics for community nurses", subtitle="Pilot 2026")

    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (512, 512)
    assert image.mode == "RGBA"


def test_baked_png_has_one_uncompressed_itxt_chunk_before_iend_with_a_right_crc():
    png = baking.badge_png(title="Telehealth basics")

    baked = baking.png_bake(png, JWT)

    found = chunks(baked)
    assert [kind for kind, _, _ in found][-2:] == [b"iTXt", b"IEND"]
    kind, data, crc = found[-2]
    assert crc == zlib.crc32(kind + data)
    assert data == b"openbadgecredential\x00" + b"\x00\x00" + b"\x00" + b"\x00" + JWT.encode()
    assert all(crc == zlib.crc32(kind + data) for kind, data, crc in found)
    # Pillow (an independent PNG reader) opens it and sees the text
    image = Image.open(io.BytesIO(baked))
    image.load()
    assert image.text["openbadgecredential"] == JWT
    assert baking.png_unbake(baked) == JWT


def test_baking_again_replaces_the_credential_instead_of_adding_one():
    baked = baking.png_bake(baking.png_bake(baking.badge_png(title="A"), JWT), JSON_CREDENTIAL)

    itxt = [data for kind, data, _ in chunks(baked) if kind == b"iTXt"]
    assert len(itxt) == 1
    assert baking.png_unbake(baked) == JSON_CREDENTIAL


def test_unbaking_a_plain_png_finds_nothing_and_a_non_png_is_refused():
    assert baking.png_unbake(baking.badge_png(title="A")) is None
    with pytest.raises(baking.BakingError, match="not a PNG"):
        baking.png_unbake(b"GIF89a....")
    damaged = bytearray(baking.png_bake(baking.badge_png(title="A"), JWT))
    damaged[-20] ^= 0xFF  # inside the iTXt chunk: its CRC no longer matches
    with pytest.raises(baking.BakingError, match="CRC"):
        baking.png_unbake(bytes(damaged))


def test_a_compressed_chunk_from_another_baker_is_still_read():
    png = baking.badge_png(title="A")
    data = b"openbadgecredential\x00\x01\x00\x00\x00" + zlib.compress(JWT.encode())
    chunk = (
        struct.pack(">I", len(data))
        + b"iTXt"
        + data
        + struct.pack(">I", zlib.crc32(b"iTXt" + data))
    )
    iend = png.rindex(b"IEND") - 4

    assert baking.png_unbake(png[:iend] + chunk + png[iend:]) == JWT


def test_badge_svg_escapes_the_title():
    svg = baking.badge_svg(title="Soins <infirmiers> & données", subtitle="Niveau 5")

    document = minidom.parseString(svg.encode())  # noqa: S318 (our own SVG)
    texts = [node.firstChild.data for node in document.getElementsByTagName("text")]
    assert " ".join(texts).startswith("Soins <infirmiers> & données")
    assert "&lt;infirmiers&gt; &amp;" in svg
    assert document.getElementsByTagName("title")[0].firstChild.data == (
        "Soins <infirmiers> & données — Niveau 5"
    )


def test_svg_baked_with_a_jwt_has_the_namespace_and_a_verify_attribute_first():
    baked = baking.svg_bake(baking.badge_svg(title="Telehealth"), JWT)

    document = minidom.parseString(baked.encode())  # noqa: S318 (our own SVG)
    root = document.documentElement
    assert root.getAttribute("xmlns:openbadges") == "https://purl.imsglobal.org/ob/v3p0"
    first = next(n for n in root.childNodes if n.nodeType == n.ELEMENT_NODE)
    assert first.tagName == "openbadges:credential"
    assert first.namespaceURI in (None, "https://purl.imsglobal.org/ob/v3p0")
    assert first.getAttribute("verify") == JWT
    assert baking.svg_unbake(baked) == JWT


def test_svg_baked_with_json_carries_it_in_cdata():
    baked = baking.svg_bake(baking.badge_svg(title="Telehealth"), JSON_CREDENTIAL)

    document = minidom.parseString(baked.encode())  # noqa: S318 (our own SVG)
    element = document.getElementsByTagName("openbadges:credential")[0]
    assert not element.hasAttribute("verify")
    text = "".join(n.data for n in element.childNodes if n.nodeType == n.CDATA_SECTION_NODE)
    assert json.loads(text) == json.loads(JSON_CREDENTIAL)
    assert baking.svg_unbake(baked) == JSON_CREDENTIAL


def test_baking_an_svg_again_keeps_one_credential_element():
    svg = baking.badge_svg(title="Telehealth")

    twice = baking.svg_bake(baking.svg_bake(svg, JWT), JSON_CREDENTIAL)

    assert twice.count("<openbadges:credential") == 1
    assert twice.count("xmlns:openbadges") == 1
    assert baking.svg_unbake(twice) == JSON_CREDENTIAL
    assert baking.svg_unbake(svg) is None
    with pytest.raises(baking.BakingError):
        baking.svg_bake("<html></html>", JWT)
