"""How signatures look on the page (Nghị định 30/2020/NĐ-CP, Phụ lục I; standards §3.4).

- Person (ô 7c): the blue handwritten-signature PNG, centred between position line and name.
- Organisation (ô 8): the red seal PNG at the seal's real size, overlapping about one third of
  the person's image, on the left.
- Appendix / attachment in a separate file: organisation signature, no image, top right of the
  first page: document number + signing time (ISO 8601, Vietnam offset), Times-like 10 pt.

Vietnamese text needs an embedded OpenType font (pyHanko's default font is Latin-1 only;
pyHanko #459, #139): Liberation Serif (metric-compatible with Times New Roman, Debian
fonts-liberation2) or, failing that, DejaVu Serif.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import StaticStampStyle, TextStampStyle

MM = 72 / 25.4
VIETNAMESE_SAMPLE = "ĂÂĐÊÔƠƯăâđêôơưẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸ"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
)
# Appendix text: "số và ký hiệu văn bản + thời gian ký" (standards §3.4). `ts` is rendered in
# Vietnam time; the signing code converts the signing moment to +07:00 before stamping.
APPENDIX_TEMPLATE = "%(doc_number)s\n%(ts)s"
ISO_VN_FORMAT = "%Y-%m-%dT%H:%M:%S+07:00"


@functools.cache
def vietnamese_font_path() -> str:
    """The first installed serif font that has every Vietnamese letter."""
    from fontTools.ttLib import TTFont

    for candidate in FONT_CANDIDATES:
        if not Path(candidate).exists():
            continue
        cmap = TTFont(candidate, lazy=True).getBestCmap()
        if all(ord(ch) in cmap for ch in VIETNAMESE_SAMPLE):
            return candidate
    raise RuntimeError(
        "Không tìm thấy phông chữ có đủ dấu tiếng Việt (cài fonts-liberation2 hoặc fonts-dejavu)."
    )


@functools.cache
def stamp_font_path() -> str:
    """The Vietnamese font rescaled to 1000 units per em, for pyHanko's stamps.

    pyHanko 0.38 writes glyph widths (/W) in font units while PDF expects thousandths of an
    em, so a 2048-unit TrueType font (Liberation, DejaVu) comes out letter-spaced. A copy
    rescaled with fontTools is cached in the temp directory.
    """
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    source = Path(vietnamese_font_path())
    font = TTFont(str(source))
    if font["head"].unitsPerEm == 1000:
        return str(source)
    cache = Path(tempfile.gettempdir()) / "congso-fonts"
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / f"{source.stem}-1000upem-{source.stat().st_size}.ttf"
    if not target.exists():
        scale_upem(font, 1000)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        font.save(str(partial))
        partial.replace(target)
    return str(target)


@functools.lru_cache(maxsize=32)
def _decoded_image(digest: str, data: bytes) -> Image.Image:
    del digest  # part of the cache key only
    opened = Image.open(BytesIO(data))
    opened.load()
    return opened if opened.mode == "RGBA" else opened.convert("RGBA")


def _image(data: bytes) -> Image.Image:
    return _decoded_image(hashlib.sha256(data).hexdigest(), data)


def image_style(png: bytes) -> StaticStampStyle:
    """The image fills the field box (scaled to fit, centred), no border, fully opaque."""
    return StaticStampStyle(
        background=PdfImage(_image(png)),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )


def appendix_style(font_size: int = 10) -> TextStampStyle:
    return TextStampStyle(
        stamp_text=APPENDIX_TEMPLATE,
        timestamp_format=ISO_VN_FORMAT,
        border_width=0,
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(stamp_font_path(), font_size=font_size),
            font_size=font_size,
            leading=font_size + 2,
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins(),
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
    )


Box = tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF points, origin bottom left


@dataclass(frozen=True)
class SignatureBlock:
    """Field boxes of the two signatures of one document (same page)."""

    page: int
    person_box: Box
    organisation_box: Box


def signature_block(
    *,
    page: int,
    centre_x: float,
    centre_y: float,
    signature_size_mm: tuple[float, float] = (40, 18),
    seal_diameter_mm: float = 36,
    overlap: float = 1 / 3,
) -> SignatureBlock:
    """Boxes for the person's image centred at (centre_x, centre_y) and the seal on its left.

    The seal's right edge sits `overlap` of the image's width inside the image's left edge,
    vertically centred on it (Nghị định 30/2020, Điều 33 and Phụ lục I: ~1/3, on the left).
    The seal diameter of a provincial department is a configurable [C] value (36 mm default).
    """
    width, height = signature_size_mm[0] * MM, signature_size_mm[1] * MM
    person = (
        centre_x - width / 2,
        centre_y - height / 2,
        centre_x + width / 2,
        centre_y + height / 2,
    )
    diameter = seal_diameter_mm * MM
    right = person[0] + width * overlap
    organisation = (right - diameter, centre_y - diameter / 2, right, centre_y + diameter / 2)
    return SignatureBlock(page=page, person_box=person, organisation_box=organisation)


def appendix_box(page_width: float, page_height: float, *, width_mm: float = 70) -> Box:
    """Top right of the first page, inside a 20 mm right and 15 mm top margin."""
    right = page_width - 20 * MM
    top = page_height - 12 * MM
    return (right - width_mm * MM, top - 12 * MM, right, top)


# fontTools warns about every subset of a font carrying an FFTM table; nothing to act on.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
