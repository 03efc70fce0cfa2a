from congso.dossiers.models.dossiers import (
    Dossier,
    DossierCodeCounter,
    DossierComponentFile,
    DossierEvent,
    DossierRegisterCounter,
    DossierStep,
    PortalStatusMapping,
    Rating,
)
from congso.dossiers.models.queue import QueueTicket, ServiceCounter

__all__ = [
    "Dossier",
    "DossierCodeCounter",
    "DossierComponentFile",
    "DossierEvent",
    "DossierRegisterCounter",
    "DossierStep",
    "PortalStatusMapping",
    "QueueTicket",
    "Rating",
    "ServiceCounter",
]
