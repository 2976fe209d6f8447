from .figures import COUNT_FIELDS, FIGURE_FIELDS, SUM_FIELDS, ClassFigures, ExportStatus, Period, Refresh, TableExport
from .ledger import EvidenceKind, LedgerEvent, LedgerEvidence, LedgerItem, LedgerState
from .plan import (
    COMPOSITE_FIGURES,
    RATE_KINDS,
    HoursPeriod,
    Plan,
    PlanTask,
    TaskKind,
    TaskTarget,
    default_deadline,
)
from .sampling import Sample

__all__ = [
    "COMPOSITE_FIGURES",
    "COUNT_FIELDS",
    "FIGURE_FIELDS",
    "RATE_KINDS",
    "SUM_FIELDS",
    "ClassFigures",
    "EvidenceKind",
    "ExportStatus",
    "HoursPeriod",
    "LedgerEvent",
    "LedgerEvidence",
    "LedgerItem",
    "LedgerState",
    "Period",
    "Plan",
    "PlanTask",
    "Refresh",
    "Sample",
    "TableExport",
    "TaskKind",
    "TaskTarget",
    "default_deadline",
]
