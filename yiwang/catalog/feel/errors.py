"""Errors of the FEEL interpreter. Every message is meant for the person who wrote the expression."""

from __future__ import annotations


class FeelError(Exception):
    """An expression that cannot be parsed or evaluated, or that went past a limit."""


class FeelSyntaxError(FeelError):
    """The text is not an expression of the FEEL subset Yiwang accepts."""


class FeelLimitError(FeelError):
    """An expression or its evaluation went past one of the interpreter's limits."""
