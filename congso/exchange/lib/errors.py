"""Errors and problems of the edXML codec: a stable code, a Vietnamese message."""

from __future__ import annotations

from dataclasses import dataclass, field

MALFORMED = "edxml_malformed"
FORBIDDEN_CONSTRUCT = "edxml_forbidden_construct"
TOO_LARGE = "edxml_too_large"
TOO_DEEP = "edxml_too_deep"
MISSING_ELEMENT = "edxml_missing_element"
INVALID_CODE = "edxml_invalid_code"
INVALID_VALUE = "edxml_invalid_value"
SECRET_REFUSED = "edxml_secret_refused"  # noqa: S105 - an error code
SIGNATURE_INVALID = "edxml_signature_invalid"
SIGNATURE_MISSING = "edxml_signature_missing"

ATTACHMENT_TOO_LARGE = "edxml_attachment_too_large"
UNKNOWN_STATUS = "edxml_unknown_status"
UNKNOWN_BUSINESS = "edxml_unknown_business"
WRONG_KIND = "edxml_wrong_kind"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a package; `path` names the element (`MessageHeader/From/OrganId`)."""

    code: str
    message_vi: str
    path: str = ""

    def __str__(self) -> str:
        return f"{self.code}: {self.message_vi}"


@dataclass
class EdxmlError(Exception):
    """The codec refused a package. `problems` lists every problem found (at least one)."""

    code: str
    message_vi: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.problems:
            self.problems = [Problem(self.code, self.message_vi)]
        super().__init__(f"{self.code}: {self.message_vi}")

    def __str__(self) -> str:
        return f"{self.code}: {self.message_vi}"

    @classmethod
    def from_problems(cls, problems: list[Problem]) -> EdxmlError:
        first = problems[0]
        message = first.message_vi
        if len(problems) > 1:
            message = f"{message} (và {len(problems) - 1} lỗi khác)"
        return cls(first.code, message, list(problems))
