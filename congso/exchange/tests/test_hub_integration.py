"""End to end through a real hub process (`congso hub serve`): A sends, the hub stores and
forwards, B registers and answers 01, B's clerk accepts and A sees 03 on its recipient row.

Both members are agencies of this test database (one installation speaking for two members);
the two-installation reliability test lives elsewhere. The hub runs with its own settings and
its own SQLite database in a temporary folder, started once for this module.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from congso.documents.constants import IncomingStatus, OutboxStatus
from congso.documents.models import IncomingDocument, OutboxMessage
from congso.documents.services.incoming_internal import incoming_document_accept
from congso.documents.services.outgoing_relations import outgoing_document_revoke
from congso.exchange.hubclient import HubClient
from congso.exchange.models import (
    BusinessMessage,
    RecipientStatusEvent,
    StatusMessage,
    StatusMessageState,
)
from congso.exchange.services.config import Member
from congso.exchange.services.polling import member_poll
from congso.exchange.services.sending import outbox_message_send
from congso.exchange.tests.conftest import A_CODE, B_CODE
from congso.exchange.transport import TransportError

CONGSO = str(Path(sys.executable).with_name("congso"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _hub_env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.hub",
        CONGSO_VAR_DIR=str(var),
        HUB_DATABASE_URL=f"sqlite:///{var / 'hub.sqlite3'}",
        HUB_SERVE_THREADS="4",
    )
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([CONGSO, "hub", *args], env=env, check=True, capture_output=True, timeout=120)


@pytest.fixture
def running_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A fresh hub process per test: the database is emptied between transactional tests, so
    document numbers (and DocumentIds) repeat, and a hub that outlived a test would rightly answer
    a repeated package or status as the earlier delivery."""
    var = tmp_path_factory.mktemp("hub-var")
    keys = var / "keys"
    env = _hub_env(var)
    _run(["migrate"], env)
    for code, name in ((A_CODE, "Sở Thông tin và Truyền thông"), (B_CODE, "Sở Tài chính")):
        _run(["keygen", code, "--out", str(keys)], env)
        _run(
            ["member-add", code, "--name", name, "--public-key", str(keys / f"{code}.pub.pem")], env
        )
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [CONGSO, "hub", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v1/hub/health/", timeout=2):  # noqa: S310
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the hub did not start") from None
                time.sleep(0.3)
        yield {"url": url, "keys": keys}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def real_hub(settings: Any, running_hub: dict[str, Any]) -> dict[str, Any]:
    keys = running_hub["keys"]
    settings.EXCHANGE_HUB_URL = running_hub["url"]
    settings.EXCHANGE_TRANSPORT = "congso.exchange.hubclient.HubClient"
    settings.EXCHANGE_MEMBER_KEY_FILE = str(keys / f"{A_CODE}.key.pem")
    settings.EXCHANGE_MEMBERS = [f"{B_CODE}={keys / f'{B_CODE}.key.pem'}"]
    # the XML signature is made with A's certified key, as a real agency would
    settings.EXCHANGE_XML_KEY_FILE = str(keys / f"{A_CODE}.key.pem")
    settings.EXCHANGE_XML_CERT_FILE = str(keys / f"{A_CODE}.cert.pem")
    return running_hub


def _client(hub: dict[str, Any], code: str) -> HubClient:
    return HubClient(
        Member(code=code, key_file=hub["keys"] / f"{code}.key.pem"), base_url=hub["url"]
    )


@pytest.mark.django_db(transaction=True)
def test_send_hub_receive_and_statuses_01_03_back(
    real_hub: dict[str, Any],
    issue_to: Callable[..., Any],
    agency_b: Any,
    clerk_b: Any,
) -> None:
    # given a document of A issued to B (after commit the send task runs, eagerly)
    document = issue_to(B_CODE)
    message = OutboxMessage.objects.select_related("recipient").get(document=document)
    # then it is on the hub
    assert message.status == OutboxStatus.SENT, message.last_error
    # when B's side polls the hub
    result = member_poll(transport=_client(real_hub, B_CODE))
    # then B registered it once, and status 01 went to the hub
    assert result.packages == {"registered": 1}, result
    arrival = IncomingDocument.objects.get(agency=agency_b)
    assert arrival.status == IncomingStatus.RECEIVED
    assert StatusMessage.objects.get(status_code="01").state == StatusMessageState.SENT
    # when the hub offers nothing more and B's clerk accepts the document
    assert member_poll(transport=_client(real_hub, B_CODE)).packages == {}
    incoming_document_accept(clerk=clerk_b, document=arrival)
    assert StatusMessage.objects.get(status_code="03").state == StatusMessageState.SENT
    # when A's side polls the hub
    statuses = member_poll(transport=_client(real_hub, A_CODE)).statuses
    # then A's recipient row shows 03, after 01
    assert statuses == {"applied": 2}
    message.recipient.refresh_from_db()
    assert message.recipient.exchange_status_code == "03"


@pytest.mark.django_db(transaction=True)
def test_the_real_hub_refuses_a_package_from_another_member(
    real_hub: dict[str, Any], issue_to: Callable[..., Any]
) -> None:
    # given A's package handed to the hub with B's credentials
    document = issue_to(B_CODE)
    message = OutboxMessage.objects.get(document=document)
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.PENDING)
    # when it is sent through B's client
    outcome = outbox_message_send(outbox_id=message.pk, transport=_client(real_hub, B_CODE))
    # then the hub's refusal is permanent and named
    message.refresh_from_db()
    assert outcome == OutboxStatus.FAILED
    assert message.last_error.startswith("hub_sender_mismatch")


def test_a_wrong_key_is_refused_as_unauthenticated(
    real_hub: dict[str, Any], tmp_path: Path
) -> None:
    # given a client of A holding a key the hub does not know
    from congso.exchange.tests.conftest import write_rsa_key

    stranger = HubClient(
        Member(code=A_CODE, key_file=write_rsa_key(tmp_path / "k.pem")),
        base_url=real_hub["url"],
        retries=0,
    )
    # when it lists its packages
    with pytest.raises(TransportError) as refused:
        stranger.list_received()
    # then the hub answers 401 hub_unauthenticated (transient: a key may be being registered)
    assert refused.value.code == "hub_unauthenticated"
    assert not refused.value.permanent


@pytest.mark.django_db(transaction=True)
def test_revoke_through_the_real_hub_brings_15_back_to_the_sender(
    real_hub: dict[str, Any], issue_to: Callable[..., Any], agency_b: Any, clerk_a: Any
) -> None:
    # given a document of A that B registered through the hub (01 sent)
    document = issue_to(B_CODE)
    message = OutboxMessage.objects.select_related("recipient").get(document=document)
    assert message.status == OutboxStatus.SENT, message.last_error
    first = member_poll(transport=_client(real_hub, B_CODE))
    assert first.packages["registered"] == 1, first
    # when A's clerk revokes it (the revoke package is sent after commit)
    outgoing_document_revoke(actor=clerk_a, document=document, reason="Ban hành nhầm")
    revoke = BusinessMessage.objects.get(original=document)
    assert revoke.state == StatusMessageState.SENT, revoke.last_error
    # and B polls the hub
    result = member_poll(transport=_client(real_hub, B_CODE))
    # then B revoked its copy and answered 15
    assert result.packages == {"revoke": 1}, result
    assert IncomingDocument.objects.get(agency=agency_b).status == IncomingStatus.REVOKED
    assert StatusMessage.objects.get(status_code="15").state == StatusMessageState.SENT
    # when A polls: the recipient shows 15, with 01 before it in its history
    assert member_poll(transport=_client(real_hub, A_CODE)).statuses == {"applied": 2}
    message.recipient.refresh_from_db()
    assert message.recipient.exchange_status_code == "15"
    history = RecipientStatusEvent.objects.filter(recipient=message.recipient)
    assert list(history.values_list("status_code", flat=True)) == ["01", "15"]
