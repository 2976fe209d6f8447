from .attempts import Answer, Attempt, Flag
from .bank import Category, Dimension, Option, Question, QuestionKind, QuestionTag, Scoring, TextFormat
from .quiz import Counting, DrawRule, Quiz, QuizKind, QuizQuestion, ShowAnswers, SurveyPhase

__all__ = [
    "Answer",
    "Attempt",
    "Category",
    "Counting",
    "Dimension",
    "DrawRule",
    "Flag",
    "Option",
    "Question",
    "QuestionKind",
    "QuestionTag",
    "Quiz",
    "QuizKind",
    "QuizQuestion",
    "Scoring",
    "ShowAnswers",
    "SurveyPhase",
    "TextFormat",
]
