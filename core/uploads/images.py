"""Pictures: their size read from the header and refused past the pixel limit before a pixel is decoded, then
re-encoded (EXIF gone) for storage."""

import io
import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .limits import Limits


def _unreadable(error=None):
    raise ValidationError(_("The image could not be read. Take or save it again."), code="bad_image") from error


def _open(data: bytes):
    """Open without decoding: Pillow reads only the header here. Pillow's own bomb guard (an error past twice
    Image.MAX_IMAGE_PIXELS) is turned into our refusal; its warning is silenced because our limit is lower."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        return None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        _unreadable(error)


def _too_large(width: int, height: int, limits: Limits):
    raise ValidationError(
        _(
            "The image is %(width)s × %(height)s pixels; at most %(limit)s megapixels are accepted. Make it smaller "
            "and retry."
        ),
        code="image_too_large",
        params={"width": width, "height": height, "limit": round(limits.max_image_pixels / 1_000_000)},
    )


def check_pixels(data: bytes, limits: Limits) -> None:
    """Refuse an image whose header gives more pixels than the limit (a 72-megapixel PNG is a few kilobytes)."""
    image = _open(data)
    if image is None:
        _too_large(0, 0, limits)
    with image:
        width, height = image.size
        if width * height > limits.max_image_pixels:
            _too_large(width, height, limits)


def reencode(data: bytes, kind: str, limits: Limits) -> bytes:
    """Decode and re-encode a JPEG/PNG/WebP image, keeping its format and dropping EXIF (GPS, camera, owner).

    Re-encoding also defeats files that are an image and something else at once. The orientation the camera
    recorded is applied to the pixels first, so the photo does not turn sideways when its EXIF goes.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    check_pixels(data, limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                out = io.BytesIO()
                if kind == "jpeg":
                    if image.mode not in ("RGB", "L"):
                        image = image.convert("RGB")
                    image.save(out, format="JPEG", quality=88, optimize=True)
                elif kind == "png":
                    image.save(out, format="PNG", optimize=True)
                else:
                    image.save(out, format="WEBP", quality=88)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        _unreadable(error)
    return out.getvalue()
