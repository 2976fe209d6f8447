from .quiz import Quiz, QuizKind

__all__ = ["Quiz", "QuizKind"]
