"""Hub test set-up: the hub's URL conf, a throw-away package store, members with real keys."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from congso.hub.keys import KeyFiles, member_keypair_write, member_token
from congso.hub.models import Member
from congso.hub.services.members import member_add
from congso.hub.services.tokens import token_member_cache_clear

SENDER_CODE = "000.00.00.H34"
RECIPIENT_CODE = "000.00.05.H34"
OTHER_CODE = "000.00.07.H34"

API = "/api/v1/hub/"


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hub-keys")


@pytest.fixture(scope="session")
def key_files(key_dir: Path) -> dict[str, KeyFiles]:
    """One RSA key pair and certificate per test member code, made once per session."""
    return {
        code: member_keypair_write(code=code, out_dir=key_dir)
        for code in (SENDER_CODE, RECIPIENT_CODE, OTHER_CODE)
    }


@dataclass
class HubMember:
    member: Member
    keys: KeyFiles

    @property
    def code(self) -> str:
        return self.member.code

    def token(self, **kwargs: Any) -> str:
        return member_token(
            code=self.code, private_key_pem=self.keys.private_key.read_bytes(), **kwargs
        )

    def auth(self, **kwargs: Any) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token(**kwargs)}"}


def _register(code: str, name: str, keys: KeyFiles) -> HubMember:
    member = member_add(code=code, name=name, public_key_pem=keys.public_key.read_text())
    return HubMember(member=member, keys=keys)


@pytest.fixture(autouse=True)
def hub_urls_and_store(settings: Any, tmp_path: Path) -> Path:
    settings.ROOT_URLCONF = "config.hub_urls"
    settings.HUB_STORE_DIR = tmp_path / "store"
    settings.HUB_REQUIRE_XML_SIGNATURE = True
    token_member_cache_clear()  # members remembered by token checks belong to one test's rows
    return tmp_path / "store"


@pytest.fixture
def sender(db: None, key_files: dict[str, KeyFiles]) -> HubMember:
    return _register(SENDER_CODE, "UBND tỉnh Kon Tum", key_files[SENDER_CODE])


@pytest.fixture
def recipient(db: None, key_files: dict[str, KeyFiles]) -> HubMember:
    return _register(RECIPIENT_CODE, "Sở Nội vụ", key_files[RECIPIENT_CODE])


@pytest.fixture
def other(db: None, key_files: dict[str, KeyFiles]) -> HubMember:
    return _register(OTHER_CODE, "Sở Tài chính", key_files[OTHER_CODE])


# The root conftest's autouse fixtures reach into platform apps (working-day calendar, catalogue
# rows) that the hub deployment does not install; the hub's tests run under both settings.
@pytest.fixture(autouse=True)
def _fresh_working_day_calendar() -> None:
    return None


@pytest.fixture(autouse=True)
def _reference_rows() -> None:
    return None
