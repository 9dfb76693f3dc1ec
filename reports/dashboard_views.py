"""The executive dashboard page and its PDF: one set of figures (reports.dashboard) for a unit
and a period chosen in a GET form that works without JavaScript."""

from django import forms
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from accounts.policy import PolicyRequiredMixin

from . import dashboard
from .dashboard_panels import render_panels
from .services import render_pdf


class DashboardFilterForm(forms.Form):
    """The business-unit and period selectors (GET); unknown values are field errors."""

    unit = forms.ChoiceField(label=_("Business unit"), required=False)
    period = forms.ChoiceField(
        label=_("Period"), required=False, choices=list(dashboard.PERIODS.items())
    )

    def __init__(self, *args, units: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Whole organisation"))] + [
            (row["slug"], "\u2003" * row["depth"] + row["name"]) for row in units
        ]


class DashboardMixin(PolicyRequiredMixin):
    """Reads the selectors and computes (or takes from the cache) the figures."""

    permission_action = "reports.view_dashboard"

    def load(self) -> tuple[DashboardFilterForm, dict | None]:
        units = dashboard.unit_choices()
        form = DashboardFilterForm(self.request.GET or None, units=units)
        if self.request.GET and not form.is_valid():
            return form, None
        params = form.cleaned_data if form.is_bound else {}
        self.unit = dashboard.resolve_unit(params.get("unit") or None, units)
        self.period = params.get("period") or dashboard.DEFAULT_PERIOD
        return form, dashboard.cached_dashboard_figures(
            unit=self.unit, period_key=self.period, units=units
        )


class DashboardView(DashboardMixin, TemplateView):
    """The executive dashboard: maturity, strategy, value, stories and adoption on one page."""

    template_name = "reports/dashboard.html"

    def get(self, request, *args, **kwargs):
        form, data = self.load()
        context = self.get_context_data(form=form, data=data)
        chosen = {"unit": form["unit"].value() or "", "period": form["period"].value()}
        chosen["period"] = chosen["period"] or dashboard.DEFAULT_PERIOD
        context["period_options"] = [
            (value, label, str(value) == str(chosen["period"]))
            for value, label in form.fields["period"].choices
        ]
        # The unit is searched as you type (config.pickers): only the choice shown is rendered.
        context["unit_options"] = [
            (value, label.strip(), True)
            for value, label in form.fields["unit"].choices
            if value and value == chosen["unit"]
        ]
        if data is not None:
            context["panels"] = dashboard.cached_dashboard_panels(
                unit=self.unit, period_key=self.period, render=lambda: render_panels(data)
            )
        # A bad selector value is the caller's mistake: 400, with the reason next to the field.
        return self.render_to_response(context, status=200 if data is not None else 400)


class DashboardPdfView(DashboardMixin, TemplateView):
    """The same figures as the page, rendered to PDF by WeasyPrint (tables instead of charts)."""

    def get(self, request, *args, **kwargs):
        _form, data = self.load()
        if data is None:
            return HttpResponse(
                gettext("Unknown business unit or period."), status=400, content_type="text/plain"
            )
        html = render_to_string("reports/dashboard_pdf.html", {"data": data}, request=request)
        response = HttpResponse(render_pdf(html), content_type="application/pdf")
        slug = data["scope"]["slug"] or "organisation"
        response["Content-Disposition"] = (
            f'attachment; filename="dashboard-{slug}-{data["period"]["key"]}.pdf"'
        )
        return response
