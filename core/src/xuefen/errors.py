"""Errors a user can cause, each with a message that names what to fix."""
from __future__ import annotations


class XuefenError(Exception):
    """Base of every error the CLI turns into a message and a non-zero exit."""

    exit_code = 1


class InputError(XuefenError):
    """Bad input: each problem names the file/line or activity, and the field."""

    exit_code = 2

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class UnknownRegion(InputError):
    pass


class DuplicateRegion(XuefenError):
    """Two distributions claim one region code."""


class RefusedAction(XuefenError):
    """An action the actor may not take (no valid key, no authority), or a claim not in a state for it."""

    exit_code = 3

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class Conflict(XuefenError):
    """Another process changed the claim first."""

    exit_code = 4


class NotFound(XuefenError):
    exit_code = 2
