from __future__ import annotations

import factory

from congso.signatures.constants import KeyProviderKind, KeyPurpose
from congso.signatures.lib.softhsm import TEST_TOKENS, softhsm_module
from congso.signatures.models import SigningKey


class PersonKeyFactory(factory.django.DjangoModelFactory[SigningKey]):
    """The person's SoftHSM2 test token; PIN read from $CONGSO_TEST_PIN."""

    class Meta:
        model = SigningKey

    purpose = KeyPurpose.PERSON
    provider = KeyProviderKind.PKCS11
    module_path = factory.LazyFunction(lambda: softhsm_module() or "")
    token_label = TEST_TOKENS[0].token_label
    key_label = TEST_TOKENS[0].key_label
    pin_env = "CONGSO_TEST_PIN"


class AgencyKeyFactory(PersonKeyFactory):
    purpose = KeyPurpose.ORGANISATION
    token_label = TEST_TOKENS[1].token_label
    key_label = TEST_TOKENS[1].key_label
