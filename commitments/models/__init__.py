"""The commitments app's models: the plans and their text, and their tracking."""

from .closeout import FinalStatus
from .continuity import LineLink, Target, TargetValue
from .logins import LoginAttempt
from .people import Person, PersonChange, Role
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
from .reminders import ReminderSending
from .reports import EditionFile, ReportBuild, ReportEdition, ReportText
from .spreadsheets import ReportUpload
from .tracking import (
    Activity,
    Evidence,
    Fund,
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
    "FinalStatus",
    "Fund",
    "LineLink",
    "Localized",
    "LoginAttempt",
    "Organisation",
    "Ownership",
    "Part",
    "Person",
    "PersonChange",
    "PeriodStatus",
    "Plan",
    "ReminderSending",
    "ReportEdition",
    "ReportBuild",
    "ReportText",
    "ReportUpload",
    "ReportingPeriod",
    "Role",
    "Status",
    "StatusUpdate",
    "Target",
    "TargetValue",
    "UpdateTransition",
    "interface_language",
]
