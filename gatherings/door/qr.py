"""The personal code as a QR code, for the email and the badge."""

import io

import segno


def code_png(code: str, *, scale: int = 8) -> bytes:
    """A PNG of the QR code for `code`: dark on white, with the quiet zone scanners need."""
    buffer = io.BytesIO()
    segno.make(code, micro=False, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
