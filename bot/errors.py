"""The one error tree of todobot.

::

    TodobotError
    ├── UserFacingError          safe to show as it is; the person can fix the input
    │   ├── InvalidInput         bad lengths, enums, arguments
    │   │   ├── InvalidDate      a due date that cannot be understood
    │   │   └── UnknownTimezone  not an IANA zone name
    │   ├── TaskNotFound         no task with that number or those words
    │   └── AmbiguousTask        words fit several tasks; carries the candidates
    └── InternalError            never shown in detail: logged, answered with an apology
        ├── ConfigError          settings or secrets missing or wrong
        ├── StorageError         the database failed
        │   ├── StorageUnavailable  could not reach the database at all
        │   └── StorageBusy      locked or slow: a lock, statement or pool wait ran out
        ├── ModelUnavailable     the model was unreachable, timed out, or kept failing
        └── PlatformError        Slack / Discord refused or failed

Adapters catch once, at their framework's hook (Bolt's ``app.error``, discord.py's
``on_error`` and the command tree's error handler): a ``UserFacingError`` becomes its message,
anything else a short apology and a log line with the conversation key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.tasks import Task


class TodobotError(Exception):
    """Root of every error todobot raises on purpose."""


class UserFacingError(TodobotError):
    """An error whose message is written for the person and safe to show."""

    code = "invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(UserFacingError):
    code = "invalid_input"


class InvalidDate(InvalidInput):
    code = "invalid_date"


class UnknownTimezone(InvalidInput):
    code = "unknown_timezone"


class RateLimited(InvalidInput):
    """Too many tries in a short time (link codes): refused until the window passes."""

    code = "rate_limited"


class TaskNotFound(UserFacingError):
    code = "not_found"


class AmbiguousTask(UserFacingError):
    code = "ambiguous"

    def __init__(self, message: str, candidates: Sequence[Task]) -> None:
        super().__init__(message)
        self.candidates = list(candidates)


class InternalError(TodobotError):
    """A failure of the machinery, not of the person's input."""


class ConfigError(InternalError):
    pass


class StorageError(InternalError):
    pass


class StorageUnavailable(StorageError):
    pass


class StorageBusy(StorageError):
    """The database is there but did not serve us in time (a lock held by other work, a
    statement or pool wait that ran out, or the turn's budget spent waiting on it)."""


class ModelUnavailable(InternalError):
    pass


class PlatformError(InternalError):
    pass
