"""Pages of the reports app: definitions, their snapshots, downloads and "generate now"."""

from django.contrib import messages
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from accounts.policy import PolicyRequiredMixin, can
from config.files import file_response
from config.jobs import is_queued

from . import services
from .forms import GenerateForm, ReportDefinitionForm
from .models import ReportDefinition, ReportSnapshot
from .tasks import snapshot_build_task


class DefinitionListView(PolicyRequiredMixin, ListView):
    permission_action = "reports.view_reports"
    template_name = "reports/definition_list.html"
    context_object_name = "definitions"

    def get_queryset(self):
        return (
            ReportDefinition.objects.select_related("scope_unit")
            .annotate(snapshot_count=Count("snapshots"), last_period=Max("snapshots__period_start"))
            .order_by("name")
        )


class DefinitionCreateView(PolicyRequiredMixin, CreateView):
    permission_action = "reports.manage_reports"
    template_name = "reports/definition_form.html"
    form_class = ReportDefinitionForm

    def form_valid(self, form):
        definition = services.definition_save(
            definition=ReportDefinition(), actor=self.request.user, data=form.cleaned_data
        )
        messages.success(self.request, gettext("Report defined and scheduled."))
        return redirect(definition)


class DefinitionUpdateView(PolicyRequiredMixin, UpdateView):
    permission_action = "reports.manage_reports"
    template_name = "reports/definition_form.html"
    form_class = ReportDefinitionForm
    slug_field = slug_url_kwarg = "uuid"
    queryset = ReportDefinition.objects.all()

    def form_valid(self, form):
        definition = ReportDefinition.objects.get(pk=self.object.pk)
        services.definition_save(
            definition=definition, actor=self.request.user, data=form.cleaned_data
        )
        messages.success(self.request, gettext("Report saved; its schedule is updated."))
        return redirect(definition)


class DefinitionDetailView(PolicyRequiredMixin, DetailView):
    """A report: its settings, its snapshots with downloads and failures, and "generate now"."""

    permission_action = "reports.view_reports"
    template_name = "reports/definition_detail.html"
    context_object_name = "definition"
    slug_field = slug_url_kwarg = "uuid"

    def get_queryset(self):
        return ReportDefinition.objects.select_related("scope_unit", "periodic_task")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["snapshots"] = self.object.snapshots.all()[:60]
        if can(self.request.user, "reports.manage_reports"):
            context.setdefault(
                "generate_form",
                GenerateForm(definition=self.object, today=timezone.localdate()),
            )
        return context


class DefinitionGenerateView(PolicyRequiredMixin, View):
    """POST: generate the report for a chosen past period now (in the background)."""

    permission_action = "reports.manage_reports"
    http_method_names = ["post"]

    def post(self, request, uuid):
        definition = get_object_or_404(ReportDefinition, uuid=uuid)
        form = GenerateForm(request.POST, definition=definition, today=timezone.localdate())
        if not form.is_valid():
            messages.error(request, gettext("Pick one of the listed periods."))
            return redirect(definition)
        start, end = form.cleaned_data["period"]
        snapshot, created = services.snapshot_request(
            definition=definition, start=start, end=end, requested_by=request.user
        )
        waiting = snapshot.status == ReportSnapshot.Status.PENDING
        if waiting and is_queued(snapshot_build_task, snapshot.pk):
            # Saved, but the broker did not take the job: say so rather than "generating".
            messages.warning(
                request,
                gettext(
                    "Queued the report for %(period)s; it will start as soon as the job queue "
                    "answers."
                )
                % {"period": snapshot.period_label},
            )
        elif created:
            messages.success(
                request,
                gettext("Generating the report for %(period)s.")
                % {"period": snapshot.period_label},
            )
        elif snapshot.status == ReportSnapshot.Status.PENDING:
            messages.info(
                request,
                gettext("Generating the report for %(period)s again.")
                % {"period": snapshot.period_label},
            )
        else:
            messages.info(
                request,
                gettext(
                    "The report for %(period)s exists already; reports are not changed once "
                    "generated."
                )
                % {"period": snapshot.period_label},
            )
        return redirect(definition)


class SnapshotDetailView(PolicyRequiredMixin, DetailView):
    permission_action = "reports.view_reports"
    template_name = "reports/snapshot_detail.html"
    context_object_name = "snapshot"
    slug_field = slug_url_kwarg = "uuid"

    def get_queryset(self):
        return ReportSnapshot.objects.select_related("definition")


class SnapshotDownloadView(PolicyRequiredMixin, View):
    """A snapshot's HTML, PDF or CSV file, to readers only (not through the public media URL)."""

    permission_action = "reports.view_reports"
    FILES = {
        "html": ("html_file", "text/html; charset=utf-8"),
        "pdf": ("pdf_file", "application/pdf"),
        "csv": ("csv_file", "text/csv; charset=utf-8"),
    }

    def get(self, request, uuid, fmt):
        if fmt not in self.FILES:
            raise Http404
        snapshot = get_object_or_404(ReportSnapshot, uuid=uuid, status=ReportSnapshot.Status.DONE)
        field_name, content_type = self.FILES[fmt]
        file = getattr(snapshot, field_name)
        if not file:
            raise Http404
        if fmt == "html":
            # Shown in the browser, inert: no scripts, no requests, only its own styles.
            inert = "default-src 'none'; style-src 'unsafe-inline'"
            return file_response(
                file, content_type=content_type, headers={"Content-Security-Policy": inert}
            )
        return file_response(file, content_type=content_type, as_attachment=True)
