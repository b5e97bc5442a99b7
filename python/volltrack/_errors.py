"""The exception types of volltrack: one per stage, all deriving from :class:`VolltrackError`.

A ``VolltrackError`` message is one line naming the file, the place in it (row, element, axis) and
what was expected; the CLI prints it as is and exits with status 2.
"""

__all__ = ["InputError", "VolltrackError"]


class VolltrackError(Exception):
    """Base class of every error volltrack raises on bad input or settings."""


class InputError(VolltrackError, ValueError):
    """An input file, array or setting is not what the stage expects."""
