"""The name of the interchange format and the keys of its procedures, components and steps."""

FORMAT = "congso.procedures/1"
KIND_PREFIX = "kind:"

PROCEDURE_KEYS = (
    "code",
    "national_code",
    "is_demo_code",
    "name",
    "field",
    "level",
    "online_level",
    "processing_days",
    "fee_text",
    "fee_amount",
    "implementing_agency_name",
    "requirements",
    "result_name",
    "legal_basis",
    "applicant_types",
    "is_inter_agency",
    "is_published",
    "form_schema",
    "receiving_agencies",
)
COMPONENT_KEYS = (
    "order",
    "code",
    "name",
    "originals",
    "copies",
    "is_required",
    "accepted_types",
    "template",
)
STEP_KEYS = ("order", "name", "agency", "days", "role")
