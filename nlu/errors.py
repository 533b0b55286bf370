"""The one base of every error a person can act on, caught once at the command line's edge.

``CandorError`` lives in ``nlu`` because ``nlu`` is the lowest of the three packages: ``knowledge``
imports ``nlu``, and ``bot`` imports both, while ``nlu`` imports neither. Each package derives its
own errors (``ConfigError``, ``DatasetError``, ``KnowledgeError``, ...) from this base without an
import that points upwards. ``candor`` catches ``CandorError`` alone and prints its message; any
other exception, a ``ValueError`` from a library bug included, keeps its traceback.
"""

from __future__ import annotations


class CandorError(Exception):
    """Something the person running Candor can fix; the message says what and how."""


class UsageError(CandorError):
    """A command was given an argument it cannot use (a bad --languages, a missing customer id)."""
