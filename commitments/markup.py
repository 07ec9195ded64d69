"""HTML written in Python for the pages' longest lists: the register's rows and its filters' options."""

import html

from django.utils.safestring import SafeString, mark_safe


def cell_html(format_string: str, *args) -> SafeString:
    """``format_html`` for values written by the thousand (a register page has some 1,400 in its rows
    and 750 in its filters' options): the same escaping (``conditional_escape``: a value with
    ``__html__`` as it is, any other through ``html.escape``) without the check for lazy
    translations that Django's ``escape()`` makes on each call, which took a third of the rows' time."""
    escaped = (arg.__html__() if hasattr(arg, "__html__") else html.escape(str(arg)) for arg in args)
    return mark_safe(format_string.format(*escaped))  # noqa: S308  (every argument is escaped)
