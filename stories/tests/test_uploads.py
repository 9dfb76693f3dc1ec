import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from stories.uploads import clean_image


def png_bytes(width=40, height=30, color="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def upload(name, data, content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def bomb_png(side: int) -> bytes:
    """A valid PNG header claiming side x side pixels with a tiny, highly compressed body."""
    raw = zlib.compress(b"\x00" * (side // 8 + 1) * 64, 9)

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def test_a_png_with_html_appended_loses_the_appendix():
    data = png_bytes() + b"<html><script>alert(1)</script></html>"
    cleaned = clean_image(upload("photo.png", data))
    content = cleaned.read()
    assert b"<script>" not in content and b"<html>" not in content
    assert Image.open(io.BytesIO(content)).size == (40, 30)
    assert cleaned.name.endswith(".png") and "photo" not in cleaned.name
    assert len(cleaned.name) == 32 + 4  # a random hex name


@pytest.mark.parametrize(("fmt", "ext"), [("JPEG", ".jpg"), ("WEBP", ".webp"), ("PNG", ".png")])
def test_png_jpeg_and_webp_are_accepted_and_re_encoded(fmt, ext):
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, fmt)
    cleaned = clean_image(upload("x.bin", out.getvalue(), "application/octet-stream"))
    assert cleaned.name.endswith(ext)
    assert Image.open(io.BytesIO(cleaned.read())).format == fmt


def test_an_svg_is_refused_with_a_clear_message():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    with pytest.raises(ValidationError) as error:
        clean_image(upload("logo.png", svg, "image/png"))
    assert "SVG" in error.value.messages[0]


def test_an_html_page_named_png_is_refused():
    with pytest.raises(ValidationError, match="not accepted"):
        clean_image(upload("page.png", b"<!doctype html><h1>hi</h1>"))


def test_a_renamed_executable_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"PE\x00\x00"
    with pytest.raises(ValidationError) as error:
        clean_image(upload("holiday.jpg", exe, "image/jpeg"))
    assert "not a picture" in error.value.messages[0]


def test_a_gif_is_refused_even_though_it_is_an_image():
    out = io.BytesIO()
    Image.new("RGB", (5, 5)).save(out, "GIF")
    with pytest.raises(ValidationError, match="GIF pictures are not accepted"):
        clean_image(upload("a.gif", out.getvalue(), "image/gif"))


def test_a_decompression_bomb_is_refused_before_decoding():
    data = bomb_png(9559)
    assert len(data) < 100_000
    with pytest.raises(ValidationError) as error:
        clean_image(upload("bomb.png", data))
    assert "6000" in error.value.messages[0]


def test_a_picture_wider_than_6000_pixels_is_refused():
    data = bomb_png(6001)
    with pytest.raises(ValidationError, match="6001 x 6001"):
        clean_image(upload("wide.png", data))


def test_a_file_over_5_mb_is_refused():
    big = png_bytes() + b"\x00" * (5 * 1024 * 1024)
    with pytest.raises(ValidationError, match="at most 5 MB"):
        clean_image(upload("big.png", big))


def test_a_truncated_png_is_refused():
    with pytest.raises(ValidationError):
        clean_image(upload("cut.png", png_bytes(200, 200, "green")[:60]))


def test_a_truncated_png_is_refused_after_weasyprint_relaxed_pillow():
    import weasyprint.images  # noqa: F401 - sets ImageFile.LOAD_TRUNCATED_IMAGES for the process
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    with pytest.raises(ValidationError):
        clean_image(upload("cut.png", png_bytes(200, 200, "green")[:60]))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # PDF rendering keeps its setting
