"""What every page's menu shows besides its links: the work waiting for the user."""

from .permissions import Roles


def roles(request) -> dict:
    """``roles``: the signed-in user's Roles, whose counts (updates due, reviews waiting) are read
    only when the menu shows them, once per page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"roles": Roles(user)}
