"""Demo images: a blue handwritten-like signature and a red round seal, transparent PNGs.

Nghị định 30/2020/NĐ-CP, Phụ lục I (standards §3.4): the signer's image is blue, PNG with a
transparent background; the seal image is red, at the seal's real size. Both generated images
carry "MẪU THỬ" (TEST) so nobody mistakes them for a real seal.
"""

from __future__ import annotations

import math
import random
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BLUE = (20, 50, 190, 255)
RED = (215, 25, 30, 255)
DPI = 300
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)


def mm_to_px(mm: float, dpi: int = DPI) -> int:
    return round(mm / 25.4 * dpi)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default()


def signature_png(width_mm: float = 40, height_mm: float = 18, seed: int = 7) -> bytes:
    """A flowing blue scribble on a transparent background."""
    rng = random.Random(seed)  # noqa: S311 - deterministic demo image, not crypto
    width, height = mm_to_px(width_mm), mm_to_px(height_mm)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = []
    steps = 240
    for i in range(steps):
        t = i / (steps - 1)
        x = width * (0.06 + 0.86 * t)
        y = height * (0.55 + 0.28 * math.sin(t * 13.0 + rng.random() * 0.2) * (1 - 0.5 * t))
        y += height * 0.08 * math.sin(t * 41.0)
        points.append((x, y))
    draw.line(points, fill=BLUE, width=max(3, width // 90), joint="curve")
    flourish = [
        (width * (0.12 + 0.8 * t), height * (0.82 - 0.12 * t + 0.05 * math.sin(t * 6)))
        for t in (i / 60 for i in range(61))
    ]
    draw.line(flourish, fill=BLUE, width=max(2, width // 140), joint="curve")
    return _png(image)


def seal_png(
    agency: str = "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
    parent: str = "UBND TỈNH KON TUM",
    diameter_mm: float = 36,
) -> bytes:
    """A red round seal (outer ring, agency name on the rim, star, TEST mark)."""
    size = mm_to_px(diameter_mm)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    ring = max(4, size // 60)
    draw.ellipse((ring, ring, size - ring, size - ring), outline=RED, width=ring)
    inner = size * 0.30
    draw.ellipse(
        (centre - inner, centre - inner, centre + inner, centre + inner),
        outline=RED,
        width=ring // 2,
    )
    _text_on_arc(image, f"{parent} - {agency}", centre, size * 0.40, size // 15)
    _star(draw, centre, centre - size * 0.06, size * 0.09)
    label_font = _font(size // 16)
    label = "MẪU THỬ"
    box = draw.textbbox((0, 0), label, font=label_font)
    draw.text(
        (centre - (box[2] - box[0]) / 2, centre + size * 0.07), label, font=label_font, fill=RED
    )
    return _png(image)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    points = []
    for i in range(10):
        angle = -math.pi / 2 + i * math.pi / 5
        r = radius if i % 2 == 0 else radius * 0.4
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=RED)


def _text_on_arc(image: Image.Image, text: str, centre: float, radius: float, size: int) -> None:
    """Letters along the rim, clockwise from the lower left, each rotated to face outwards."""
    font = _font(size)
    span = 2 * math.pi * 0.86
    start = math.pi / 2 + (2 * math.pi - span) / 2
    for index, char in enumerate(text):
        angle = start + span * (index + 0.5) / len(text)
        glyph = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size * 0.5, size * 0.3), char, font=font, fill=RED)
        rotated = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.cos(angle) - size
        y = centre + radius * math.sin(angle) - size
        image.alpha_composite(rotated, (max(0, round(x)), max(0, round(y))))


def _png(image: Image.Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format="PNG", dpi=(DPI, DPI))
    return buffer.getvalue()
