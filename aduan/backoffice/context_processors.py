"""Template context for the back-office menu. The permission lookups run only when a
template actually reads the value (lazy callables), so public pages pay nothing."""

from django.utils.functional import SimpleLazyObject

from aduan.accounts.policies import user_has_perm_anywhere


def backoffice_nav(request):
    user = getattr(request, "user", None)

    def can_manage_directory() -> bool:
        if user is None or not user.is_authenticated:
            return False
        return user_has_perm_anywhere(user, "agency_manage") or user_has_perm_anywhere(user, "membership_manage")

    def has(code: str):
        def check() -> bool:
            return user is not None and user.is_authenticated and user_has_perm_anywhere(user, code)
        return SimpleLazyObject(check)

    return {
        "can_manage_directory": SimpleLazyObject(can_manage_directory),
        "can_operate_intake": has("intake_operate"),
        "can_manage_templates": has("notification_templates_manage"),
        "can_manage_budget": has("agency_manage"),
    }
