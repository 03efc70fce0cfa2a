"""The serif font the one-stop forms are printed in, registered with reportlab once per process.

The forms of TT 01/2018/TT-VPCP are typed in Times New Roman like every administrative document;
we embed the first Times-like TrueType family that has every Vietnamese letter: Liberation Serif
2.x (Debian `fonts-liberation2`), else DejaVu Serif (`fonts-dejavu-core`, or matplotlib's copy) —
the same choice as the documents app makes for outgoing documents. Liberation 1.x lacks ơ/ư and
the precomposed tone marks and is refused.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

FAMILY = "MotCuaSerif"
BOLD = f"{FAMILY}-Bold"
ITALIC = f"{FAMILY}-Italic"
BOLD_ITALIC = f"{FAMILY}-BoldItalic"
VIETNAMESE_LETTERS = "ăâđêôơưĂÂĐÊÔƠƯ" + "".join(chr(code) for code in range(0x1EA0, 0x1EFA))
_FILES = {
    "Liberation Serif": (
        "LiberationSerif-Regular.ttf",
        "LiberationSerif-Bold.ttf",
        "LiberationSerif-Italic.ttf",
        "LiberationSerif-BoldItalic.ttf",
    ),
    "DejaVu Serif": (
        "DejaVuSerif.ttf",
        "DejaVuSerif-Bold.ttf",
        "DejaVuSerif-Italic.ttf",
        "DejaVuSerif-BoldItalic.ttf",
    ),
}


class FontMissing(RuntimeError):
    """No installed font can print Vietnamese; the message is for the operator."""


def _directories() -> list[tuple[str, Path]]:
    places = [
        ("Liberation Serif", Path("/usr/share/fonts/truetype/liberation2")),
        ("DejaVu Serif", Path("/usr/share/fonts/truetype/dejavu")),
    ]
    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.origin is not None:
        places.append(("DejaVu Serif", Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"))
    return places


def _covers_vietnamese(path: Path) -> bool:
    try:
        mapping = TTFontFile(str(path)).charToGlyph
    except Exception:  # a damaged or unsupported file is simply not a candidate
        return False
    return all(ord(char) in mapping for char in VIETNAMESE_LETTERS)


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Register the first usable family under `FAMILY` and return its real name."""
    for name, directory in _directories():
        paths = [directory / file for file in _FILES[name]]
        if all(path.is_file() and _covers_vietnamese(path) for path in paths):
            for alias, path in zip((FAMILY, BOLD, ITALIC, BOLD_ITALIC), paths, strict=True):
                pdfmetrics.registerFont(TTFont(alias, str(path)))
            pdfmetrics.registerFontFamily(
                FAMILY, normal=FAMILY, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
            )
            return name
    raise FontMissing(
        "Máy chủ chưa có phông chữ có dấu tiếng Việt (cài gói fonts-liberation2 hoặc fonts-dejavu)."
    )
