from . import navigation as nav


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .notifications import unread_count

    return {"nav_groups": nav.groups_for(user, request.path), "unread_notifications": unread_count(user)}
