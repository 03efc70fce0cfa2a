"""Round trips: every example of standards.md §4 and build→parse of our own packages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile
from pathlib import Path

import pytest

from congso.exchange.lib import (
    Business,
    DocumentPackage,
    StatusPackage,
    build_package,
    build_status,
    document_metadata_from_header,
    header_from_document_metadata,
    parse_package,
    parse_status,
    read_envelope,
    validate,
)
from congso.exchange.lib.config import VIETNAM_TZ
from congso.exchange.tests.lib.conftest import FIXTURES, attachment, sample_package

DOCUMENT_FIXTURES = ["vnpt_sdk_sample.edxml", "lang_son_variant.edxml", "replace_and_revoke.edxml"]
STATUS_FIXTURES = ["status_01.edxml", "status_soap.xml"]


def _without_paths(pkg: DocumentPackage) -> DocumentPackage:
    return dataclasses.replace(
        pkg, attachments=tuple(dataclasses.replace(a, path=Path(a.name)) for a in pkg.attachments)
    )


@pytest.mark.parametrize("name", DOCUMENT_FIXTURES)
def test_each_standard_document_example_round_trips(name, tmp_path):
    # given an example package transcribed from standards.md §4
    source = FIXTURES / name
    first = parse_package(source, attachment_dir=tmp_path / "a")
    # when we build it again and parse what we built
    rebuilt = build_package(first)
    second = parse_package(rebuilt, attachment_dir=tmp_path / "b")
    # then the package is the same, attachments byte for byte
    assert validate(source) == []
    assert _without_paths(second) == _without_paths(first)
    for a, b in zip(first.attachments, second.attachments, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes()


def test_the_sdk_sample_is_read_field_by_field(tmp_path):
    # given the VNPT SDK sample
    pkg = parse_package(FIXTURES / "vnpt_sdk_sample.edxml", attachment_dir=tmp_path)
    h = pkg.header
    # then each of the 14 MessageHeader elements has its sample value
    assert h.from_org.code == "000.00.00.G22"
    assert [o.code for o in h.to_orgs] == ["000.00.00.H41", "000.00.00.H14"]
    assert (h.code.number, h.code.notation) == ("7816", "VPCP-TTĐT")
    assert (h.promulgation.place, h.promulgation.date) == ("Hà Nội", dt.date(2019, 1, 16))
    assert (h.document_type.type, h.document_type.name) == ("1", "Công văn")
    assert h.subject == h.content == "V/v kết nối, liên thông phần mềm quản lý văn bản"
    assert h.signer.competence == "TL. BO TRUONG"
    assert h.due_date == dt.date(2018, 9, 28)
    assert h.to_places == ("Cac bo va co quan ngang bo", "Uy ban nhan dan cac tinh, TP")
    assert (h.other_info.priority, h.other_info.page_amount, h.other_info.direction) == (
        "0",
        22,
        False,
    )
    assert h.response_for[0].document_id == "000.00.04.G14,2012/08/06,267/VPCP-TTĐT"
    assert h.steering_type == "1"
    assert h.document_id == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert pkg.traces[0].timestamp == dt.datetime(2018, 9, 28, tzinfo=VIETNAM_TZ)
    assert pkg.business.kind == "new"
    assert pkg.business.staff_info[0].staff == "Nguyễn Thị Ngọc Trâm"
    # and the zipped attachment is unzipped to the .doc it carries
    (att,) = pkg.attachments
    assert att.name == "1896_QD-TTg_m_294779.doc"
    assert att.path.read_bytes().startswith("Quyết định số 1896".encode())
    assert att.content_type == "application/msword"


def test_business_variants_are_read(tmp_path):
    # given the update (Lạng Sơn) and replace examples
    update = parse_package(FIXTURES / "lang_son_variant.edxml", attachment_dir=tmp_path)
    replace = parse_package(FIXTURES / "replace_and_revoke.edxml", attachment_dir=tmp_path)
    # then kinds, receivers and replacement lists come through
    assert update.business.kind == "update"
    assert update.business.document_info is not None
    assert [r.organ_id for r in update.business.document_info.receivers] == [
        "000.00.00.H41",
        "000.00.00.H14",
    ]
    assert update.business.paper is True
    assert update.attachments[0].content_type == "text/plain"
    assert replace.business.kind == "replace"
    assert replace.business.replacement_info[0].organ_ids == ("000.00.00.H41", "000.00.00.H14")
    assert read_envelope(FIXTURES / "replace_and_revoke.edxml").business_kind == "replace"


@pytest.mark.parametrize("name", STATUS_FIXTURES)
def test_each_standard_status_example_round_trips(name):
    # given a status example
    first = parse_status(FIXTURES / name)
    # when built and parsed again
    second = parse_status(build_status(first))
    # then it is unchanged
    assert second == first
    assert validate(FIXTURES / name) == []


def test_status_example_values():
    soap = parse_status(FIXTURES / "status_soap.xml")
    assert soap.status_code == "02"
    assert soap.to_orgs[0].code == "000.00.00.G22"
    assert soap.timestamp == dt.datetime(2019, 1, 18, 10, 0, tzinfo=VIETNAM_TZ)
    env = read_envelope(FIXTURES / "status_01.edxml")
    assert (env.kind, env.from_code, env.to_codes, env.status_code) == (
        "status",
        "000.00.00.H41",
        ["000.00.00.G22"],
        "01",
    )


def test_build_then_parse_gives_back_the_package(tmp_path):
    # given a package with two attachments
    files = (
        attachment(tmp_path / "van-ban.pdf", b"%PDF-1.7 " + bytes(range(256)) * 40),
        attachment(tmp_path / "phu luc.docx", b"PK docx body", "application/octet-stream"),
    )
    pkg = sample_package(files)
    # when built and parsed
    data = build_package(pkg)
    parsed = parse_package(data, attachment_dir=tmp_path / "in")
    # then everything is equal, the files zipped on the wire as in the SDK sample
    assert parsed.header == pkg.header
    assert parsed.traces == pkg.traces
    assert parsed.business == pkg.business
    assert [(a.name, a.size, a.path.read_bytes()) for a in parsed.attachments] == [
        (a.name, a.size, a.path.read_bytes()) for a in files
    ]
    assert parsed.attachments[0].content_type == "application/pdf"
    assert b"<ContentType>application/zip</ContentType>" in data
    assert b"<edXML:Bussiness>" in data


def test_writing_to_a_path_streams_to_the_file(tmp_path):
    pkg = sample_package((attachment(tmp_path / "a.pdf", b"%PDF" * 1000),))
    out = tmp_path / "out.edxml"
    assert build_package(pkg, out=out) is None
    assert out.read_bytes() == build_package(pkg)
    assert not list(tmp_path.glob("*.part"))


def _zip_methods(package: bytes) -> dict[str, int]:
    """Each attachment's name in its zip, with the zip method it was written with."""
    import base64
    import io
    import re

    methods: dict[str, int] = {}
    for encoded in re.findall(rb"<(?:edXML:)?ContentTransferEncoded[^>]*>(.*?)</", package, re.S):
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(encoded))) as zf:
            methods.update({info.filename: info.compress_type for info in zf.infolist()})
    return methods


def test_a_pdf_is_zipped_stored_and_a_text_deflated_and_both_round_trip(tmp_path):
    # given a PDF (its streams compressed already) and a plain text attachment
    pdf = attachment(tmp_path / "van-ban.pdf", b"%PDF-1.4 " + bytes(range(256)) * 40)
    text = attachment(tmp_path / "ghi-chu.txt", "Ghi chú kèm theo. ".encode() * 500, "text/plain")
    pkg = sample_package((pdf, text))
    # when the package is built
    built = build_package(pkg)
    # then the PDF is kept as it is in its zip, the text deflated
    assert _zip_methods(built) == {
        "van-ban.pdf": zipfile.ZIP_STORED,
        "ghi-chu.txt": zipfile.ZIP_DEFLATED,
    }
    # and both arrive byte for byte
    parsed = parse_package(built, attachment_dir=tmp_path / "in")
    assert [a.path.read_bytes() for a in parsed.attachments] == [
        pdf.path.read_bytes(),
        text.path.read_bytes(),
    ]


def test_a_plain_zip_attachment_is_not_unzipped(tmp_path):
    # given a real .zip file sent as an attachment
    z = tmp_path / "ho-so.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a.txt", "a")
        zf.writestr("b.txt", "b")
    pkg = sample_package((attachment(tmp_path / "ho-so.zip", z.read_bytes(), "application/zip"),))
    # when it round-trips
    parsed = parse_package(build_package(pkg), attachment_dir=tmp_path / "in")
    # then the receiver gets the zip itself
    assert parsed.attachments[0].path.read_bytes() == z.read_bytes()


def test_the_business_element_is_also_accepted_as_business(tmp_path):
    data = build_package(sample_package()).replace(b"Bussiness", b"Business")
    assert parse_package(data, attachment_dir=tmp_path).business.kind == "new"


def test_metadata_mapping_both_ways():
    # given an outgoing document's metadata with the documents models' field names
    meta = {
        "organ_id": "000.00.00.H34",
        "organ_name": "UBND tỉnh Kon Tum",
        "recipients": ["000.00.00.G22", {"organ_id": "H21.05", "organ_name": "Sở Nội vụ"}],
        "code_number": 125,
        "code_notation": "UBND-VP",
        "issued_on": dt.date(2020, 3, 5),
        "place_name": "Kon Tum",
        "type_code": "1",
        "type_name": "Công văn",
        "subject": "V/v thử",
        "signing_authority": "KT. CHỦ TỊCH",
        "signer_position": "PHÓ CHỦ TỊCH",
        "signer_full_name": "Nguyễn Văn A",
        "reply_due_on": dt.date(2020, 3, 20),
        "to_places": "Như trên\nLưu: VT",
        "priority": "1",
        "page_amount": 3,
        "issued_amount": 2,
    }
    # when mapped to a header and back
    header = header_from_document_metadata(meta)
    back = document_metadata_from_header(header)
    # then the DocumentId is derived and the fields survive
    assert header.document_id == "000.00.00.H34,2020/03/05,125/UBND-VP"
    assert [o.code for o in header.to_orgs] == ["000.00.00.G22", "H21.05"]
    assert back["due_on"] == dt.date(2020, 3, 20)
    assert back["to_places"] == "Như trên\nLưu: VT"
    assert (back["code_number"], back["signer_full_name"], back["page_amount"]) == (
        "125",
        "Nguyễn Văn A",
        3,
    )
    assert back["is_secret"] is False
    # and Phụ lục VI names work as keys too
    assert header_from_document_metadata({"CodeNumber": "7", "Subject": "x"}).code.number == "7"


def test_status_built_from_values(kontum):
    st = StatusPackage(
        from_org=parse_status(FIXTURES / "status_01.edxml").from_org,
        to_orgs=parse_status(FIXTURES / "status_01.edxml").to_orgs,
        response_for_document_id="000.00.00.G22,2015/09/30,7816/VPCP-TTĐT",
        response_for_code="7816/VPCP-TTĐT",
        status_code="06",
        description="Hoàn thành",
        timestamp=dt.datetime(2020, 1, 1, 1, 2, 3, tzinfo=dt.UTC),
    )
    parsed = parse_status(build_status(st, signer=kontum.signer()))
    assert parsed.timestamp == st.timestamp
    assert parsed.status_code == "06"


def test_envelope_names_the_document_a_revoke_concerns():
    # Given a revoke package that concerns an earlier document
    original = sample_package(document_id="000.00.00.H34,2020/03/06,126/UBND-VP")
    revoke = dataclasses.replace(
        original,
        business=Business(kind="revoke", document_id="000.00.00.H34,2020/03/05,125/UBND-VP"),
    )
    # When the hub reads its envelope
    envelope = read_envelope(build_package(revoke))
    # Then it knows both the revoke's own id and the document concerned
    assert envelope.business_kind == "revoke"
    assert envelope.document_id == "000.00.00.H34,2020/03/06,126/UBND-VP"
    assert envelope.business_document_id == "000.00.00.H34,2020/03/05,125/UBND-VP"
