"""Profile photos for the demo's members: soft abstract portraits drawn with Pillow.

Not real people and not letters on a plain disc: a head and shoulders against a
gradient, in varied colours, so the directory looks as it will with real photos.
"""

import io
import random

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFilter

from .models import Member

SIZE = 320
BACKDROPS = [
    ((214, 228, 240), (120, 160, 196)),
    ((240, 226, 204), (196, 146, 102)),
    ((222, 236, 222), (118, 162, 128)),
    ((236, 222, 236), (160, 122, 170)),
    ((244, 236, 214), (178, 160, 96)),
    ((216, 232, 234), (92, 142, 150)),
]
SKIN = [(241, 205, 178), (226, 183, 150), (198, 145, 110), (160, 110, 80), (112, 76, 56)]
HAIR = [(40, 30, 26), (92, 60, 38), (168, 120, 70), (214, 182, 120), (150, 150, 150), (120, 50, 30)]
CLOTHES = [(34, 58, 94), (120, 40, 48), (58, 90, 64), (70, 70, 78), (200, 196, 186), (30, 110, 130)]

# Every few demo members keep to initials, as some real members will.
WITHOUT_PHOTO_EVERY = 4


def _gradient(top: tuple, bottom: tuple) -> Image.Image:
    image = Image.new("RGB", (SIZE, SIZE))
    draw = ImageDraw.Draw(image)
    for y in range(SIZE):
        share = y / (SIZE - 1)
        colour = tuple(round(a + (b - a) * share) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (SIZE, y)], fill=colour)
    return image


def portrait(seed: str) -> bytes:
    """A JPEG of an abstract head and shoulders, the same for the same `seed`."""
    rng = random.Random(seed)
    image = _gradient(*rng.choice(BACKDROPS))
    draw = ImageDraw.Draw(image)
    skin, hair, clothes = rng.choice(SKIN), rng.choice(HAIR), rng.choice(CLOTHES)
    centre = SIZE // 2 + rng.randint(-14, 14)
    head_w, head_h = rng.randint(92, 110), rng.randint(116, 134)
    head_top = rng.randint(62, 80)
    long_hair = rng.random() < 0.45
    if long_hair:  # behind the head and down to the shoulders
        draw.rounded_rectangle(
            [centre - head_w // 2 - 16, head_top - 8, centre + head_w // 2 + 16, head_top + 190],
            radius=48,
            fill=hair,
        )
    # Shoulders, then the neck and the head over them.
    draw.ellipse([centre - 150, SIZE - 96, centre + 150, SIZE + 150], fill=clothes)
    draw.rectangle([centre - 24, head_top + head_h - 20, centre + 24, SIZE - 80], fill=skin)
    draw.ellipse([centre - 36, SIZE - 104, centre + 36, SIZE - 70], fill=skin)
    # Hair first, a little larger than the head; the face over it leaves a curved hairline.
    cap_depth = rng.randint(22, 40)
    draw.ellipse(
        [
            centre - head_w // 2 - 7,
            head_top - 10,
            centre + head_w // 2 + 7,
            head_top + head_h * 3 // 4,
        ],
        fill=hair,
    )
    face = (centre - head_w // 2 + 3, head_top + cap_depth, centre + head_w // 2 - 3)
    draw.ellipse([*face, head_top + head_h], fill=skin)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def add_demo_photos(members: list[Member]) -> None:
    """Give most demo members a portrait; a member who already has one keeps it."""
    for index, member in enumerate(members):
        if member.photo or index % WITHOUT_PHOTO_EVERY == WITHOUT_PHOTO_EVERY - 1:
            continue
        member.photo.save("photo.jpg", ContentFile(portrait(member.user.email)), save=False)
        member.save(update_fields=["photo"])
