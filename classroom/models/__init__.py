from .activities import Activity, ActivityClass, ActivityEvidence, EvidenceKind, StudentWork
from .assignments import Allowance, Assignment, AssignmentLesson, Audience, ClassGroup, LessonProgress
from .class_hours import ClassHourLog, InstructorKind, TeachingMethod
from .history import RecordRevision, RevisionAction
from .integrity import FlagRule, FlagStatus, IntegrityFlag
from .reading import ReadingClock

__all__ = [
    "Activity",
    "ActivityClass",
    "ActivityEvidence",
    "Allowance",
    "Assignment",
    "AssignmentLesson",
    "Audience",
    "ClassGroup",
    "ClassHourLog",
    "EvidenceKind",
    "FlagRule",
    "FlagStatus",
    "InstructorKind",
    "IntegrityFlag",
    "LessonProgress",
    "ReadingClock",
    "RecordRevision",
    "RevisionAction",
    "StudentWork",
    "TeachingMethod",
]
