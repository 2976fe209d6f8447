from .activities import Activity, ActivityClass, ActivityEvidence, EvidenceKind, StudentWork
from .assignments import Assignment, LessonProgress
from .class_hours import ClassHourLog, InstructorKind, TeachingMethod
from .history import RecordRevision, RevisionAction

__all__ = [
    "Activity",
    "ActivityClass",
    "ActivityEvidence",
    "Assignment",
    "ClassHourLog",
    "EvidenceKind",
    "InstructorKind",
    "LessonProgress",
    "RecordRevision",
    "RevisionAction",
    "StudentWork",
    "TeachingMethod",
]
