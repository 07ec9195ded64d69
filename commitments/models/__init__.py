"""The commitments app's models: the plans and their text, and their tracking."""

from .plans import (
    EXPORT_FIELDS,
    ActionLine,
    Area,
    Bilingual,
    Localized,
    Part,
    Plan,
    interface_language,
)
from .reports import EditionFile, ReportEdition
from .spreadsheets import ReportUpload
from .tracking import (
    Activity,
    Evidence,
    Organisation,
    Ownership,
    PeriodStatus,
    ReportingPeriod,
    Status,
    StatusUpdate,
    UpdateTransition,
)

__all__ = [
    "EXPORT_FIELDS",
    "ActionLine",
    "Activity",
    "Area",
    "Bilingual",
    "EditionFile",
    "Evidence",
    "Localized",
    "Organisation",
    "Ownership",
    "Part",
    "PeriodStatus",
    "Plan",
    "ReportEdition",
    "ReportUpload",
    "ReportingPeriod",
    "Status",
    "StatusUpdate",
    "UpdateTransition",
    "interface_language",
]
