"""Profile photos: checked, resized and stripped of metadata before they are stored."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
SIZE = 512


def process_photo(upload) -> ContentFile:
    """A clean JPEG of at most SIZE×SIZE from an uploaded image, or ValidationError.

    Re-encoding from pixels drops EXIF (GPS, camera serials) and any payload
    hidden in the original file.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The photo is too large: at most 5 MB."), code="too_large")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG or WebP image."), code="format")
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels."), code="too_large")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image = ImageOps.fit(image, (SIZE, SIZE)) if min(image.size) > SIZE else image
            out = io.BytesIO()
            # No exif= and no info: the saved file carries pixels only.
            image.save(out, format="JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("This file is not an image we can read."), code="invalid"
        ) from error
    return ContentFile(out.getvalue(), name="photo.jpg")
