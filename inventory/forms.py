from django import forms
from django.utils.translation import gettext_lazy as _


class RunUploadForm(forms.Form):
    """Upload one inventory file; the format is read from its content."""

    file = forms.FileField(
        label=_("Inventory file"),
        help_text=_(
            "The inventory API's JSON response, a CoE Starter Kit CSV export (admin_app, "
            "admin_flow, admin_environment, admin_maker, admin_auditlog) or our CSV template."
        ),
    )
    is_full = forms.BooleanField(
        label=_("This file holds every resource of the tenant"),
        required=False,
        initial=True,
        help_text=_(
            "Solutions of the types the file covers that it leaves out are then retired (never "
            "deleted). Untick for a file with only some resources."
        ),
    )
