"""Semantic checks shared by building, parsing and `validate` (each a `Problem`)."""

from __future__ import annotations

from congso.exchange.lib import config as C
from congso.exchange.lib import errors as E
from congso.exchange.lib.errors import Problem
from congso.exchange.lib.model import DocumentPackage, StatusPackage
from congso.exchange.lib.orgcodes import is_organization_code

MH = "MessageHeader"


def missing(path: str, what: str) -> Problem:
    return Problem(E.MISSING_ELEMENT, f"Thiếu phần tử {path} ({what}).", path)


def _code(value: str, path: str, what: str, problems: list[Problem]) -> None:
    if not value:
        problems.append(missing(path, what))
    elif not is_organization_code(value):
        problems.append(
            Problem(
                E.INVALID_CODE,
                f"Mã định danh '{value}' ở {path} không đúng dạng QCVN 102:2016 "
                "(000.00.00.H34) hay QĐ 20/2020 (H34.05).",
                path,
            )
        )


def secrecy_problem(value: str, path: str) -> Problem:
    return Problem(
        E.SECRET_REFUSED,
        f"Văn bản mật ({path} = '{value}') không được gửi, nhận qua trục liên thông.",
        path,
    )


def package_problems(
    pkg: DocumentPackage, config: C.CodecConfig = C.DEFAULT_CONFIG
) -> list[Problem]:
    h = pkg.header
    problems: list[Problem] = []
    if not config.is_normal_secrecy(h.other_info.secrecy):
        problems.append(secrecy_problem(h.other_info.secrecy, f"{MH}/OtherInfo/Secrecy"))
    _code(h.from_org.code, f"{MH}/From/OrganId", "mã định danh cơ quan gửi", problems)
    if not h.to_orgs:
        problems.append(missing(f"{MH}/To", "cơ quan nhận"))
    for org in h.to_orgs:
        _code(org.code, f"{MH}/To/OrganId", "mã định danh cơ quan nhận", problems)
    if not h.code.number:
        problems.append(missing(f"{MH}/Code/CodeNumber", "số của văn bản"))
    if h.promulgation.date is None:
        problems.append(missing(f"{MH}/PromulgationInfo/PromulgationDate", "ngày ban hành"))
    if not h.subject:
        problems.append(missing(f"{MH}/Subject", "trích yếu nội dung"))
    if not h.document_id:
        problems.append(missing(f"{MH}/DocumentId", "mã văn bản"))
    for rf in h.response_for:
        if rf.organ_id and not is_organization_code(rf.organ_id):
            _code(rf.organ_id, f"{MH}/ResponseFor/OrganId", "", problems)
    for trace in pkg.traces:
        _code(trace.organ_id, "TraceHeaderList/TraceHeader/OrganId", "mã đơn vị chuyển", problems)
    kind = pkg.business.kind
    if kind not in config.business_doc_types.values():
        problems.append(
            Problem(
                E.UNKNOWN_BUSINESS,
                f"Nghiệp vụ '{kind}' không có trong danh mục BussinessDocType.",
                "TraceHeaderList/Bussiness/BussinessDocType",
            )
        )
    elif kind != "new" and not pkg.business.document_id:
        problems.append(
            missing("TraceHeaderList/Bussiness/DocumentId", "văn bản bị thu hồi/cập nhật/thay thế")
        )
    return problems


def status_problems(st: StatusPackage, config: C.CodecConfig = C.DEFAULT_CONFIG) -> list[Problem]:
    problems: list[Problem] = []
    if st.status_code not in config.status_codes:
        known = ", ".join(sorted(config.status_codes))
        problems.append(
            Problem(
                E.UNKNOWN_STATUS,
                f"Mã trạng thái '{st.status_code}' (Status/StatusCode) không có trong danh "
                f"mục ({known}).",
                "Status/StatusCode",
            )
        )
    _code(st.from_org.code, "Status/From/OrganId", "mã định danh cơ quan báo trạng thái", problems)
    if len(st.to_orgs) != 1:
        problems.append(
            Problem(
                E.MISSING_ELEMENT,
                "Gói trạng thái gửi cho đúng một cơ quan: cơ quan đã gửi văn bản "
                "(Status/ResponseFor/OrganId).",
                "Status/ResponseFor/OrganId",
            )
        )
    else:
        _code(st.to_orgs[0].code, "Status/ResponseFor/OrganId", "cơ quan đã gửi văn bản", problems)
    if not st.response_for_document_id:
        problems.append(missing("Status/ResponseFor/DocumentId", "mã văn bản được phản hồi"))
    if st.status_code == "02" and not st.description.strip():
        problems.append(missing("Status/Description", "lý do từ chối tiếp nhận"))
    return problems
