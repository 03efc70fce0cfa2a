"""Bad input (issue 5 "Bad input", the codec's share): each refused with a code naming it."""

from __future__ import annotations

import base64
import dataclasses
import io
import zipfile

import pytest

from congso.exchange.lib import (
    EdxmlError,
    Limits,
    OtherInfo,
    StatusPackage,
    build_package,
    build_status,
    parse_package,
    parse_status,
    read_envelope,
    validate,
)
from congso.exchange.tests.lib.conftest import FIXTURES, attachment, sample_header, sample_package

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><Subject>&lol9;</Subject></edXML>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:edXMLEnvelope
 xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:edXMLHeader><edXML:MessageHeader>
 <edXML:Subject>&xxe;</edXML:Subject></edXML:MessageHeader></edXML:edXMLHeader>
 </edXML:edXMLEnvelope></edXML>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE edXML SYSTEM "http://attacker.example/edxml.dtd">
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>"""


def _code(exc: pytest.ExceptionInfo[EdxmlError]) -> str:
    return exc.value.code


@pytest.mark.parametrize(
    "payload",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD],
    ids=["billion-laughs", "external-entity", "external-dtd"],
)
def test_dtd_and_entities_are_forbidden(payload, tmp_path):
    # when any reader meets a DOCTYPE/ENTITY
    for read in (
        lambda: parse_package(payload, attachment_dir=tmp_path),
        lambda: read_envelope(payload),
        lambda: parse_status(payload),
    ):
        with pytest.raises(EdxmlError) as exc:
            read()
        # then it is refused as a forbidden construct, nothing resolved
        assert _code(exc) == "edxml_forbidden_construct"
        assert b"root:" not in str(exc.value).encode()
    assert [p.code for p in validate(payload)] == ["edxml_forbidden_construct"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"<edXML><unclosed></edXML>",
        b"not xml at all",
        b"<a>\x00</a>",
        "<a>ö</a>".encode("utf-16")[:7],
    ],
)
def test_malformed_xml_is_refused(payload, tmp_path):
    with pytest.raises(EdxmlError) as exc:
        parse_package(payload, attachment_dir=tmp_path)
    assert _code(exc) == "edxml_malformed"
    assert validate(payload)[0].code == "edxml_malformed"


def test_too_large_and_too_deep(tmp_path):
    data = build_package(sample_package())
    with pytest.raises(EdxmlError) as exc:
        parse_package(data, attachment_dir=tmp_path, limits=Limits(max_package_bytes=1000))
    assert _code(exc) == "edxml_too_large"
    deep = b"<a>" * 500 + b"</a>" * 500
    with pytest.raises(EdxmlError) as exc:
        read_envelope(deep)
    assert _code(exc) == "edxml_too_deep"


def test_an_attachment_over_the_limit_is_refused_and_nothing_is_left(tmp_path):
    # given a package with a 200 kB attachment and a 100 kB limit
    pkg = sample_package((attachment(tmp_path / "big.pdf", b"%PDF" + bytes(200_000)),))
    data = build_package(pkg)
    out = tmp_path / "in"
    # when parsed
    with pytest.raises(EdxmlError) as exc:
        parse_package(data, attachment_dir=out, limits=Limits(max_attachment_bytes=100_000))
    # then the attachment limit names the problem and no file stays behind
    assert _code(exc) == "edxml_attachment_too_large"
    assert list(out.iterdir()) == []


def test_a_zip_bomb_attachment_is_stopped_at_the_limit(tmp_path):
    # given a small zip that inflates to 5 MB
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb.pdf", bytes(5_000_000))
    data = (FIXTURES / "vnpt_sdk_sample.edxml").read_bytes()
    start = data.index(b"UEsDB")
    end = data.index(b"</edXML:ContentTransferEncoded>")
    bomb = data[:start] + base64.b64encode(buf.getvalue()) + data[end:]
    with pytest.raises(EdxmlError) as exc:
        parse_package(bomb, attachment_dir=tmp_path, limits=Limits(max_attachment_bytes=1_000_000))
    assert _code(exc) == "edxml_attachment_too_large"
    assert list(tmp_path.iterdir()) == []


def test_invalid_base64_is_malformed(tmp_path):
    data = (FIXTURES / "lang_son_variant.edxml").read_bytes().replace(b"R2hpIGNo", b"R2h*IGNo")
    with pytest.raises(EdxmlError) as exc:
        parse_package(data, attachment_dir=tmp_path)
    assert _code(exc) == "edxml_malformed"
    assert "ContentTransferEncoded" in exc.value.message_vi


def test_codes_outside_the_lists_are_named(tmp_path):
    # given a package with a bad sender code, an unknown business type and a bad date
    data = (FIXTURES / "replace_and_revoke.edxml").read_bytes()
    data = data.replace(
        b"<edXML:OrganId>000.00.00.G22</edXML:OrganId><edXML:OrganName>",
        b"<edXML:OrganId>28.22.H17</edXML:OrganId><edXML:OrganName>",
        1,
    )
    data = data.replace(b"<edXML:BussinessDocType>3<", b"<edXML:BussinessDocType>7<")
    data = data.replace(
        b"2015/10/01</edXML:PromulgationDate>", b"01-10-2015</edXML:PromulgationDate>"
    )
    # when validated
    problems = validate(data)
    # then each problem has its stable code and names the element
    by_code = {p.code: p for p in problems}
    assert by_code["edxml_invalid_code"].path == "MessageHeader/From/OrganId"
    assert "28.22.H17" in by_code["edxml_invalid_code"].message_vi
    assert by_code["edxml_unknown_business"].path.endswith("BussinessDocType")
    assert by_code["edxml_invalid_value"].path == "MessageHeader/PromulgationInfo/PromulgationDate"
    with pytest.raises(EdxmlError) as exc:
        parse_package(data, attachment_dir=tmp_path)
    assert {p.code for p in exc.value.problems} == set(by_code)


def test_missing_elements_are_named(tmp_path):
    data = (FIXTURES / "replace_and_revoke.edxml").read_bytes()
    data = data.replace(
        b"<edXML:To><edXML:OrganId>000.00.00.H41</edXML:OrganId>"
        b"<edXML:OrganName>UBND T\xe1\xbb\x89nh Ngh\xe1\xbb\x87 An</edXML:OrganName></edXML:To>",
        b"",
    )
    problems = validate(data)
    assert [(p.code, p.path) for p in problems] == [("edxml_missing_element", "MessageHeader/To")]
    assert validate(b"<edXML xmlns='http://www.mic.gov.vn/TBT/QCVN_102_2016'/>")[0].code == (
        "edxml_missing_element"
    )


def test_an_unknown_status_code_is_refused():
    data = (FIXTURES / "status_01.edxml").read_bytes().replace(b">01<", b">09<")
    with pytest.raises(EdxmlError) as exc:
        parse_status(data)
    assert _code(exc) == "edxml_unknown_status"
    assert "09" in exc.value.message_vi
    assert validate(data)[0].code == "edxml_unknown_status"
    st = parse_status(FIXTURES / "status_01.edxml")
    with pytest.raises(EdxmlError) as exc:
        build_status(dataclasses.replace(st, status_code="99"))
    assert _code(exc) == "edxml_unknown_status"


def test_a_refusal_status_needs_a_reason():
    st = parse_status(FIXTURES / "status_soap.xml")
    with pytest.raises(EdxmlError) as exc:
        build_status(dataclasses.replace(st, description=" "))
    assert exc.value.problems[0].path == "Status/Description"


def test_the_wrong_kind_is_refused(tmp_path):
    with pytest.raises(EdxmlError) as exc:
        parse_package(FIXTURES / "status_01.edxml", attachment_dir=tmp_path)
    assert _code(exc) == "edxml_wrong_kind"
    with pytest.raises(EdxmlError):
        parse_status(FIXTURES / "vnpt_sdk_sample.edxml")


# -- secret documents (issue 5 part 4: the codec's independent check) ------------------------


def test_a_secret_document_is_refused_on_build(tmp_path):
    # given a header marked secret
    pkg = dataclasses.replace(
        sample_package(), header=sample_header(other_info=OtherInfo(secrecy="Mật"))
    )
    # when building, then the codec refuses it and writes nothing
    out = tmp_path / "secret.edxml"
    with pytest.raises(EdxmlError) as exc:
        build_package(pkg, out=out)
    assert _code(exc) == "edxml_secret_refused"
    assert not out.exists()


def test_a_secret_document_is_flagged_on_parse(tmp_path):
    # given a package that carries a secrecy mark in OtherInfo (an extension some systems add)
    data = build_package(sample_package()).replace(
        b"<edXML:Direction>false</edXML:Direction>",
        "<edXML:Direction>false</edXML:Direction><edXML:Secrecy>Tối mật</edXML:Secrecy>".encode(),
    )
    # then every reader flags it
    assert read_envelope(data).is_secret is True
    assert parse_package(data, attachment_dir=tmp_path).is_secret is True
    assert [p.code for p in validate(data)] == ["edxml_secret_refused"]
    with pytest.raises(EdxmlError) as exc:
        parse_package(data, attachment_dir=tmp_path, allow_secret=False)
    assert _code(exc) == "edxml_secret_refused"
    # and a normal mark is not secret
    normal = data.replace("Tối mật".encode(), b"0")
    assert read_envelope(normal).is_secret is False


def test_status_with_several_recipients_is_refused():
    st = parse_status(FIXTURES / "status_01.edxml")
    with pytest.raises(EdxmlError):
        build_status(
            StatusPackage(
                st.from_org,
                st.to_orgs * 2,
                st.response_for_document_id,
                st.response_for_code,
                st.status_code,
            )
        )
