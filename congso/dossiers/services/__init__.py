"""Every write of the dossiers domain (one audited transaction each; hooks after commit)."""

from congso.dossiers.services.applicant import (
    dossier_counter_create,
    dossier_draft_create,
    dossier_draft_update,
    dossier_file_add,
    dossier_rate,
    dossier_submit,
    dossier_supplement_submit,
    dossier_withdraw,
    validate_form_data,
)
from congso.dossiers.services.desk import (
    dossier_extend,
    dossier_receive,
    dossier_refuse,
    dossier_return,
    dossier_supplement_request,
)
from congso.dossiers.services.fees import dossier_fee_paid, dossier_fee_request
from congso.dossiers.services.mapping import portal_status_mapping_set
from congso.dossiers.services.processing import (
    dossier_finish,
    dossier_step_complete,
    dossier_step_forward,
)
from congso.dossiers.services.queue import queue_ticket_call_next, queue_ticket_take
from congso.dossiers.services.stopping import dossier_stop

__all__ = [
    "dossier_counter_create",
    "dossier_draft_create",
    "dossier_draft_update",
    "dossier_extend",
    "dossier_fee_paid",
    "dossier_fee_request",
    "dossier_file_add",
    "dossier_finish",
    "dossier_rate",
    "dossier_receive",
    "dossier_refuse",
    "dossier_return",
    "dossier_step_complete",
    "dossier_step_forward",
    "dossier_stop",
    "dossier_submit",
    "dossier_supplement_request",
    "dossier_supplement_submit",
    "dossier_withdraw",
    "portal_status_mapping_set",
    "queue_ticket_call_next",
    "queue_ticket_take",
    "validate_form_data",
]
