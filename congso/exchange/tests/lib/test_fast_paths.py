"""The in-memory reader (fastread.py, lxml) gives what the streaming reader (xmlstream.py,
c14n.py) gives, byte for byte and check for check; signing with one and verifying with the other
agrees both ways; the builder's in-memory attachments write the bytes the file path writes."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import random
from pathlib import Path

import pytest
import signxml
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from congso.exchange.lib import (
    DEFAULT_CONFIG,
    CodecConfig,
    EdxmlError,
    Limits,
    XmlSigner,
    build_package,
    build_status,
    docdigest,
    fastread,
    parse_package_checked,
    parse_status,
    read_envelope,
    validate,
    validate_checked,
    verify_xml_signature,
)
from congso.exchange.lib import builder as builder_module
from congso.exchange.lib import config as C
from congso.exchange.lib.c14n import Canonicalizer, canonicalize_element
from congso.exchange.lib.signing import SignatureVerifier
from congso.exchange.lib.xmlstream import Node, StreamParser
from congso.exchange.tests.lib.conftest import FIXTURES, attachment, sample_package

SIGNERS = [
    pytest.param({"signature_method": m, "digest_method": d, "c14n_method": c}, id=f"{m}-{d}-{n}")
    for m, d in (("rsa-sha256", "sha256"), ("rsa-sha1", "sha1"))
    for c, n in ((C.EXC_C14N, "exclusive"), (C.C14N, "inclusive"))
]
STANDARD_EXAMPLES = [
    "vnpt_sdk_sample.edxml",
    "lang_son_variant.edxml",
    "replace_and_revoke.edxml",
    "status_01.edxml",
    "status_soap.xml",
]


def _shape(node: Node) -> tuple[object, ...]:
    return (
        node.prefix,
        node.uri,
        node.local,
        node.attrs,
        "".join(node.text_parts),
        [_shape(child) for child in node.children],
    )


def _streaming(data: bytes, config: CodecConfig = DEFAULT_CONFIG, limits: Limits | None = None):
    verifier = SignatureVerifier(config)
    root = StreamParser(limits=limits or Limits(), events=verifier).parse(data)
    return _shape(root), verifier.result()


def _in_memory(data: bytes, config: CodecConfig = DEFAULT_CONFIG, limits: Limits | None = None):
    fastread.forget()
    read = fastread.read_small(data, limits=limits or Limits(), config=config)
    assert read is not None, "the in-memory reader gave up on a plain package"
    root, check = read
    return _shape(root), check


def _assert_same_reading(data: bytes, config: CodecConfig = DEFAULT_CONFIG) -> None:
    """Both readers give the same tree and the same signature check (or in-memory gives up)."""
    fastread.forget()
    read = fastread.read_small(data, limits=Limits(), config=config)
    try:
        expected = _streaming(data, config)
    except EdxmlError:
        assert read is None
        return
    if read is not None:
        assert (_shape(read[0]), read[1]) == expected


@pytest.fixture
def pdf(tmp_path):
    return attachment(tmp_path / "cong-van.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 100)


@pytest.mark.parametrize("signer_args", SIGNERS)
def test_a_package_signed_here_reads_the_same_both_ways(kontum, pdf, signer_args):
    # given a package with an attachment signed with each algorithm and canonicalization
    data = build_package(sample_package((pdf,)), signer=kontum.signer(**signer_args))
    # when it is read in memory and streaming
    in_memory, streaming = _in_memory(data), _streaming(data)
    # then trees and checks are the same, and valid
    assert in_memory == streaming
    assert in_memory[1].valid, in_memory[1]


@pytest.mark.parametrize("signer_args", SIGNERS)
def test_a_status_signed_here_reads_the_same_both_ways(kontum, signer_args):
    status = parse_status(FIXTURES / "status_01.edxml")
    data = build_status(status, signer=kontum.signer(**signer_args))
    assert _in_memory(data) == _streaming(data)
    assert _in_memory(data)[1].valid


@pytest.mark.parametrize("signer_args", SIGNERS)
def test_the_signed_info_written_is_the_python_canonical_form(kontum, signer_args):
    # given a package signed by the builder (libxml2's C14N for an exclusive SignedInfo)
    data = build_package(sample_package(), signer=kontum.signer(**signer_args))
    root = etree.fromstring(data)
    info = root.find(f".//{{{C.DSIG_NS}}}SignedInfo")
    # then the SignedInfo canonicalized by c14n.py (what the streaming verifier hashes) is what
    # the SignatureValue signs
    signed = canonicalize_element(info, exclusive=signer_args["c14n_method"] == C.EXC_C14N)
    value = base64.b64decode(root.find(f".//{{{C.DSIG_NS}}}SignatureValue").text)
    hash_name = signer_args["signature_method"].split("-")[1].upper()
    kontum.cert.public_key().verify(value, signed, padding.PKCS1v15(), getattr(hashes, hash_name)())


@pytest.mark.parametrize(
    "c14n",
    [
        signxml.CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
        signxml.CanonicalizationMethod.CANONICAL_XML_1_0,
    ],
)
@pytest.mark.parametrize("digest", [signxml.DigestAlgorithm.SHA256, signxml.DigestAlgorithm.SHA512])
def test_signatures_made_elsewhere_read_the_same_both_ways(kontum, c14n, digest):
    # given a package signed by signxml (its own layout) in edXMLHeader; signxml signs no
    # SHA-1 any more (our own SHA-1 signatures are read both ways above)
    root = etree.fromstring(build_package(sample_package()))
    header = root.find(f".//{{{C.EDXML_NS}}}edXMLHeader")
    etree.SubElement(header, f"{{{C.DSIG_NS}}}Signature", Id="placeholder")
    method = (
        signxml.SignatureMethod.RSA_SHA512
        if digest == signxml.DigestAlgorithm.SHA512
        else signxml.SignatureMethod.RSA_SHA256
    )
    signer = signxml.XMLSigner(
        method=signxml.methods.enveloped,
        c14n_algorithm=c14n,
        digest_algorithm=digest,
        signature_algorithm=method,
    )
    signed = etree.tostring(signer.sign(root, key=kontum.key, cert=[kontum.cert]))
    # then both readers accept it, and both see the same tampering
    assert _in_memory(signed) == _streaming(signed)
    assert _in_memory(signed)[1].valid
    tampered = signed.replace(b"Kon Tum", b"Kon  Tum", 1)
    assert _in_memory(tampered) == _streaming(tampered)
    assert not _in_memory(tampered)[1].valid


@pytest.mark.parametrize("name", STANDARD_EXAMPLES)
def test_the_standard_examples_read_the_same_both_ways(name):
    # given an example of standards.md §4 (comments around the root element, as transcribed)
    data = (FIXTURES / name).read_bytes()
    shape, check = _streaming(data)
    # then the in-memory tree is the streaming one, and so is the signature check (which the
    # in-memory reader leaves to the streaming reader: comments outside the root)
    fastread.forget()
    read = fastread.read_small(data, limits=Limits())
    assert read is not None
    assert _shape(read[0]) == shape
    assert verify_xml_signature(data) == check
    fastread.forget()
    assert fastread.read_small(data, limits=Limits(), config=DEFAULT_CONFIG) is None


def _tamperings(data: bytes) -> list[bytes]:
    start = data.index(b"<edXML:ContentTransferEncoded")
    start = data.index(b">", start) + 40
    flipped = b"A" if data[start : start + 1] != b"A" else b"B"
    value_at = data.index(b"<SignatureValue>") + len(b"<SignatureValue>")
    return [
        data.replace(b"000.00.00.G22", b"000.00.00.G09", 1),  # a recipient
        data[:start] + flipped + data[start + 1 :],  # the attachment
        data[:value_at] + b"AAAA" + data[value_at + 4 :],  # the signature value
        data.replace(b"<DigestValue>", b"<DigestValue>!", 1),  # not base64
        data.replace(C.SIG_RSA_SHA256.encode(), b"urn:unknown", 1),  # an algorithm
        data.replace(b"<SignedInfo>", b"<SignedInfo><!-- c -->", 1),  # a comment in SignedInfo
        data.replace(b"<edXML:edXMLHeader>", b"<edXML:edXMLHeader><!-- c -->", 1),
    ]


def test_tampered_packages_read_the_same_both_ways(kontum, pdf):
    # given a signed package changed in several ways after signing
    data = build_package(sample_package((pdf,)), signer=kontum.signer())
    for tampered in _tamperings(data):
        # then the in-memory reader gives the streaming reader's tree and check
        assert _in_memory(tampered) == _streaming(tampered)
        assert not _in_memory(tampered)[1].valid or b"<!-- c -->" in tampered


def _unusual_forms(data: bytes) -> list[bytes]:
    """Well-formed but unusual forms of a package: CDATA, character references, carriage
    returns, xml:lang, namespaced attributes, xmlns="", a processing instruction, another
    encoding, a second header, a second Signature, a relative namespace URI, comments."""
    subject = "V/v triển khai liên thông văn bản điện tử &amp; &lt;thử nghiệm&gt;".encode()
    assert subject in data
    dsig = C.DSIG_NS.encode()
    return [
        data.replace(subject, b"<![CDATA[a & b > c]]>&#x1F600;&#13;x\t\"'", 1),
        data.replace(b"<edXML:Subject>", b'<edXML:Subject xml:lang="vi">', 1),
        data.replace(
            b"<edXML:Subject>", b'<edXML:Subject xmlns:x="urn:x" x:a="1&#9;&#10;" b="2">', 1
        ),
        data.replace(
            b"<edXML:Subject>", b'<edXML:Subject xmlns:x="urn:x" xmlns:y="urn:x" y:a="1">', 1
        ),
        data.replace(
            b"<edXML:Subject>", b'<x:Subject xmlns:x="urn:x"><x:i/></x:Subject><edXML:Subject>', 1
        ),
        data.replace(b"<edXML:Subject>", b'<edXML:Subject xmlns="">', 1),
        data.replace(b"<edXML:Subject>", b"<?pi data?><edXML:Subject>", 1),
        data.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"', 1),
        data.replace(b"</edXML:edXMLHeader>", b"</edXML:edXMLHeader><edXML:edXMLHeader/>", 1),
        data.replace(b"</Signature>", b"</Signature><Signature xmlns='urn:x'/>", 1),
        data.replace(b"</Signature>", b'</Signature><Signature xmlns="' + dsig + b'"/>', 1),
        data.replace(b"<edXML:Subject>", b"<edXML:Subject xmlns:r='relative'>", 1),
        data.replace(b"<edXML:Subject>", b"<edXML:Subject>\r\n", 1),
        data.replace(b"<edXML:Subject>", b"<edXML:Subject><!-- c -->", 1),
        b"<!-- before -->" + data[data.index(b"\n") + 1 :] + b"<!-- after -->",
        data[data.index(b"\n") + 1 :],  # no XML declaration
        data.replace(b'encoding="UTF-8"', b'encoding="UTF-16"', 1).decode().encode("utf-16"),
    ]


class _CanonicalSink:
    """Streams every event of a document into c14n.py's canonicalizer."""

    def __init__(self, exclusive: bool) -> None:
        self.out: list[bytes] = []
        self.canon = Canonicalizer(self.out.append, exclusive=exclusive)

    def start(self, prefix, uri, local, attrs, decls, scope):
        self.canon.start(prefix, uri, local, attrs, decls)

    def end(self, node):
        self.canon.end()

    def text(self, data):
        self.canon.text(data)

    def pi(self, target, data):
        self.canon.pi(target, data)


@pytest.mark.parametrize("exclusive", [True, False], ids=["exclusive", "inclusive"])
def test_libxml2_and_python_canonical_forms_agree(kontum, pdf, exclusive):
    # given unusual forms of a signed package that the in-memory reader accepts
    data = build_package(sample_package((pdf,)), signer=kontum.signer())
    accepted = 0
    for form in _unusual_forms(data):
        fastread.forget()
        whole = fastread.walked(form, Limits())
        if whole is None or whole.outside_root:
            continue  # checked streaming: nothing to compare
        tree = etree.fromstring(form, fastread._parser())
        try:
            libxml2 = etree.tostring(tree, method="c14n", exclusive=exclusive, with_comments=False)
        except etree.C14NError:
            continue  # e.g. a relative namespace URI: the in-memory check reads it streaming
        accepted += 1
        # then libxml2's canonical form of the whole document is c14n.py's
        sink = _CanonicalSink(exclusive)
        StreamParser(limits=Limits(), events=sink).parse(form)
        assert libxml2 == b"".join(sink.out), form
    assert accepted >= 8


def test_unusual_xml_reads_the_same_or_goes_streaming(kontum):
    data = build_package(sample_package(), signer=kontum.signer())
    for form in _unusual_forms(data):
        _assert_same_reading(form)


@pytest.mark.parametrize(
    "c14n",
    [
        signxml.CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
        signxml.CanonicalizationMethod.CANONICAL_XML_1_0,
    ],
)
def test_unusual_xml_signed_elsewhere_verifies_the_same_both_ways(kontum, c14n):
    # given unusual forms of an unsigned package, each then signed by signxml (libxml2's C14N)
    signer = signxml.XMLSigner(method=signxml.methods.enveloped, c14n_algorithm=c14n)
    signed_forms = []
    for form in _unusual_forms(build_package(sample_package())):
        root = etree.fromstring(form)
        header = root.find(f".//{{{C.EDXML_NS}}}edXMLHeader")
        etree.SubElement(header, f"{{{C.DSIG_NS}}}Signature", Id="placeholder")
        with contextlib.suppress(signxml.exceptions.SignXMLException, etree.C14NError):
            signed_forms.append(
                etree.tostring(signer.sign(root, key=kontum.key, cert=[kontum.cert]))
            )
    # then the streaming reader and the in-memory reader agree on each (valid) signature
    assert len(signed_forms) >= 8
    for signed in signed_forms:
        _assert_same_reading(signed)
        assert _streaming(signed)[1].valid


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d[:-30],  # cut short
        lambda d: d.replace(b"<edXML:Subject>", b"<edXML:Subject><bad:x/>", 1),  # undeclared
        lambda d: d.replace(b"</edXML:Subject>", b"</edXML:Subjec>", 1),
        lambda d: b'<?xml version="1.0"?>\n<!DOCTYPE edXML>' + d[d.index(b"\n") + 1 :],
        lambda d: d.replace(b"<edXML:Subject>", b"<edXML:Subject>&nbsp;", 1),
    ],
)
def test_bad_xml_gets_the_streaming_readers_error(kontum, damage, tmp_path):
    # given a package that is not acceptable XML
    data = damage(build_package(sample_package(), signer=kontum.signer()))
    # when it is read (in memory first)
    with pytest.raises(EdxmlError) as got:
        parse_package_checked(data, attachment_dir=tmp_path)
    # then the error is the streaming reader's, message included (expat's line and column)
    with pytest.raises(EdxmlError) as expected:
        StreamParser(limits=Limits()).parse(data)
    assert (got.value.code, got.value.message_vi) == (
        expected.value.code,
        expected.value.message_vi,
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "limits",
    [
        Limits(max_depth=4),
        Limits(max_elements=20),
        Limits(max_header_bytes=100),
        Limits(max_attachments=1),
        Limits(max_attachment_bytes=1000),
        Limits(max_package_bytes=2000),
    ],
    ids=["depth", "elements", "header-bytes", "attachments", "attachment-bytes", "package"],
)
def test_limits_refuse_with_the_streaming_readers_error(kontum, tmp_path, limits):
    # given a package over one bound
    noise = random.Random(5).randbytes(3000)  # does not zip smaller
    files = tuple(attachment(tmp_path / f"{i}.pdf", noise) for i in range(2))
    data = build_package(sample_package(files), signer=kontum.signer())
    # then validate_checked reports what the streaming reader raises
    problems, check = validate_checked(data, limits=limits)
    with pytest.raises(EdxmlError) as expected:
        StreamParser(limits=limits, attachments=_Counting(limits)).parse(data)
    assert [(p.code, p.message_vi) for p in problems] == [
        (p.code, p.message_vi) for p in expected.value.problems
    ]
    assert not check.valid


class _Counting:
    """The sink validate uses (decode and count, no file)."""

    def __init__(self, limits: Limits) -> None:
        from congso.exchange.lib.attachments import _Base64ToFile

        self._sink = _Base64ToFile(None, limits)
        self.begin, self.data, self.finish = self._sink.begin, self._sink.data, self._sink.finish


def test_bad_base64_gets_the_streaming_readers_error(kontum, pdf, tmp_path):
    data = build_package(sample_package((pdf,)), signer=kontum.signer())
    start = data.index(b">", data.index(b"<edXML:ContentTransferEncoded")) + 10
    broken = data[:start] + b"!" + data[start + 1 :]
    problems = validate(broken)
    assert [p.code for p in problems] == ["edxml_malformed"]
    assert "base64" in problems[0].message_vi
    with pytest.raises(EdxmlError) as got:
        parse_package_checked(broken, attachment_dir=tmp_path / "in")
    assert got.value.message_vi == problems[0].message_vi
    assert list((tmp_path / "in").iterdir()) == []


def test_attachments_read_in_memory_equal_those_streamed(kontum, tmp_path, monkeypatch):
    # given a package with two attachments (one zipped by the builder, one plain .zip)
    files = (
        attachment(tmp_path / "a.pdf", b"%PDF " + bytes(range(256)) * 50),
        attachment(tmp_path / "b.zip", b"PK not really a zip", "application/zip"),
    )
    data = build_package(sample_package(files), signer=kontum.signer())
    # when parsed in memory, then with the in-memory reader turned off
    fastread.forget()
    fast, fast_check = parse_package_checked(data, attachment_dir=tmp_path / "fast")
    monkeypatch.setattr(fastread, "SMALL_PACKAGE_BYTES", 0)
    slow, slow_check = parse_package_checked(data, attachment_dir=tmp_path / "slow")
    # then the packages, files and checks are the same
    assert fast_check == slow_check
    assert fast_check is not None
    assert fast_check.valid
    assert [dataclasses.replace(a, path=Path(a.path.name)) for a in fast.attachments] == [
        dataclasses.replace(a, path=Path(a.path.name)) for a in slow.attachments
    ]
    for a, b in zip(fast.attachments, slow.attachments, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes()
    assert sorted(p.name for p in (tmp_path / "fast").iterdir()) == ["a.pdf", "b.zip"]


def test_a_failing_unzip_leaves_no_file_behind(tmp_path):
    # given a package whose second attachment unzips beyond the limit
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", b"0" * 5000)
    files = (
        attachment(tmp_path / "a.pdf", b"%PDF small"),
        attachment(tmp_path / "big.zip", buffer.getvalue(), "application/zip"),
    )
    data = build_package(sample_package(files))
    data = data.replace(b">big.zip<", b">big.txt<")
    for small in (fastread.SMALL_PACKAGE_BYTES, 0):
        target = tmp_path / f"in-{small}"
        fastread.forget()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(fastread, "SMALL_PACKAGE_BYTES", small)
            with pytest.raises(EdxmlError) as got:
                parse_package_checked(
                    data, attachment_dir=target, limits=Limits(max_attachment_bytes=4000)
                )
        assert got.value.code == "edxml_attachment_too_large"
        assert list(target.iterdir()) == []


@pytest.mark.parametrize("signer_args", SIGNERS)
def test_attachments_encoded_in_memory_write_the_same_bytes(kontum, pdf, monkeypatch, signer_args):
    # given a signed package built with its attachment zipped and encoded in memory
    pkg = sample_package((pdf,))
    in_memory = build_package(pkg, signer=kontum.signer(**signer_args))
    # when built again through files
    monkeypatch.setattr(builder_module, "IN_MEMORY_BYTES", 0)
    through_files = build_package(pkg, signer=kontum.signer(**signer_args))
    # then the bytes are the same
    assert in_memory == through_files


def test_the_envelope_then_the_package_of_one_path(kontum, pdf, tmp_path):
    # given a package file whose envelope is read, then the file replaced by another package
    path = tmp_path / "goi.edxml"
    path.write_bytes(build_package(sample_package((pdf,)), signer=kontum.signer()))
    first = read_envelope(path)
    problems, check = validate_checked(path)
    assert (problems, check.valid) == ([], True)
    path.write_bytes(
        build_package(sample_package((pdf,), subject="Một văn bản khác"), signer=kontum.signer())
    )
    # then each reading sees the bytes on disk now
    assert read_envelope(path) == first
    package, second = parse_package_checked(path, attachment_dir=tmp_path / "in")
    assert package.header.subject == "Một văn bản khác"
    assert second is not None
    assert second.valid
    # and one verification after another with another configuration is its own
    strict = CodecConfig(accepted_signature_methods=(C.SIG_RSA_SHA1,))
    assert verify_xml_signature(path).valid
    assert verify_xml_signature(path, config=strict).problem_code == "edxml_signature_invalid"
    assert verify_xml_signature(path).valid


@pytest.mark.parametrize("name", STANDARD_EXAMPLES)
def test_envelopes_are_those_of_the_header_only_reading(name, monkeypatch):
    data = (FIXTURES / name).read_bytes()
    fastread.forget()
    fast = read_envelope(data)
    monkeypatch.setattr(fastread, "SMALL_PACKAGE_BYTES", 0)
    assert fast == read_envelope(data)


class _PythonSignedInfoSigner(XmlSigner):
    """The signer as it was: SignedInfo canonicalized by c14n.py, whatever the method."""

    def complete(self, sig, digest):
        ds = f"{{{C.DSIG_NS}}}"
        sig.find(f"{ds}SignedInfo/{ds}Reference/{ds}DigestValue").text = base64.b64encode(
            digest
        ).decode("ascii")
        signed = canonicalize_element(sig.find(ds + "SignedInfo"), exclusive=self.exclusive)
        algorithm = getattr(hashes, C.SIGNATURE_HASHES[self.signature_method].upper())()
        value = self.private_key.sign(signed, padding.PKCS1v15(), algorithm)
        sig.find(ds + "SignatureValue").text = base64.b64encode(value).decode("ascii")


@pytest.mark.parametrize("signer_args", SIGNERS)
def test_the_signer_writes_what_the_python_canonicalizer_signed(kontum, pdf, signer_args):
    # given the same package and status signed by the signer and by the Python-only signer
    python_signer = _PythonSignedInfoSigner(kontum.key, kontum.cert, **signer_args)
    status = parse_status(FIXTURES / "status_01.edxml")
    for build in (
        lambda signer: build_package(sample_package((pdf,)), signer=signer),
        lambda signer: build_status(status, signer=signer),
    ):
        # then the bytes are the same, and each verifies both ways
        data = build(kontum.signer(**signer_args))
        assert data == build(python_signer)
        assert _in_memory(data) == _streaming(data)
        assert _streaming(data)[1].valid


def _canonical_sizes(monkeypatch) -> list[int]:
    """The sizes of the canonical forms libxml2 writes for whole packages from here on."""
    sizes: list[int] = []
    real = docdigest.c14n

    def spy(tree, plan):
        canonical = real(tree, plan)
        sizes.append(len(canonical))
        return canonical

    monkeypatch.setattr(docdigest, "c14n", spy)
    return sizes


def test_long_attachment_texts_are_digested_beside_the_canonical_form(kontum, pdf, monkeypatch):
    # given a signed package whose attachment's base64 is longer than LONG_TEXT_CHARS
    data = build_package(sample_package((pdf,)), signer=kontum.signer())
    sizes = _canonical_sizes(monkeypatch)
    # when it is read in memory
    in_memory = _in_memory(data)
    # then libxml2 canonicalized the document without the text, and the check is the
    # streaming reader's (valid)
    assert len(sizes) == 1
    assert sizes[0] < len(data) - len(pdf.path.read_bytes())
    assert in_memory == _streaming(data)
    assert in_memory[1].valid


def test_a_changed_character_of_a_long_attachment_text_fails_both_ways(kontum, pdf):
    data = build_package(sample_package((pdf,)), signer=kontum.signer())
    start = data.index(b"<edXML:ContentTransferEncoded")
    end = data.index(b"</edXML:ContentTransferEncoded")
    for at in (data.index(b">", start) + 1, (start + end) // 2, end - 1):
        flipped = b"A" if data[at : at + 1] != b"A" else b"B"
        tampered = data[:at] + flipped + data[at + 1 :]
        assert _in_memory(tampered) == _streaming(tampered)
        assert not _in_memory(tampered)[1].valid


def test_a_text_that_holds_the_marker_token_falls_back_to_the_whole_canonical_form(
    kontum, pdf, monkeypatch
):
    # given a package whose subject holds what the marker token will be
    token = bytes(range(12))
    monkeypatch.setattr(docdigest.os, "urandom", lambda n: token[:n])
    subject = "V/v triển khai liên thông văn bản điện tử & <thử nghiệm>"
    package = sample_package((pdf,), subject=subject + " " + token.hex() + "000000")
    data = build_package(package, signer=kontum.signer())
    sizes = _canonical_sizes(monkeypatch)
    # when it is read in memory
    in_memory = _in_memory(data)
    # then the token was seen twice, the whole document canonicalized, and the check is valid
    assert len(sizes) == 2
    assert sizes[1] > len(pdf.path.read_bytes())
    assert in_memory == _streaming(data)
    assert in_memory[1].valid


def test_an_attachment_text_with_a_carriage_return_is_canonicalized_by_libxml2(
    kontum, pdf, monkeypatch
):
    # given a signed package whose base64 text carries a character reference for CR (C14N
    # writes it as &#xD;), re-signed as it is
    data = build_package(sample_package((pdf,)), signer=kontum.signer())
    start = data.index(b">", data.index(b"<edXML:ContentTransferEncoded")) + 1
    changed = data[:start] + b"&#13;" + data[start:]
    sizes = _canonical_sizes(monkeypatch)
    # when it is read both ways
    in_memory = _in_memory(changed)
    # then the text stayed in libxml2's canonical form and both readers agree (the digest no
    # longer matches: the text changed)
    assert sizes
    assert sizes[0] > len(pdf.path.read_bytes())
    assert in_memory == _streaming(changed)
    assert not in_memory[1].valid
