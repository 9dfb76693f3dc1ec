"""The kind of refusal a service raises when the object's current state does not allow a step
(approving an approved story, answering a submitted assessment), as opposed to bad input.

A service's error class for such a case also subclasses StateConflict; pages show its message as
before, and the API answers 409 Conflict instead of 400 (config.api.refused)."""


class StateConflict(Exception):
    """A step the object's current state does not allow; mixed into a service's error class."""
