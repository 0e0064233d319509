"""Django admin access decided by our permission codes, not by Django's model permissions."""

from .policies import user_has_national_perm


class NationalPermissionMixin:
    """A ModelAdmin/inline usable only by holders of ``admin_permission_code`` nationally."""

    admin_permission_code = ""

    def has_module_permission(self, request):
        return user_has_national_perm(request.user, self.admin_permission_code)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)
