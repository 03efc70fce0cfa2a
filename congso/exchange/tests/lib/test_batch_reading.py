"""A batch read as the hub's `batch_accept` reads it: every envelope first, then each package in
full. The packages walked for the envelopes are kept (per thread, within a budget) so each is
parsed once, and every answer is that of a package read alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from congso.exchange.lib import (
    Limits,
    build_package,
    fastread,
    read_envelope,
    validate_checked,
    verify_xml_signature,
)
from congso.exchange.tests.lib.conftest import attachment, sample_package


@pytest.fixture
def batch(kontum, tmp_path) -> list[Path]:
    """Five signed packages, each with its own attachment; the third changed after signing."""
    paths = []
    for i in range(5):
        pdf = attachment(tmp_path / f"cong-van-{i}.pdf", b"%PDF-1.7\n" + bytes([i]) * 3000)
        data = build_package(sample_package((pdf,)), signer=kontum.signer())
        if i == 2:
            data = data.replace(b"000.00.00.G22", b"000.00.00.G09", 1)
        path = tmp_path / f"package-{i}.edxml"
        path.write_bytes(data)
        paths.append(path)
    return paths


def _alone(path: Path) -> tuple[object, object]:
    fastread.forget()
    envelope = read_envelope(path)
    fastread.forget()
    return envelope, validate_checked(path)


def _walks(monkeypatch) -> list[int]:
    counted: list[int] = []
    walk = fastread._walk

    def counting(data, limits, stop_after=None):
        counted.append(len(data))
        return walk(data, limits, stop_after)

    monkeypatch.setattr(fastread, "_walk", counting)
    return counted


def test_given_a_batch_when_envelopes_then_packages_are_read_then_each_is_parsed_once(
    batch, monkeypatch
):
    expected = [_alone(path) for path in batch]
    fastread.forget()
    walks = _walks(monkeypatch)
    # when every envelope is read, then every package in full
    envelopes = [read_envelope(path) for path in batch]
    checked = [validate_checked(path) for path in batch]
    # then each answer is that of the package read alone, the tampered one included
    assert list(zip(envelopes, checked, strict=True)) == expected
    assert not checked[2][1].valid
    assert all(c[1].valid for i, c in enumerate(checked) if i != 2)
    # and each package was walked once
    assert len(walks) == len(batch)


def test_given_a_checked_package_then_it_leaves_the_cache(batch, monkeypatch):
    # given a package whose envelope was read, then its signature checked
    fastread.forget()
    read_envelope(batch[0])
    first = verify_xml_signature(batch[0])
    walks = _walks(monkeypatch)
    # when it is checked again
    again = verify_xml_signature(batch[0])
    # then it is walked again (it was no longer kept), with the same answer
    assert again == first
    assert len(walks) == 1


def test_given_more_than_the_budget_then_the_oldest_leave_and_answers_stay_right(
    batch, monkeypatch
):
    # given a budget of two packages
    monkeypatch.setattr(fastread, "KEPT_PACKAGES", 2)
    expected = [_alone(path) for path in batch]
    fastread.forget()
    for path in batch:
        read_envelope(path)
    # then only the two last are kept
    assert [entry.data for entry in fastread._kept()] == [p.read_bytes() for p in batch[-2:]]
    walks = _walks(monkeypatch)
    # and reading every package in full still gives each one's own answer
    assert [(read_envelope(p), validate_checked(p)) for p in batch] == expected
    # the last one is walked once only (each other one left once checked)
    assert len(walks) == len(batch) - 1


def test_given_a_byte_budget_then_the_kept_packages_stay_under_it(batch, monkeypatch):
    size = batch[0].stat().st_size
    monkeypatch.setattr(fastread, "KEPT_BYTES", 3 * size)
    fastread.forget()
    for path in batch:
        read_envelope(path)
    kept = fastread._kept()
    assert 0 < sum(len(entry.data) for entry in kept) <= 3 * size


def test_given_other_limits_then_a_kept_package_is_not_used(batch, monkeypatch):
    fastread.forget()
    read_envelope(batch[0])
    walks = _walks(monkeypatch)
    # when the same bytes are read under other limits
    read_envelope(batch[0], limits=Limits(max_elements=5000))
    # then they are walked again under those
    assert len(walks) == 1
