"""One family of domain errors.

Every use case refuses by raising a subclass of :class:`DomainError` whose ``message`` is the Chinese text shown
to the user. The web layer maps each kind to one HTTP status (404, 403, 409, 422) and the command line to one
exit status, in one handler each, so no page, endpoint or command translates errors of its own.

An object outside the acting user's scope is reported as :class:`NotFound`, never :class:`Forbidden`: telling a
user "you may not see claim 42" would confirm that claim 42 exists. :class:`Forbidden` is for an object the user
can see but may not act on (a county clerk reading a post they may not edit).
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A use case refused. ``message`` is Chinese and says what is wrong; ``status`` is the HTTP analogue."""

    status = 400
    #: Set by :mod:`jobs.access.permissions` on a refusal it audited: the denial, to be written again by the
    #: web and command-line handlers once the refused transaction has been rolled back.
    audit: dict[str, object] | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The object does not exist, or the acting user may not see it (the two are indistinguishable by design)."""

    status = 404


class Forbidden(DomainError):
    """The user can see the object but may not do this to it."""

    status = 403


class Conflict(DomainError):
    """The object's current state forbids the change (a lifecycle move, a duplicate, a lost race)."""

    status = 409


class InvalidInput(DomainError):
    """The request's data are wrong. ``fields`` maps a field name to its Chinese messages."""

    status = 422

    def __init__(self, message: str, fields: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.fields: dict[str, list[str]] = {key: list(value) for key, value in (fields or {}).items()}

    @classmethod
    def field(cls, name: str, message: str) -> InvalidInput:
        """One field's error: the message names the field so it reads well on its own too."""
        return cls(message, {name: [message]})
