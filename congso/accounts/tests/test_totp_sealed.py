from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from congso.accounts.models import User
from congso.accounts.services import totp_setup_begin
from congso.accounts.tests.factories import StaffUserFactory
from congso.core.sealing import SEALED_PREFIX, SealedValueUnreadable, seal, unseal


def _stored_secret(user: User) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT totp_secret FROM accounts_user WHERE id = %s", [user.pk])
        return str(cursor.fetchone()[0])


@pytest.mark.django_db
def test_a_totp_secret_is_sealed_in_the_database_and_plain_in_python():
    # given
    user = StaffUserFactory.create()
    # when
    secret, _ = totp_setup_begin(user=user)
    # then
    stored = _stored_secret(user)
    assert stored.startswith(SEALED_PREFIX)
    assert secret not in stored
    assert User.objects.get(pk=user.pk).totp_secret == secret


@pytest.mark.django_db
def test_a_legacy_plaintext_secret_is_read_as_is_and_sealed_on_the_next_save():
    # given a row written before sealing existed
    user = StaffUserFactory.create()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_user SET totp_secret = %s WHERE id = %s", ["JBSWY3DPEHPK3PXP", user.pk]
        )
    # when
    loaded = User.objects.get(pk=user.pk)
    loaded.save(update_fields=["totp_secret"])
    # then
    assert loaded.totp_secret == "JBSWY3DPEHPK3PXP"
    assert _stored_secret(user).startswith(SEALED_PREFIX)
    assert User.objects.get(pk=user.pk).totp_secret == "JBSWY3DPEHPK3PXP"


def test_a_rotated_key_still_opens_what_the_old_key_sealed(settings):
    # given a value sealed with the old key
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CONGSO_FIELD_KEYS = [old]
    sealed = seal("JBSWY3DPEHPK3PXP")
    # when the new key is put first
    settings.CONGSO_FIELD_KEYS = [new, old]
    # then the old value opens and new values are sealed with the new key only
    assert unseal(sealed) == "JBSWY3DPEHPK3PXP"
    settings.CONGSO_FIELD_KEYS = [new]
    assert unseal(seal("ABC")) == "ABC"
    with pytest.raises(SealedValueUnreadable):
        unseal(sealed)


def test_an_empty_value_stays_empty():
    # given / when / then
    assert seal("") == ""
    assert unseal("") == ""
