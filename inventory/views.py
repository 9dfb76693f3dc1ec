"""Pages of the tenant inventory: upload, preview with its diff, confirm, live progress, history."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from accounts.policy import PolicyRequiredMixin
from config.api import csv_safe

from . import services
from .forms import RunUploadForm
from .models import ImportChange, ImportRun
from .progress import progress_get
from .sources import FileRejected
from .sources.csvfiles import TEMPLATE_COLUMNS, USAGE_TEMPLATE_COLUMNS

MANAGE = "inventory.manage_imports"


class RunListView(LoginRequiredMixin, PolicyRequiredMixin, ListView):
    """The history of import runs: who, when, source, counts, duration, errors."""

    permission_action = MANAGE
    template_name = "inventory/run_list.html"
    paginate_by = 25

    def get_queryset(self):
        return ImportRun.objects.visible_to(self.request.user).for_list()


class RunUploadView(LoginRequiredMixin, PolicyRequiredMixin, FormView):
    permission_action = MANAGE
    template_name = "inventory/run_upload.html"
    form_class = RunUploadForm

    def form_valid(self, form):
        try:
            run = services.run_start(
                file=form.cleaned_data["file"],
                file_name=form.cleaned_data["file"].name,
                source=ImportRun.Source.UPLOAD,
                is_full=form.cleaned_data["is_full"],
                actor=self.request.user,
            )
        except FileRejected as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        return redirect(run)


class RunDetailView(LoginRequiredMixin, PolicyRequiredMixin, DetailView):
    """A run's diff, 50 changes a page, filtered by action; its progress while it works."""

    permission_action = MANAGE
    template_name = "inventory/run_detail.html"
    slug_field = slug_url_kwarg = "uuid"

    def get_queryset(self):
        return ImportRun.objects.visible_to(self.request.user).for_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action = self.request.GET.get("action", "")
        changes = self.object.changes.all()
        if action in ImportChange.Action.values:
            changes = changes.filter(action=action)
        page = Paginator(changes, 50).get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page,
            action=action,
            actions=ImportChange.Action.choices,
            progress=progress_get(self.object),
        )
        return context


class RunProgressView(RunDetailView):
    """The progress panel alone, polled by htmx; a finished run reloads the whole page."""

    template_name = "inventory/_run_progress.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        response = self.render_to_response(
            {"run": self.object, "progress": progress_get(self.object)}
        )
        if not self.object.is_working and request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"
        return response


class RunActionView(LoginRequiredMixin, PolicyRequiredMixin, View):
    """POST-only: confirm or cancel a previewed run."""

    permission_action = MANAGE
    action = ""

    def post(self, request, uuid):
        run = get_object_or_404(ImportRun.objects.visible_to(request.user), uuid=uuid)
        try:
            if self.action == "confirm":
                services.run_confirm(run=run, actor=request.user)
                messages.success(request, _("Import confirmed: it runs now."))
            else:
                services.run_cancel(run=run, actor=request.user)
                messages.info(request, _("The run was cancelled; nothing was imported."))
        except (services.RunBusy, services.RunStateError) as exc:
            messages.error(request, str(exc))
        return redirect(run)


class TemplateDownloadView(LoginRequiredMixin, PolicyRequiredMixin, View):
    """Our CSV templates: the inventory (or, with ?kind=usage, monthly usage) with one example."""

    permission_action = MANAGE

    def get(self, request):
        if request.GET.get("kind") == "usage":
            columns, example = (
                USAGE_TEMPLATE_COLUMNS,
                ["0d5e8f3a-6b1c-4a7e-9f20-3c4d5e6f7a81", "2026-01", "0", "420", "35"],
            )
            name = "usage-template.csv"
        else:
            columns = TEMPLATE_COLUMNS
            example = [
                "0d5e8f3a-6b1c-4a7e-9f20-3c4d5e6f7a81",
                "microsoft.powerapps/canvasapps",
                "Expense Report App",
                "8c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f",
                "Finance Prod",
                "aaaa0000-bb11-2222-33cc-444444dddddd",
                "jane@contoso.com",
                "2025-06-01T08:00:00Z",
                "2026-01-15T10:30:00Z",
                "",
                "",
            ]
            name = "inventory-template.csv"
        body = ",".join(columns) + "\r\n" + ",".join(csv_safe(v) for v in example) + "\r\n"
        response = HttpResponse(body.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
