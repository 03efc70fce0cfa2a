"""Vietnamese sentences of the validation report, written for a clerk (văn thư), not a PKI
expert: say what is wrong and what it means for the document, name the failing element.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from asn1crypto import x509 as asn1_x509

from congso.signatures.lib.policy import PolicyProblem
from congso.signatures.lib.report import CertificateInfo, Verdict, format_vn_time

if TYPE_CHECKING:
    from congso.signatures.lib.report import SignatureReport

FILE_TOO_LARGE = "Tệp quá lớn để kiểm tra (giới hạn {mb} MB)."
ENCRYPTED = (
    "Tệp PDF được mã hóa; không kiểm tra được chữ ký. Đề nghị bên gửi gửi lại bản không mã hóa."
)
UNREADABLE = "Tệp PDF bị hỏng hoặc sai cấu trúc, không đọc được chữ ký ({detail})."
TIME_LIMIT = (
    "Quá thời gian cho phép để kiểm tra một tệp ({seconds} giây); chữ ký chưa kiểm tra xong không "
    "được coi là hợp lệ. Đề nghị kiểm tra lại sau."
)
ENGINE_ERROR = "Có lỗi khi kiểm tra chữ ký ({detail}); kết quả không thể coi là hợp lệ."
NOTHING_CHECKED = "Không kiểm tra được chữ ký này."

STRUCTURE_OK = "Chữ ký đúng định dạng PDF/CMS."
NO_SIGNED_ATTRIBUTES = (
    "Chữ ký thiếu các thuộc tính bắt buộc (thời điểm ký, chứng thư của người ký) theo chuẩn "
    "PAdES: không xác định được chứng thư đã ký."
)
INTACT = "Nội dung văn bản không bị thay đổi kể từ khi ký (mã băm và giá trị chữ ký khớp)."
NOT_INTACT = (
    "Nội dung văn bản đã bị thay đổi sau khi ký: mã băm của phần được ký không khớp với chữ ký."
)
BAD_SIGNATURE_VALUE = (
    "Giá trị chữ ký không đúng với chứng thư số của người ký (chữ ký giả hoặc hỏng)."
)
COVERS_FILE = "Chữ ký bao phủ toàn bộ tệp."
COVERS_REVISION = "Chữ ký bao phủ toàn bộ phiên bản văn bản tại thời điểm ký."
COVERAGE_UNCLEAR = (
    "Vùng dữ liệu được ký không rõ ràng (ByteRange bất thường): không bảo đảm chữ ký bao phủ "
    "nội dung văn bản."
)
NOT_MODIFIED = "Không có thay đổi nào sau khi ký."
ONLY_SIGNATURES_ADDED = "Sau khi ký chỉ có thêm chữ ký số hoặc dữ liệu kiểm tra dài hạn."
MODIFIED = (
    "Văn bản đã bị sửa sau khi ký (thêm/bớt trang, sửa nội dung, thêm chú thích hoặc trường "
    "biểu mẫu): nội dung đang hiển thị có thể khác nội dung đã ký."
)
FORM_CHANGED = "Sau khi ký, trường biểu mẫu đã bị điền hoặc sửa: {fields}."
TOO_MANY_REVISIONS = (
    "Tệp có {revisions} lần cập nhật sau khi tạo, quá nhiều để phân tích thay đổi sau khi ký."
)
USAGE_OK = "Chứng thư số được cấp cho mục đích ký số."
ALGORITHMS_OK = "Thuật toán ký và độ dài khóa đạt yêu cầu."
NO_TIMESTAMP = "Chữ ký không có dấu thời gian; thời điểm ký do người ký tự khai báo."
TIMESTAMP_OK = "Có dấu thời gian hợp lệ lúc {when} do {tsa} cấp."
TIMESTAMP_BROKEN = "Dấu thời gian bị hỏng hoặc không khớp với chữ ký."
TIMESTAMP_UNTRUSTED = (
    "Dấu thời gian không được tin cậy (đơn vị cấp không có thẩm quyền cấp dấu thời gian hoặc "
    "không thuộc tổ chức chứng thực được tin cậy)."
)
DOC_TIMESTAMP_OK = "Dấu thời gian của tài liệu (lưu trữ dài hạn) hợp lệ."
CHAIN_FOUND = "Chứng thư số do tổ chức chứng thực được tin cậy cấp."
IN_VALIDITY = "Chứng thư số còn hiệu lực."
NOT_REVOKED = "Chứng thư số chưa bị thu hồi (đã kiểm tra OCSP/CRL)."
NOT_REVOKED_AT_PROOF = (
    "Chứng thư số chưa bị thu hồi tại thời điểm ký đã được dấu thời gian chứng minh."
)
UNTRUSTED = (
    "Chứng thư số không do tổ chức chứng thực được tin cậy cấp (không xây dựng được chuỗi tới "
    "chứng thư gốc của Ban Cơ yếu Chính phủ hoặc Bộ KH&CN): không xác định được người ký."
)
REVOCATION_UNKNOWN = (
    "Không kiểm tra được tình trạng thu hồi của chứng thư số (máy chủ OCSP/CRL không trả lời "
    "hoặc trả lời không hợp lệ). Cần kiểm tra lại sau."
)
NOT_YET_VALID = "Chứng thư số chưa có hiệu lực tại thời điểm kiểm tra."
EXPIRED = "Chứng thư số đã hết hạn và không có bằng chứng đã ký khi chứng thư còn hiệu lực."
EXPIRED_AFTER_PROOF = "Chứng thư số hết hạn sau thời điểm ký đã được dấu thời gian chứng minh."
SIGNED_OUTSIDE_VALIDITY = "Văn bản được ký lúc {when}, ngoài thời hạn hiệu lực của chứng thư số."
WEAK_CHAIN_ALGORITHM = "Chuỗi chứng thư dùng thuật toán yếu (SHA-1, MD5 hoặc khóa quá ngắn)."
CHAIN_CONSTRAINTS = "Chứng thư số không thỏa ràng buộc sử dụng (mục đích khóa hoặc ràng buộc CA)."
TRUST_OTHER = "Không xác nhận được chuỗi tin cậy của chứng thư số (mã {code})."
CA_REVOKED = "Chứng thư của tổ chức chứng thực cấp cho người ký đã bị thu hồi lúc {when}."
REVOKED_BEFORE = "Chứng thư số đã bị thu hồi lúc {when}, trước khi ký: chữ ký không có giá trị."
REVOKED_AFTER_PROOF = (
    "Chứng thư số bị thu hồi lúc {when}, sau thời điểm ký {proof} đã được dấu thời gian chứng "
    "minh: chữ ký vẫn có giá trị."
)
REVOKED_NO_POE = (
    "Chứng thư số đã bị thu hồi lúc {when}; chữ ký không có dấu thời gian nên không chứng minh "
    "được đã ký trước thời điểm thu hồi."
)


def trusted(root: str = "") -> str:
    chain = f" (chuỗi tới gốc “{root}”)" if root else ""
    return f"Chứng thư số do tổ chức chứng thực được tin cậy cấp{chain}."


def structure_error(exc: BaseException) -> str:
    name = type(exc).__name__
    if "CMS" in name or "SignerInfo" in str(exc):
        return f"Dữ liệu chữ ký (CMS) sai cấu trúc hoặc có nhiều người ký lồng nhau ({name})."
    return f"Chữ ký bị hỏng hoặc sai cấu trúc, không kiểm tra được ({name})."


def weak_digest(algorithm: str) -> PolicyProblem:
    return PolicyProblem(
        "weak_algorithm", f"Chữ ký dùng thuật toán băm yếu {algorithm.upper()} (yêu cầu SHA-256)."
    )


def _attr(name: asn1_x509.Name, key: str) -> str:
    value = name.native.get(key, "")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def certificate_info(cert: asn1_x509.Certificate) -> CertificateInfo:
    import hashlib

    subject = cert.subject
    return CertificateInfo(
        subject=subject.human_friendly,
        common_name=_attr(subject, "common_name"),
        organisation=_attr(subject, "organization_name"),
        unit=_attr(subject, "organizational_unit_name"),
        identity=_attr(subject, "user_id"),
        issuer=_attr(cert.issuer, "common_name") or cert.issuer.human_friendly,
        serial_hex=format(cert.serial_number, "x"),
        valid_from=cert.not_valid_before,
        valid_to=cert.not_valid_after,
        sha256=hashlib.sha256(cert.dump()).hexdigest(),
    )


def signature_summary(item: SignatureReport) -> str:
    who = item.signer.common_name if item.signer else "(không rõ người ký)"
    org = f" ({item.signer.organisation})" if item.signer and item.signer.organisation else ""
    when = format_vn_time(item.timestamp_time or item.signing_time_claimed)
    at = f", ký lúc {when}" if when else ""
    if item.kind == "document_timestamp":
        head = "Dấu thời gian tài liệu"
    else:
        head = f"Chữ ký của {who}{org}{at}"
    if item.verdict == Verdict.VALID:
        return f"{head}: hợp lệ."
    reasons = [c.message for c in item.failing() if c.verdict == Verdict.FAILED] or [
        c.message for c in item.failing()
    ]
    label = "KHÔNG hợp lệ" if item.verdict == Verdict.FAILED else "chưa xác định được"
    return f"{head}: {label}. {reasons[0] if reasons else ''}".strip()
