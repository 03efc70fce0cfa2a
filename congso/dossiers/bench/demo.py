"""The demo organisation, accounts and procedure catalogue the benchmark runs on."""

from __future__ import annotations

from typing import Any

from django.db import transaction

DESK_USERNAME = "motcua"  # demo one-stop officer of the Trung tâm Phục vụ hành chính công tỉnh


def demo_ensure() -> dict[str, Any]:
    """The Kon Tum organisation, the demo accounts and the demo procedure catalogue."""
    from congso.accounts.demo import CITIZEN_ID, demo_accounts_load
    from congso.accounts.models import User
    from congso.organizations.demo import kontum_demo_load
    from congso.procedures.demo import procedure_demo_load
    from congso.procedures.models import Procedure

    if not Procedure.objects.filter(code="1.001193.000.00.00.H34").exists():
        with transaction.atomic():
            if not User.objects.filter(username=DESK_USERNAME).exists():
                kontum_demo_load()
            procedure_demo_load()
    if not User.objects.filter(username=DESK_USERNAME).exists():
        demo_accounts_load()
    return {
        "desk": User.objects.select_related("agency").get(username=DESK_USERNAME),
        "citizen": User.objects.get(username=CITIZEN_ID),
    }
