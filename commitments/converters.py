"""Ids in addresses and forms: whole numbers that fit the database's 64-bit integer columns.

A larger number is no id of anything, but handed to a query it is an error on SQLite ("Python int
too large to convert to SQLite INTEGER"), so it is turned away before any query: a 404 in an
address, an invalid choice in a form.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1  # the largest value of a BigAutoField (and of any integer column)


def as_id(value) -> int | None:
    """The id ``value`` spells in ASCII digits, or None ("²" and "١" are digits to str.isdigit)."""
    value = str(value if value is not None else "")
    # Counted before int(), which refuses more than 4,300 digits with a ValueError of its own.
    if not (value.isascii() and value.isdecimal()) or len(value.lstrip("0")) > len(str(MAX_ID)):
        return None
    number = int(value)
    return number if number <= MAX_ID else None


class IdConverter:
    """``<id:pk>``: like Django's ``<int:pk>``, but a number too large for an id does not match (404)."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = as_id(value)
        if number is None:
            raise ValueError(value)  # a converter's ValueError means "no match"
        return number

    def to_url(self, value) -> str:
        return str(int(value))
