"""Sample PDFs for the demo, tests and benchmark: a short Vietnamese decision laid out after
Nghị định 30/2020/NĐ-CP Phụ lục I (standards §3.3), with the signature block's position known,
an appendix, and padded files of any size.
"""

from __future__ import annotations

import os
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from congso.signatures.lib import appearance

_FONTS_REGISTERED = False


def _register_fonts() -> tuple[str, str]:
    global _FONTS_REGISTERED
    regular = appearance.vietnamese_font_path()
    bold = regular.replace("-Regular", "-Bold").replace("Serif.ttf", "Serif-Bold.ttf")
    if not _FONTS_REGISTERED:
        pdfmetrics.registerFont(TTFont("CongsoSerif", regular))
        pdfmetrics.registerFont(
            TTFont("CongsoSerif-Bold", bold if os.path.exists(bold) else regular)
        )
        _FONTS_REGISTERED = True
    return "CongsoSerif", "CongsoSerif-Bold"


def decision_pdf(
    *,
    number: str = "15/QĐ-STTTT",
    pages: int = 1,
    position: str = "GIÁM ĐỐC",
    signer_name: str = "Nguyễn Văn An",
) -> tuple[bytes, appearance.SignatureBlock]:
    """A decision of the Kon Tum Department of Information and Communications (TEST)."""
    regular, bold = _register_fonts()
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"Quyết định {number}")
    width, height = A4
    left, right = 30 * mm, width - 15 * mm
    for page in range(pages):
        if page == 0:
            pdf.setFont(regular, 12)
            pdf.drawCentredString(left + 30 * mm, height - 25 * mm, "UBND TỈNH KON TUM")
            pdf.setFont(bold, 12)
            pdf.drawCentredString(left + 30 * mm, height - 30 * mm, "SỞ THÔNG TIN VÀ TRUYỀN THÔNG")
            pdf.drawCentredString(
                right - 48 * mm, height - 25 * mm, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
            )
            pdf.setFont(bold, 13)
            pdf.drawCentredString(right - 48 * mm, height - 30 * mm, "Độc lập - Tự do - Hạnh phúc")
            pdf.setFont(regular, 13)
            pdf.drawCentredString(left + 30 * mm, height - 38 * mm, f"Số: {number}")
            pdf.drawCentredString(
                right - 48 * mm, height - 38 * mm, "Kon Tum, ngày 05 tháng 3 năm 2020"
            )
            pdf.setFont(bold, 14)
            pdf.drawCentredString(width / 2, height - 55 * mm, "QUYẾT ĐỊNH")
            pdf.drawCentredString(
                width / 2, height - 62 * mm, "Về việc ban hành Quy chế thử nghiệm chữ ký số"
            )
            pdf.setFont(regular, 11)
            pdf.drawCentredString(
                width / 2, height - 70 * mm, "(VĂN BẢN MẪU THỬ – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ)"
            )
        pdf.setFont(regular, 13)
        y = height - (85 * mm if page == 0 else 30 * mm)
        for line in range(10):
            pdf.drawString(
                left,
                y - line * 7 * mm,
                f"Điều {page * 10 + line + 1}. Nội dung điều khoản thử nghiệm – trang {page + 1}.",
            )
        if page < pages - 1:
            pdf.showPage()
    # Signature block on the last page: position, [signature image], name (ô 7a–7c).
    block_x = right - 45 * mm
    top = 95 * mm
    pdf.setFont(bold, 13)
    pdf.drawCentredString(block_x, top, position)
    pdf.drawCentredString(block_x, top - 32 * mm, signer_name)
    pdf.setFont(bold, 12)
    pdf.drawString(left, top, "Nơi nhận:")
    pdf.setFont(regular, 11)
    pdf.drawString(left, top - 6 * mm, "- Như Điều 3;")
    pdf.drawString(left, top - 11 * mm, "- Lưu: VT, VP.")
    pdf.showPage()
    pdf.save()
    block = appearance.signature_block(page=-1, centre_x=block_x, centre_y=top - 16 * mm)
    return buffer.getvalue(), block


def appendix_pdf(title: str = "PHỤ LỤC I – Danh mục thử nghiệm") -> bytes:
    regular, bold = _register_fonts()
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    pdf.setFont(bold, 13)
    pdf.drawCentredString(width / 2, height - 40 * mm, title)
    pdf.setFont(regular, 13)
    for line in range(8):
        pdf.drawString(
            30 * mm,
            height - (55 + 8 * line) * mm,
            f"{line + 1}. Hạng mục thử nghiệm số {line + 1}.",
        )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def padded_pdf(size_bytes: int) -> bytes:
    """A one-page decision carrying an attachment of random bytes, to reach `size_bytes`."""
    from pyhanko.pdf_utils import embed
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    base, _ = decision_pdf()
    writer = IncrementalPdfFileWriter(BytesIO(base))
    payload = os.urandom(max(0, size_bytes - len(base) - 4096))
    embed.embed_file(
        writer,
        embed.FileSpec(
            file_spec_string="dulieu.bin",
            embedded_data=embed.EmbeddedFileObject.from_file_data(
                writer, data=payload, compress=False
            ),
            description="Dữ liệu đệm thử nghiệm",
        ),
    )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
