"""The models: organisations and people (people.py), a report and its six sections (report.py), and
what records who did what (history.py)."""

from .base import (
    count_field,
    validate_month_day,
)
from .people import (
    Organisation,
    Membership,
    RoleGrant,
    Account,
    CONFIRMED_ROLES,
)
from .report import (
    Report,
    SectionModel,
    OverviewSection,
    ProactiveSection,
    ProactiveCell,
    ApplicationSection,
    ApplicationRow,
    ReviewLitigationSection,
    ProblemsSection,
    OtherMattersSection,
    SECTION_MODELS,
)
from .history import (
    ReportEvent,
    SectionComment,
    ReportVersion,
    Notification,
    AccessEvent,
    Acknowledgement,
    CarriedText,
    UsedPreview,
    Publication,
    ReminderSent,
    SECTION_CHOICES,
)
from .jobs import BackgroundJob, JobFile
from .sums import ReportSums

__all__ = [
    "count_field",
    "validate_month_day",
    "Organisation",
    "Membership",
    "RoleGrant",
    "Account",
    "CONFIRMED_ROLES",
    "Report",
    "SectionModel",
    "OverviewSection",
    "ProactiveSection",
    "ProactiveCell",
    "ApplicationSection",
    "ApplicationRow",
    "ReviewLitigationSection",
    "ProblemsSection",
    "OtherMattersSection",
    "SECTION_MODELS",
    "ReportEvent",
    "SectionComment",
    "ReportVersion",
    "Notification",
    "AccessEvent",
    "Acknowledgement",
    "CarriedText",
    "UsedPreview",
    "Publication",
    "ReminderSent",
    "SECTION_CHOICES",
    "BackgroundJob",
    "ReportSums",
    "JobFile",
]
