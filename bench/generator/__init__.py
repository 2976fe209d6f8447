"""The synthetic district: `generate(options)` writes schools, people, quizzes and attempts in bulk."""

from .district import GenerateOptions, generate

__all__ = ["GenerateOptions", "generate"]
