"""Render an outgoing document to PDF in the layout of Nghị định 30/2020/NĐ-CP, Phụ lục I.

`render_outgoing_pdf(layout)` is a pure function of the layout dict stored in
`OutgoingVersion.content`: the same layout on the same installation gives the same bytes
(reportlab `invariant=1` fixes the creation date and the document ID), so any past version can be
re-rendered and compared with what was stored. Stored bytes themselves are never rewritten.

Fonts: the standard asks for Times New Roman (Unicode TCVN 6909:2001). We embed the first
Times-metric or serif TrueType family found that covers every Vietnamese letter
(see `FONT_CANDIDATES`): Liberation Serif 2.x (Debian `fonts-liberation2`), else DejaVu Serif
(Debian `fonts-dejavu-core`/`-extra`, or matplotlib's copy). Liberation 1.x (`fonts-liberation`)
lacks ơ, ư and the precomposed tone marks and is refused.

DOCX uploads are converted with LibreOffice headless (`convert_docx_to_pdf`) when `soffice` is on
the PATH; otherwise the caller keeps the DOCX and marks the PDF as pending.
"""

from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from congso.core.errors import CongsoError

LAYOUT_VERSION = 1
VIETNAMESE_LETTERS = (
    "ăâđêôơưĂÂĐÊÔƠƯàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵÀÁÈÉÌÍÒÓÙÚÝ"
    + "".join(chr(code) for code in range(0x1EA0, 0x1EFA))
    + "…–"
)
_VARIANTS = ("regular", "bold", "italic", "bolditalic")
_FAMILY = "CongsoSerif"
SOFFICE_TIMEOUT_SECONDS = 120


class RenderingUnavailable(CongsoError):
    code = "rendering_unavailable"
    http_status = 503


@dataclass(frozen=True)
class FontFamily:
    name: str
    files: dict[str, Path]


def _matplotlib_font_dir() -> Path | None:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


def _candidates() -> list[FontFamily]:
    liberation = {
        "regular": "LiberationSerif-Regular.ttf",
        "bold": "LiberationSerif-Bold.ttf",
        "italic": "LiberationSerif-Italic.ttf",
        "bolditalic": "LiberationSerif-BoldItalic.ttf",
    }
    dejavu = {
        "regular": "DejaVuSerif.ttf",
        "bold": "DejaVuSerif-Bold.ttf",
        "italic": "DejaVuSerif-Italic.ttf",
        "bolditalic": "DejaVuSerif-BoldItalic.ttf",
    }
    places: list[tuple[str, Path | None, dict[str, str]]] = [
        ("Liberation Serif", Path("/usr/share/fonts/truetype/liberation2"), liberation),
        ("DejaVu Serif", Path("/usr/share/fonts/truetype/dejavu"), dejavu),
        ("DejaVu Serif", _matplotlib_font_dir(), dejavu),
    ]
    return [
        FontFamily(name, {variant: directory / file for variant, file in files.items()})
        for name, directory, files in places
        if directory is not None
    ]


def covers_vietnamese(path: Path) -> bool:
    """True if the TrueType file has a glyph for every Vietnamese letter."""
    try:
        mapping = TTFontFile(str(path)).charToGlyph
    except Exception:  # a damaged or unsupported font file is simply not a candidate
        return False
    return all(ord(char) in mapping for char in VIETNAMESE_LETTERS)


def family_is_usable(family: FontFamily) -> bool:
    return all(family.files[v].is_file() and covers_vietnamese(family.files[v]) for v in _VARIANTS)


@lru_cache(maxsize=1)
def document_font() -> FontFamily:
    """The first usable family, registered with reportlab as `CongsoSerif` (once per process)."""
    for family in _candidates():
        if family_is_usable(family):
            _register(family)
            return family
    raise RenderingUnavailable(
        "Máy chủ chưa có phông chữ có dấu tiếng Việt (cài gói fonts-liberation2).",
        code="font_missing",
    )


def _register(family: FontFamily) -> None:
    names = {
        "regular": _FAMILY,
        "bold": f"{_FAMILY}-Bold",
        "italic": f"{_FAMILY}-Italic",
        "bolditalic": f"{_FAMILY}-BoldItalic",
    }
    for variant, name in names.items():
        pdfmetrics.registerFont(TTFont(name, str(family.files[variant])))
    pdfmetrics.registerFontFamily(
        _FAMILY,
        normal=names["regular"],
        bold=names["bold"],
        italic=names["italic"],
        boldItalic=names["bolditalic"],
    )


def _style(name: str, *, size: float, bold: bool = False, italic: bool = False, **kw: Any) -> Any:
    font = _FAMILY
    if bold and italic:
        font += "-BoldItalic"
    elif bold:
        font += "-Bold"
    elif italic:
        font += "-Italic"
    kw.setdefault("alignment", TA_CENTER)
    kw.setdefault("leading", size * 1.2)
    return ParagraphStyle(name, fontName=font, fontSize=size, **kw)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _underline(text: str, style: ParagraphStyle, fraction: float = 1.0) -> HRFlowable:
    width = pdfmetrics.stringWidth(text, style.fontName, style.fontSize) * fraction
    return HRFlowable(width=width, thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=3)


def _header(layout: dict[str, Any]) -> Table:
    """Ô 1–4 (and 5b for a công văn, 10a/10b marks): two columns, left issuer, right quốc hiệu."""
    organ = _style("organ", size=12)
    organ_bold = _style("organ-bold", size=12, bold=True)
    number = _style("number", size=13)
    letter_subject = _style("v-v", size=12.5)
    mark = _style("mark", size=13, bold=True)
    motto_caps = _style("motto-caps", size=12, bold=True)
    motto = _style("motto", size=13.5, bold=True)
    place = _style("place", size=13.5, italic=True)
    agency = str(layout.get("agency", "")).upper()
    left: list[Any] = []
    if layout.get("parent_agency"):
        left.append(_p(str(layout["parent_agency"]).upper(), organ))
    left.append(_p(agency, organ_bold))
    left.append(_underline(agency.split("\n")[-1], organ_bold, fraction=0.4))
    left.append(_p(str(layout["number_line"]), number))
    if layout.get("is_official_letter"):
        left.append(_p(str(layout["subject"]), letter_subject))
    for key in ("secrecy_mark", "urgency_mark"):
        if layout.get(key):
            left.append(Spacer(1, 2 * mm))
            left.append(_p(str(layout[key]).upper(), mark))
    motto_text = "Độc lập - Tự do - Hạnh phúc"
    right: list[Any] = [
        _p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", motto_caps),
        _p(motto_text, motto),
        _underline(motto_text, motto),
        Spacer(1, 2 * mm),
        _p(str(layout["date_line"]), place),
    ]
    table = Table([[left, right]], colWidths=[74 * mm, 91 * mm])
    table.setStyle(
        TableStyle(
            [
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), _FAMILY),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _title(layout: dict[str, Any]) -> list[Any]:
    """Ô 5a: type name and subject for typed documents; "Kính gửi" for a công văn (ô 9a)."""
    flow: list[Any] = [Spacer(1, 6 * mm)]
    if layout.get("is_official_letter"):
        if layout.get("addressed_to"):
            flow.append(_p(f"Kính gửi: {layout['addressed_to']}", _style("kg", size=14)))
        flow.append(Spacer(1, 4 * mm))
        return flow
    flow.append(_p(str(layout.get("type_name", "")).upper(), _style("type", size=14, bold=True)))
    subject = _style("subject", size=14, bold=True)
    flow.append(_p(str(layout["subject"]), subject))
    flow.append(_underline(str(layout["subject"])[:40], subject, fraction=0.5))
    flow.append(Spacer(1, 3 * mm))
    return flow


def _body(layout: dict[str, Any]) -> list[Any]:
    """Ô 6: justified, first-line indent 1 cm, 6 pt between paragraphs."""
    style = _style(
        "body",
        size=14,
        alignment=TA_JUSTIFY,
        firstLineIndent=10 * mm,
        leading=14 * 1.3,
        spaceAfter=6,
    )
    paragraphs = [line.strip() for line in str(layout.get("body", "")).splitlines()]
    return [_p(text, style) for text in paragraphs if text]


def _signature(layout: dict[str, Any]) -> KeepTogether:
    """Ô 7 (signer) on the right, ô 9b (nơi nhận, ending "Lưu: VT, …") on the left."""
    to_title = _style("to-title", size=12, bold=True, italic=True, alignment=TA_LEFT)
    to_line = _style("to-line", size=11, alignment=TA_LEFT, leading=13)
    left: list[Any] = [_p("Nơi nhận:", to_title)]
    recipients = [str(name) for name in layout.get("recipients", [])]
    lines = [f"- {name};" for name in recipients] + [f"- {layout.get('storage_line', 'Lưu: VT.')}"]
    left.extend(_p(line, to_line) for line in lines)
    authority = _style("authority", size=13.5, bold=True)
    right: list[Any] = []
    for key in ("authority_line", "signer_position"):
        if layout.get(key):
            right.append(_p(str(layout[key]).upper(), authority))
    right.append(Spacer(1, 24 * mm))
    right.append(_p(str(layout.get("signer_name", "")), _style("name", size=14, bold=True)))
    table = Table([[left, right]], colWidths=[80 * mm, 85 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), _FAMILY),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return KeepTogether([Spacer(1, 4 * mm), table])


def _page_number(canvas: Any, doc: Any) -> None:
    """Page numbers centred in the top margin, not on page 1 (Phụ lục I, mục II.1)."""
    canvas.saveState()
    canvas.setFont(_FAMILY, 13)
    canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, str(doc.page))
    canvas.restoreState()


def render_outgoing_pdf(layout: dict[str, Any]) -> bytes:
    """The PDF of one version's layout: A4, margins 20/15/20/30 mm, embedded subset fonts."""
    document_font()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        leftMargin=30 * mm,
        rightMargin=15 * mm,
        title=str(layout.get("subject", ""))[:200],
        author=str(layout.get("agency", ""))[:200],
        creator="congso",
        subject=str(layout.get("number_line", "")),
        invariant=1,
        initialFontName=_FAMILY,  # else the PDF names an unembedded Helvetica
    )
    story: list[Any] = [_header(layout), *_title(layout), *_body(layout), _signature(layout)]
    doc.build(story, onLaterPages=_page_number)
    return buffer.getvalue()


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_docx_to_pdf(data: bytes) -> bytes | None:
    """The PDF LibreOffice makes of a DOCX, or None when LibreOffice is not installed.

    Each conversion uses its own profile directory, so conversions may run side by side.
    Raises RenderingUnavailable when LibreOffice runs but produces nothing.
    """
    binary = soffice_path()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory(prefix="congso-soffice-") as work:
        workdir = Path(work)
        source = workdir / "document.docx"
        source.write_bytes(data)
        profile = (workdir / "profile").as_uri()
        try:
            subprocess.run(
                [
                    binary,
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(workdir),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=SOFFICE_TIMEOUT_SECONDS,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            raise RenderingUnavailable(
                "Không chuyển được tệp DOCX sang PDF.", code="conversion_failed"
            ) from exc
        target = workdir / "document.pdf"
        if not target.is_file():
            raise RenderingUnavailable(
                "Không chuyển được tệp DOCX sang PDF.", code="conversion_failed"
            )
        return target.read_bytes()
