"""Demo signing keys: TEST certificates and SoftHSM2 tokens for a demo signer and its agency.

`congso signatures_test_pki --demo-signer giamdoc.stttt` adds to the TEST PKI a person
certificate in the signer's name and an organisation (seal) certificate for the signer's agency,
puts each key on its own SoftHSM2 token, and records them as `SigningKey` rows (PKCS#11 token
label + key label; the PIN is read from the environment variable `DEMO_PIN_ENV`, never stored
or printed by the application). The agency's văn thư then applies the seal with the agency key.
Everything here is TEST material: the certificates chain to the TEST root only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes

from congso.accounts.models import User
from congso.organizations.models import Agency
from congso.signatures import services
from congso.signatures.constants import KeyPurpose
from congso.signatures.lib.softhsm import TokenInfo
from congso.signatures.lib.testpki import (
    EntitySpec,
    TestPki,
    organisation_entity,
    person_entity,
)
from congso.signatures.models import SigningKey

DEMO_PIN_ENV = "CONGSO_DEMO_TOKEN_PIN"
PERSON_KEY_LABEL = "nguoi-ky"
SEAL_KEY_LABEL = "con-dau"
PROVINCE = "UBND tỉnh Kon Tum"


class DemoSignerError(ValueError):
    """The named user cannot be a demo signer (message in Vietnamese)."""


@dataclass(frozen=True)
class DemoSigner:
    user: User
    agency: Agency
    person: TokenInfo
    organisation: TokenInfo


def demo_signers(usernames: Sequence[str]) -> list[DemoSigner]:
    """The users named (staff with an agency), each with its person token and its agency's."""
    signers: list[DemoSigner] = []
    for username in usernames:
        user = (
            User.objects.select_related("agency", "agency__parent")
            .filter(username=username, kind="staff")
            .first()
        )
        if user is None or user.agency is None:
            raise DemoSignerError(
                f"Không có cán bộ '{username}' thuộc một cơ quan (chạy `congso load_demo` trước)."
            )
        agency = user.agency
        signers.append(
            DemoSigner(
                user=user,
                agency=agency,
                person=TokenInfo(
                    f"demo-nguoi-ky-{user.pk}", PERSON_KEY_LABEL, b"\x21", f"demo-person-{user.pk}"
                ),
                organisation=TokenInfo(
                    f"demo-co-quan-{agency.pk}",
                    SEAL_KEY_LABEL,
                    b"\x22",
                    f"demo-organisation-{agency.pk}",
                ),
            )
        )
    return signers


def _uid(user: User) -> str:
    number = (user.citizen_id_number or "").strip()
    return f"CCCD:{number}" if number else f"CCCD:062099{user.pk:06d}"


def demo_specs(signers: Sequence[DemoSigner]) -> list[EntitySpec]:
    """Certificates to add to the TEST hierarchy (one organisation certificate per agency)."""
    specs: list[EntitySpec] = []
    seen: set[str] = set()
    for signer in signers:
        agency = signer.agency
        parent = agency.parent.name if agency.parent is not None else PROVINCE
        specs.append(
            person_entity(
                signer.person.entity,
                full_name=signer.user.full_name or signer.user.username,
                uid=_uid(signer.user),
                organisation=parent,
                unit=agency.name,
            )
        )
        if signer.organisation.entity not in seen:
            seen.add(signer.organisation.entity)
            specs.append(
                organisation_entity(signer.organisation.entity, name=agency.name, parent=parent)
            )
    return specs


def demo_tokens(signers: Sequence[DemoSigner]) -> tuple[TokenInfo, ...]:
    tokens: dict[str, TokenInfo] = {}
    for signer in signers:
        tokens.setdefault(signer.person.token_label, signer.person)
        tokens.setdefault(signer.organisation.token_label, signer.organisation)
    return tuple(tokens.values())


def demo_keys_register(
    signers: Sequence[DemoSigner], *, pki: TestPki, module_path: str
) -> list[SigningKey]:
    """Record where each demo key lives (audited through the signatures services)."""
    keys: list[SigningKey] = []
    for signer in signers:
        for purpose, token in (
            (KeyPurpose.PERSON, signer.person),
            (KeyPurpose.ORGANISATION, signer.organisation),
        ):
            cert = pki.cert(token.entity)
            keys.append(
                services.signing_key_provision(
                    actor=None,
                    purpose=purpose,
                    owner=signer.user if purpose == KeyPurpose.PERSON else None,
                    agency=signer.agency if purpose == KeyPurpose.ORGANISATION else None,
                    module_path=module_path,
                    token_label=token.token_label,
                    key_label=token.key_label,
                    pin_env=DEMO_PIN_ENV,
                    certificate_subject=cert.subject.rfc4514_string()[:500],
                    certificate_sha256=cert.fingerprint(hashes.SHA256()).hex(),
                )
            )
    return keys
