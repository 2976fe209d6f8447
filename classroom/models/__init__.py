from .activities import Activity, ActivityClass, ActivityEvidence, EvidenceKind, StudentWork
from .assignments import Allowance, Assignment, AssignmentLesson, Audience, ClassGroup, LessonProgress
from .class_hours import ClassHourFile, ClassHourLog, InstructorKind, TeachingMethod
from .history import RecordRevision, RevisionAction
from .integrity import FlagRule, FlagStatus, IntegrityFlag
from .letters import LetterSend, ParentAcknowledgement, ParentLink, Relationship
from .reading import ReadingClock
from .training import TrainingCompletion

__all__ = [
    "Activity",
    "ActivityClass",
    "ActivityEvidence",
    "Allowance",
    "Assignment",
    "ClassHourFile",
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
    "LetterSend",
    "ParentAcknowledgement",
    "ParentLink",
    "ReadingClock",
    "RecordRevision",
    "Relationship",
    "RevisionAction",
    "StudentWork",
    "TeachingMethod",
    "TrainingCompletion",
]
