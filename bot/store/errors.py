"""What the store raises when the database cannot be used."""

from __future__ import annotations


class DatabaseProblem(Exception):
    """The database file cannot be used; the message is one line naming the file and the fix."""
