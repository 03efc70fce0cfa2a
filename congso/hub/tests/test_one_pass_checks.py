"""The hub validates a package and verifies its XML signature in one pass of the codec
(`validate_checked`): the same answers as `validate` and `verify_xml_signature` separately."""

from __future__ import annotations

import pytest

from congso.exchange.lib import validate, validate_checked, verify_xml_signature
from congso.hub.tests import packages
from congso.hub.tests.conftest import RECIPIENT_CODE, SENDER_CODE


@pytest.fixture
def good(key_files) -> bytes:
    return packages.edoc(
        sender=SENDER_CODE, recipients=[RECIPIENT_CODE], keys=key_files[SENDER_CODE]
    )


def test_a_valid_signed_package_has_no_problem_and_a_valid_signature(good) -> None:
    problems, check = validate_checked(good)
    assert problems == []
    assert check.valid
    assert check == verify_xml_signature(good)


@pytest.mark.parametrize(
    ("change", "problem_codes", "signature_code"),
    [
        # the subject changed after signing: well formed, but the digest no longer matches
        (lambda b: b.replace("kết nối".encode(), "ngắt kết".encode(), 1), [], "invalid"),
        # the sender's code removed: a validation problem, the signature broken too
        (
            lambda b: b.replace(f"<edXML:OrganId>{SENDER_CODE}".encode(), b"<edXML:OrganId>", 1),
            ["edxml_missing_element"],
            "invalid",
        ),
    ],
)
def test_a_changed_package_answers_as_both_checks_do(
    good, change, problem_codes, signature_code
) -> None:
    body = change(good)
    assert body != good
    problems, check = validate_checked(body)
    assert problems == validate(body)
    assert [p.code for p in problems][:1] == problem_codes[:1]
    assert check == verify_xml_signature(body)
    assert check.problem_code == f"edxml_signature_{signature_code}"


def test_an_unsigned_package_has_a_missing_signature() -> None:
    body = packages.edoc(sender=SENDER_CODE, recipients=[RECIPIENT_CODE])
    problems, check = validate_checked(body)
    assert (problems, check.valid, check.problem_code) == ([], False, "edxml_signature_missing")


def test_an_unreadable_package_says_why_in_both_answers() -> None:
    problems, check = validate_checked(b"<edXML><unclosed>")
    assert [p.code for p in problems] == ["edxml_malformed"]
    assert (check.valid, check.problem_code) == (False, "edxml_malformed")
