"""The validation report: per signature and overall, in Vietnamese sentences a clerk understands,
as plain dataclasses that turn into JSON (anchors §3.5 rule 11: ETSI indication + our checks +
Vietnamese messages; pyHanko's ETSI TS 119 102-2 XML kept alongside when asked for).
"""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")


class Verdict(enum.StrEnum):
    VALID = "valid"
    INDETERMINATE = "indeterminate"
    FAILED = "failed"
    UNSIGNED = "unsigned"


VERDICT_LABELS = {
    Verdict.VALID: "Hợp lệ",
    Verdict.INDETERMINATE: "Chưa xác định được",
    Verdict.FAILED: "Không hợp lệ",
    Verdict.UNSIGNED: "Không có chữ ký số",
}
_ORDER = {Verdict.VALID: 0, Verdict.UNSIGNED: 1, Verdict.INDETERMINATE: 2, Verdict.FAILED: 3}


def worst(verdicts: list[Verdict]) -> Verdict:
    return max(verdicts, key=_ORDER.__getitem__) if verdicts else Verdict.UNSIGNED


class CheckName(enum.StrEnum):
    STRUCTURE = "structure"
    INTEGRITY = "integrity"
    COVERAGE = "coverage"
    MODIFICATIONS = "modifications"
    TRUST = "trust"
    VALIDITY = "validity"
    REVOCATION = "revocation"
    KEY_USAGE = "key_usage"
    ALGORITHMS = "algorithms"
    TIMESTAMP = "timestamp"


CHECK_LABELS = {
    CheckName.STRUCTURE: "Cấu trúc chữ ký",
    CheckName.INTEGRITY: "Toàn vẹn nội dung",
    CheckName.COVERAGE: "Phạm vi ký",
    CheckName.MODIFICATIONS: "Thay đổi sau khi ký",
    CheckName.TRUST: "Chuỗi tin cậy",
    CheckName.VALIDITY: "Thời hạn chứng thư",
    CheckName.REVOCATION: "Tình trạng thu hồi",
    CheckName.KEY_USAGE: "Mục đích sử dụng khóa",
    CheckName.ALGORITHMS: "Thuật toán",
    CheckName.TIMESTAMP: "Dấu thời gian",
}


@dataclass
class Check:
    name: CheckName
    verdict: Verdict
    message: str

    @property
    def label(self) -> str:
        return CHECK_LABELS[self.name]


@dataclass
class CertificateInfo:
    subject: str
    common_name: str
    organisation: str
    unit: str
    identity: str  # UID (CCCD:/MST:…) when the certificate carries one
    issuer: str
    serial_hex: str
    valid_from: datetime | None
    valid_to: datetime | None
    sha256: str


@dataclass
class SignatureReport:
    field_name: str
    kind: str  # "signature" | "document_timestamp"
    verdict: Verdict = Verdict.INDETERMINATE
    summary: str = ""
    signer: CertificateInfo | None = None
    signing_time_claimed: datetime | None = None
    timestamp_time: datetime | None = None
    timestamp_authority: str = ""
    coverage: str = ""
    modification_level: str = ""
    ades_indication: str = ""
    ades_subindication: str = ""
    checks: list[Check] = field(default_factory=list)
    etsi_report_xml: str | None = None

    def add(self, name: CheckName, verdict: Verdict, message: str) -> None:
        self.checks.append(Check(name, verdict, message))

    def failing(self) -> list[Check]:
        return [c for c in self.checks if c.verdict != Verdict.VALID]


@dataclass
class ValidationReport:
    file_name: str
    file_sha256: str
    file_size: int
    validated_at: datetime
    verdict: Verdict = Verdict.UNSIGNED
    summary: str = ""
    revisions: int = 0
    problems: list[str] = field(default_factory=list)
    signatures: list[SignatureReport] = field(default_factory=list)
    engine: str = ""

    @property
    def is_valid(self) -> bool:
        return self.verdict == Verdict.VALID

    def to_dict(self, *, with_etsi: bool = False) -> dict[str, Any]:
        data = asdict(self)
        data["verdict_label"] = VERDICT_LABELS[self.verdict]
        for sig, raw in zip(self.signatures, data["signatures"], strict=True):
            raw["verdict_label"] = VERDICT_LABELS[sig.verdict]
            for check, raw_check in zip(sig.checks, raw["checks"], strict=True):
                raw_check["label"] = check.label
            if not with_etsi:
                raw.pop("etsi_report_xml", None)
        result: dict[str, Any] = _jsonable(data)
        return result

    def to_json(self, *, with_etsi: bool = False, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(with_etsi=with_etsi), ensure_ascii=False, indent=indent)

    def finish(self) -> None:
        """Overall verdict and the one-sentence summary."""
        signatures = [s for s in self.signatures if s.kind == "signature"]
        if self.problems and not signatures:
            self.verdict = Verdict.FAILED
        else:
            self.verdict = worst([s.verdict for s in self.signatures] or [Verdict.UNSIGNED])
            if self.problems and self.verdict == Verdict.VALID:
                self.verdict = Verdict.FAILED
        count = len(signatures)
        if self.verdict == Verdict.VALID:
            self.summary = f"Văn bản có {count} chữ ký số, tất cả đều hợp lệ."
        elif self.verdict == Verdict.UNSIGNED:
            self.summary = "Tệp không có chữ ký số nào."
        elif self.verdict == Verdict.INDETERMINATE:
            self.summary = (
                f"Chưa khẳng định được giá trị của văn bản ({count} chữ ký số): "
                + _first_problem(self)
            )
        else:
            self.summary = "Văn bản KHÔNG hợp lệ: " + _first_problem(self)


def _first_problem(report: ValidationReport) -> str:
    if report.problems:
        return report.problems[0]
    for sig in report.signatures:
        if sig.verdict in (Verdict.FAILED, Verdict.INDETERMINATE):
            return sig.summary
    return ""


def format_vn_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(VIETNAM_TIME).strftime("%H:%M:%S ngày %d/%m/%Y (+07:00)")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value
