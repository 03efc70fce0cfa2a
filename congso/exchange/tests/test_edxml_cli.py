"""`congso edxml parse|build|validate|status` through call_command."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from congso.exchange.lib import parse_status, verify_xml_signature
from congso.exchange.tests.lib.conftest import FIXTURES, Identity, make_identity


@pytest.fixture(scope="module")
def kontum() -> Identity:
    return make_identity("UBND tỉnh Kon Tum")


def test_parse_prints_json_and_writes_attachments(tmp_path, capsys):
    # when the SDK sample is parsed with --json and an attachment directory
    call_command(
        "edxml",
        "parse",
        str(FIXTURES / "vnpt_sdk_sample.edxml"),
        "--json",
        "--attachments",
        str(tmp_path),
    )
    data = json.loads(capsys.readouterr().out)
    # then the header, business and attachment are there, and the signature verdict
    assert data["kind"] == "edoc"
    assert data["package"]["header"]["document_id"] == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert data["package"]["business"]["kind"] == "new"
    assert (tmp_path / "1896_QD-TTg_m_294779.doc").exists()
    assert data["signature"]["problem_code"] == "edxml_signature_invalid"


def test_parse_then_build_round_trips_and_signs(tmp_path, capsys, kontum):
    # given the JSON of a parsed package with its attachment
    call_command(
        "edxml",
        "parse",
        str(FIXTURES / "lang_son_variant.edxml"),
        "--json",
        "--attachments",
        str(tmp_path / "files"),
    )
    spec = tmp_path / "pkg.json"
    spec.write_text(capsys.readouterr().out, encoding="utf-8")
    key, cert = kontum.write_pem(tmp_path)
    out = tmp_path / "out.edxml"
    # when built from it with a key and certificate
    call_command(
        "edxml",
        "build",
        "--from-json",
        str(spec),
        "--out",
        str(out),
        "--key",
        str(key),
        "--cert",
        str(cert),
    )
    # then the package is valid and signed
    assert verify_xml_signature(out).valid
    call_command("edxml", "validate", str(out), "--require-signature")
    assert "hợp lệ" in capsys.readouterr().out


def test_validate_exits_one_with_a_line_per_problem(tmp_path, capsys):
    # given a package with two problems
    data = (FIXTURES / "replace_and_revoke.edxml").read_bytes()
    data = data.replace(
        b">000.00.00.G22</edXML:OrganId><edXML:OrganName>",
        b">G2-2</edXML:OrganId><edXML:OrganName>",
        1,
    )
    data = data.replace(b"<edXML:BussinessDocType>3<", b"<edXML:BussinessDocType>9<")
    bad = tmp_path / "bad.edxml"
    bad.write_bytes(data)
    # when validated
    with pytest.raises(SystemExit) as exited:
        call_command("edxml", "validate", str(bad))
    # then the exit code is 1 and each problem is "code: message"
    assert exited.value.code == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("edxml_unknown_business: ") or lines[1].startswith(
        "edxml_unknown_business: "
    )
    assert any(line.startswith("edxml_invalid_code: ") and "G2-2" in line for line in lines)


def test_validate_flags_a_missing_signature_on_request(capsys):
    with pytest.raises(SystemExit):
        call_command("edxml", "validate", str(FIXTURES / "status_01.edxml"), "--require-signature")
    assert capsys.readouterr().out.startswith("edxml_signature_missing: ")


def test_status_command_writes_a_status_package(tmp_path, capsys):
    out = tmp_path / "st.edxml"
    call_command(
        "edxml",
        "status",
        "--from",
        "000.00.00.H34",
        "--to",
        "000.00.00.G22",
        "--document-id",
        "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT",
        "--code",
        "03",
        "--out",
        str(out),
    )
    st = parse_status(out)
    assert (st.status_code, st.from_org.code, st.to_orgs[0].code) == (
        "03",
        "000.00.00.H34",
        "000.00.00.G22",
    )
    with pytest.raises(CommandError):
        call_command(
            "edxml",
            "status",
            "--from",
            "000.00.00.H34",
            "--to",
            "000.00.00.G22",
            "--document-id",
            "x",
            "--code",
            "42",
            "--out",
            str(out),
        )


def test_parse_refuses_a_forbidden_construct(tmp_path, capsys):
    bad = tmp_path / "x.edxml"
    bad.write_bytes(b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>')
    with pytest.raises(CommandError, match="edxml_forbidden_construct"):
        call_command("edxml", "parse", str(bad))
