"""Checking a received package without keeping it: `validate`, `validate_checked`.

`validate_checked` is what a relay (the hub) needs on every package: the problems of `validate`
and the result of `verify_xml_signature` from ONE streaming pass (the signature verifier listens
to the same parser events), instead of reading the package twice. Attachments are decoded and
counted but never written; a zipped one is unzipped as it is decoded (its CRC and sizes checked,
nothing kept), so that a zip `parse_*` would refuse is a problem here too.
"""

from __future__ import annotations

from congso.exchange.lib import config as C
from congso.exchange.lib.attachments import _attachment_nodes, _Base64ToFile, attachment_problems
from congso.exchange.lib.checks import missing, status_problems
from congso.exchange.lib.errors import EdxmlError, Problem
from congso.exchange.lib.fastread import read_root
from congso.exchange.lib.header_reader import _kind, _Reader, _text
from congso.exchange.lib.model import XmlSignatureCheck
from congso.exchange.lib.parser import Source, _read_document
from congso.exchange.lib.xmlstream import Node


def validate(
    source: Source, *, limits: C.Limits | None = None, config: C.CodecConfig = C.DEFAULT_CONFIG
) -> list[Problem]:
    """Every problem of a package (document or status); [] when valid. Writes no file."""
    limits = limits or C.Limits()
    try:
        root, _check, sink = read_root(
            source, limits=limits, sink=lambda: _Base64ToFile(None, limits, config)
        )
    except EdxmlError as exc:
        return list(exc.problems)
    assert sink is not None
    return _problems(root, sink, config)


def validate_checked(
    source: Source, *, limits: C.Limits | None = None, config: C.CodecConfig = C.DEFAULT_CONFIG
) -> tuple[list[Problem], XmlSignatureCheck]:
    """`validate` and `verify_xml_signature` in one streaming pass.

    The problems are those `validate` returns; the check is that of `verify_xml_signature`.
    A package that cannot be read at all has its reading problem(s) and a check that is not
    valid and carries the first problem's code (the signature could not be looked at).
    """
    limits = limits or C.Limits()
    try:
        root, check, sink = read_root(
            source, limits=limits, sink=lambda: _Base64ToFile(None, limits, config), config=config
        )
    except EdxmlError as exc:
        first = exc.problems[0]
        unread = XmlSignatureCheck(
            valid=False, problem_code=first.code, message_vi=first.message_vi
        )
        return list(exc.problems), unread
    assert check is not None
    assert sink is not None
    return _problems(root, sink, config), check


def _problems(root: Node, sink: _Base64ToFile, config: C.CodecConfig) -> list[Problem]:
    try:
        kind, node = _kind(root)
    except EdxmlError as exc:
        return list(exc.problems)
    if kind == "status":
        reader = _Reader(config)
        status = reader.status(node)
        return reader.problems + status_problems(status, config)
    _pkg, problems, _ = _read_document(root, config)
    for i, attachment in enumerate(_attachment_nodes(root)):
        if not (_text(attachment, "AttachmentName") or _text(attachment, "Description")):
            problems.append(
                missing(f"AttachmentEncoded/Attachment[{i + 1}]/AttachmentName", "tên tệp đính kèm")
            )
    return problems + attachment_problems(root, sink)
