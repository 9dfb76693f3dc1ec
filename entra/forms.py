"""The local password forms, which a setting turns off for everyone but superusers (break-glass)."""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import DepartmentRule, RoleMapping


def local_sign_in_allowed(username: str) -> bool:
    """With LOCAL_PASSWORD_SIGN_IN off only a superuser's name may go on to the password check
    (which django-axes still guards)."""
    return settings.LOCAL_PASSWORD_SIGN_IN or (
        User.objects.filter(username=username, is_superuser=True).exists()
    )


class LocalOnlyForSuperusersMixin:
    local_off_message = _("Password sign-in is turned off here: use “Sign in with Microsoft”.")

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and not local_sign_in_allowed(username):
            raise forms.ValidationError(self.local_off_message, code="local_sign_in_off")
        return super().clean()


class LocalSignInForm(LocalOnlyForSuperusersMixin, AuthenticationForm):
    pass


class AdminLocalSignInForm(LocalOnlyForSuperusersMixin, AdminAuthenticationForm):
    pass


class RoleMappingForm(forms.ModelForm):
    class Meta:
        model = RoleMapping
        fields = ["kind", "value", "role", "note"]

    def clean_value(self):
        value = self.cleaned_data["value"].strip()
        # Group object ids are GUIDs, compared in lower case; app role values are kept as typed.
        return value.lower() if self.cleaned_data.get("kind") == RoleMapping.Kind.GROUP else value


class DepartmentRuleForm(forms.ModelForm):
    class Meta:
        model = DepartmentRule
        fields = ["department", "business_unit"]

    def clean_department(self):
        return self.cleaned_data["department"].strip()
