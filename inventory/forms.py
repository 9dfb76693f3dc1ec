from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import BusinessUnit
from value.models import Solution

from .models import MappingRule, WelcomeMessage


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


class MappingRuleForm(forms.ModelForm):
    """A rule sending an environment's solutions to a business unit, named by its slug (a text
    field: an organisation may have hundreds of units)."""

    unit = forms.SlugField(
        label=_("Business unit (slug)"),
        help_text=_("The unit's short name as in its address, e.g. finance."),
    )

    class Meta:
        model = MappingRule
        fields = ["position", "match_on", "value"]

    def clean_unit(self):
        slug = self.cleaned_data["unit"]
        unit = BusinessUnit.objects.filter(slug=slug).first()
        if unit is None:
            raise forms.ValidationError(_("No business unit has this slug."))
        return unit

    def clean_value(self):
        return self.cleaned_data["value"].strip()


class WelcomeMessageForm(forms.ModelForm):
    class Meta:
        model = WelcomeMessage
        fields = ["subject", "body", "is_enabled"]
        labels = {
            "subject": _("Subject"),
            "body": _("Text"),
            "is_enabled": _("Send welcome e-mails to new makers"),
        }


class CatalogFilterForm(forms.Form):
    """The catalog's filters (GET); every field optional, every one a plain input or a short
    list, never a list of thousands of units or people."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *Solution.Kind.choices]
    )
    unit = forms.SlugField(label=_("Business unit (slug)"), required=False)
    environment = forms.CharField(label=_("Environment"), required=False, max_length=120)
    owner = forms.CharField(label=_("Owner (user name or e-mail)"), required=False, max_length=150)
    usage = forms.ChoiceField(
        label=_("Usage"),
        required=False,
        choices=[
            ("", _("Any")),
            ("used", _("Used in the last 3 months")),
            ("unused", _("Not used in the last 3 months")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if is_select else ("form-control form-control-sm")
            )
