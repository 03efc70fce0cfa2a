"""The password-only path (admin site, HTTP Basic) keeps the login pages' lockout rules."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from django.contrib.auth import authenticate
from django.utils import timezone

from congso.accounts.backends import LockoutModelBackend
from congso.accounts.tests.conftest import PASSWORD
from congso.accounts.tests.factories import StaffUserFactory
from congso.audit.constants import AuditAction
from congso.audit.models import AuditEntry


@pytest.mark.django_db
def test_the_right_password_authenticates():
    # given
    user = StaffUserFactory.create()
    # when / then
    assert authenticate(username=user.username, password=PASSWORD) == user


@pytest.mark.django_db
def test_a_wrong_password_counts_towards_the_lockout(settings):
    # given
    settings.CONGSO_LOGIN_MAX_FAILURES = 2
    user = StaffUserFactory.create()
    # when
    first = authenticate(username=user.username, password="sai")
    second = authenticate(username=user.username, password="sai")
    # then
    assert first is None
    assert second is None
    user.refresh_from_db()
    assert user.locked_until is not None
    assert authenticate(username=user.username, password=PASSWORD) is None
    assert AuditEntry.objects.filter(action=AuditAction.USER_LOCKED).count() == 1


@pytest.mark.django_db
def test_success_clears_an_earlier_failure_and_records_it():
    # given
    user = StaffUserFactory.create(failed_login_count=2)
    # when
    authenticate(username=user.username, password=PASSWORD)
    # then
    user.refresh_from_db()
    assert user.failed_login_count == 0
    entry = AuditEntry.objects.get(action=AuditAction.USER_LOGIN)
    assert entry.data["channel"] == "password_backend"


@pytest.mark.django_db
def test_a_clean_success_is_not_audited_every_time():
    # given
    user = StaffUserFactory.create()
    # when
    authenticate(username=user.username, password=PASSWORD)
    # then
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_a_two_factor_account_cannot_sign_in_with_the_password_alone():
    # given
    user = StaffUserFactory.create(totp_secret=pyotp.random_base32(), totp_enabled=True)
    # when / then
    assert authenticate(username=user.username, password=PASSWORD) is None
    user.refresh_from_db()
    assert user.failed_login_count == 0


@pytest.mark.django_db
def test_missing_credentials_authenticate_nobody():
    # when / then
    assert LockoutModelBackend().authenticate(None, username=None, password="x") is None


@pytest.mark.django_db
def test_a_session_of_a_locked_user_is_not_restored():
    # given
    user = StaffUserFactory.create(locked_until=timezone.now() + timedelta(minutes=5))
    # when / then
    assert LockoutModelBackend().get_user(user.pk) is None
