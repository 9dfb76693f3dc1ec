"""Checks and re-encodes uploaded story images.

A file's name and declared type say nothing: Pillow must recognise the content as PNG, JPEG or
WebP, the header must stay within the size limits before any pixel is decoded (a small file can
unpack into gigabytes), and every accepted picture is decoded and encoded again, which drops
anything appended to it (an HTML page behind a valid PNG) and its metadata."""

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext, gettext_lazy, ngettext
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 6000
MAX_IMAGES_PER_STORY = 10
FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
REFUSED = gettext_lazy("Only PNG, JPEG or WebP pictures can be uploaded.")


def too_many_images() -> str:
    """Why a picture over the limit is refused (the form, the service and the API say it alike)."""
    return ngettext(
        "A story may have at most %(count)d picture.",
        "A story may have at most %(count)d pictures.",
        MAX_IMAGES_PER_STORY,
    ) % {"count": MAX_IMAGES_PER_STORY}


def _looks_like_markup(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<", b"<?xml", b"<svg", b"<!doctype", b"<html"))


def clean_image(upload) -> ContentFile:
    """Validate an uploaded file and return its re-encoded content under a random name.

    Raises ValidationError with a message for the form when the file is not a PNG, JPEG or
    WebP picture, is over 5 MB, or is wider or taller than 6000 pixels."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            gettext("This file is %(size).1f MB; pictures may be at most 5 MB."),
            params={"size": upload.size / 1024 / 1024},
            code="too_big",
        )
    upload.seek(0)
    data = upload.read()
    if _looks_like_markup(data[:256]):
        raise ValidationError(
            gettext("SVG, HTML and other text files are not accepted.") + " " + str(REFUSED),
            code="markup",
        )
    try:
        with warnings.catch_warnings():
            # Pillow warns about very large images; we refuse them by their size below instead.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            image_format = probe.format
            width, height = probe.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            gettext("This picture has too many pixels; at most 6000 x 6000 are allowed."),
            code="too_large",
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(
            gettext("This file is not a picture we can read.") + " " + str(REFUSED),
            code="not_image",
        ) from None
    except OSError:
        raise ValidationError(
            gettext("This picture is damaged.") + " " + str(REFUSED), code="damaged"
        ) from None
    if image_format not in FORMATS:
        raise ValidationError(
            gettext("%(format)s pictures are not accepted.") % {"format": image_format}
            + " "
            + str(REFUSED),
            code="format",
        )
    if width > MAX_SIDE or height > MAX_SIDE:
        raise ValidationError(
            gettext("This picture is %(w)d x %(h)d pixels; at most 6000 x 6000 are allowed."),
            params={"w": width, "h": height},
            code="too_large",
        )
    # WeasyPrint (imported for PDF reports) switches Pillow to accept truncated files for the
    # whole process; a cut-off upload must still be refused, so decode strictly here.
    previous, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
        image = ImageOps.exif_transpose(image)
    except (OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise ValidationError(
            gettext("This picture is damaged.") + " " + str(REFUSED), code="damaged"
        ) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous

    out = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    elif image_format == "PNG":
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(out, "WEBP", quality=88)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{FORMATS[image_format]}")
