"""Reads of the payments app: a dossier's payment, the test bank's ledger, reconciliation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from congso.payments.constants import CallbackOutcome, PaymentStatus, ReconciliationIssue
from congso.payments.models import Payment, PaymentCallback, TestBankTransaction
from congso.payments.providers import ProviderRecord, payment_provider

ACCEPTED_OUTCOMES = {CallbackOutcome.ACCEPTED, CallbackOutcome.DUPLICATE}


def payment_latest_for(dossier_ref: str) -> Payment | None:
    return Payment.objects.filter(dossier_ref=dossier_ref).order_by("-id").first()


def payment_is_settled(dossier_ref: str) -> bool:
    return Payment.objects.filter(dossier_ref=dossier_ref, status=PaymentStatus.PAID).exists()


def test_bank_transactions_on(day: date) -> QuerySet[TestBankTransaction]:
    return TestBankTransaction.objects.filter(created_at__date=day).order_by("created_at", "id")


@dataclass
class ReconciliationRow:
    reference: str
    dossier_ref: str = ""
    amount: int | None = None
    status: str = ""
    paid_at: object = None
    accepted_callbacks: int = 0
    rejected_callbacks: int = 0
    provider_transaction_id: str = ""
    provider_amount: int | None = None
    provider_status: str = ""
    issues: list[str] = field(default_factory=list)

    @property
    def is_matched(self) -> bool:
        return not self.issues


def _issues(row: ReconciliationRow) -> list[str]:
    issues: list[str] = []
    provider_paid = row.provider_status == PaymentStatus.PAID
    if row.status == PaymentStatus.PAID and not provider_paid:
        issues.append(ReconciliationIssue.PAID_WITHOUT_PROVIDER_RECORD)
    if provider_paid and row.status != PaymentStatus.PAID:
        issues.append(ReconciliationIssue.PROVIDER_PAID_NOT_RECORDED)
    if provider_paid and row.amount is not None and row.provider_amount != row.amount:
        issues.append(ReconciliationIssue.AMOUNT_DIFFERS)
    if row.status == PaymentStatus.PAID and row.accepted_callbacks == 0:
        issues.append(ReconciliationIssue.PAID_WITHOUT_CALLBACK)
    if row.rejected_callbacks:
        issues.append(ReconciliationIssue.REJECTED_CALLBACKS)
    return issues


def _provider_by_reference(records: list[ProviderRecord]) -> dict[str, ProviderRecord]:
    """One record per reference; a successful one wins over a cancelled one."""
    chosen: dict[str, ProviderRecord] = {}
    for record in records:
        previous = chosen.get(record.reference)
        if previous is None or record.status == PaymentStatus.PAID:
            chosen[record.reference] = record
    return chosen


def payment_reconciliation(day: date) -> list[ReconciliationRow]:
    """Our payments vs the callbacks received vs the provider's records, for one settlement day
    (GOV.UK Pay reconciles by settlement date). Payments settled or opened that day are listed."""
    payments = {
        payment.reference: payment
        for payment in Payment.objects.filter(Q(settled_on=day) | Q(created_at__date=day))
    }
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for reference, outcome in PaymentCallback.objects.filter(received_at__date=day).values_list(
        "reference", "outcome"
    ):
        counts[reference][0 if outcome in ACCEPTED_OUTCOMES else 1] += 1
    provider = _provider_by_reference(payment_provider().records_on(day))
    missing = (set(counts) | set(provider)) - set(payments)
    for extra in Payment.objects.filter(reference__in=missing):
        payments[extra.reference] = extra
    rows: list[ReconciliationRow] = []
    for reference in sorted(set(payments) | set(counts) | set(provider)):
        row = ReconciliationRow(reference=reference)
        payment = payments.get(reference)
        if payment is not None:
            row.dossier_ref = payment.dossier_ref
            row.amount = payment.amount
            row.status = payment.status
            row.paid_at = payment.paid_at
        row.accepted_callbacks, row.rejected_callbacks = counts.get(reference, [0, 0])
        record = provider.get(reference)
        if record is not None:
            row.provider_transaction_id = record.transaction_id
            row.provider_amount = record.amount
            row.provider_status = record.status
        row.issues = _issues(row)
        rows.append(row)
    return rows
