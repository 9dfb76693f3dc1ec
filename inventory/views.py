"""Pages of the tenant inventory: upload, preview with its diff, confirm, live progress, history."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from accounts.policy import PolicyRequiredMixin, is_coe
from config.api import csv_safe

from . import mapping, services, tokens
from .catalog import catalog_queryset, flag_duplicates
from .forms import CatalogFilterForm, MappingRuleForm, RunUploadForm, WelcomeMessageForm
from .models import (
    ApiConnection,
    Environment,
    ImportChange,
    ImportRun,
    MakerWelcome,
    MappingRule,
    WelcomeMessage,
)
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


class MappingRuleListView(LoginRequiredMixin, PolicyRequiredMixin, FormView):
    """The mapping rules with what each maps now; each rule can be changed in place (with a
    preview of what the changed rule would map); the form below adds a rule, or previews it."""

    permission_action = MANAGE
    template_name = "inventory/mapping_rules.html"
    form_class = MappingRuleForm

    def get_context_data(self, editing=None, edit_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        rules = MappingRule.objects.select_related("business_unit")
        previews = mapping.rule_preview(rules)
        for item in previews:
            rule = item["rule"]
            if editing is not None and rule.pk == editing.pk:
                item["form"], item["open"] = edit_form, True
            else:
                item["form"] = MappingRuleForm(
                    instance=rule, initial={"unit": rule.business_unit.slug}, prefix=_prefix(rule)
                )
        context["previews"] = previews
        context["environment_count"] = Environment.objects.count()
        return context

    def form_valid(self, form):
        rule = form.save(commit=False)
        if "preview" in self.request.POST:
            rule.business_unit = form.cleaned_data["unit"]
            # The proposed rule, tried before the others, shows what it would take.
            preview = mapping.rule_preview([rule])[0]
            return self.render_to_response(self.get_context_data(form=form, proposed=preview))
        services.mapping_rule_save(
            rule=rule, unit=form.cleaned_data["unit"], actor=self.request.user
        )
        messages.success(self.request, _("Rule added."))
        return redirect("inventory:mapping_rules")


def _prefix(rule: MappingRule) -> str:
    return f"rule-{rule.pk}"


class MappingRuleEditView(MappingRuleListView):
    """Change one rule where it stands in the list (POST), or preview the change first."""

    http_method_names = ["post"]

    def post(self, request, uuid):
        rule = get_object_or_404(MappingRule.objects.select_related("business_unit"), uuid=uuid)
        form = MappingRuleForm(request.POST, instance=rule, prefix=_prefix(rule))
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(form=MappingRuleForm(), editing=rule, edit_form=form),
                status=400,
            )
        changed = form.save(commit=False)
        if "preview" in request.POST:
            changed.business_unit = form.cleaned_data["unit"]
            preview = mapping.rule_preview([changed])[0]
            # What the list shows stays what is stored: read the rule again for the others.
            context = self.get_context_data(form=MappingRuleForm(), editing=changed, edit_form=form)
            context["edit_preview"] = preview
            return self.render_to_response(context)
        services.mapping_rule_save(rule=changed, unit=form.cleaned_data["unit"], actor=request.user)
        messages.success(request, _("Rule changed."))
        return redirect("inventory:mapping_rules")


class MappingRuleDeleteView(LoginRequiredMixin, PolicyRequiredMixin, View):
    permission_action = MANAGE

    def post(self, request, uuid):
        rule = get_object_or_404(MappingRule, uuid=uuid)
        services.mapping_rule_delete(rule=rule, actor=request.user)
        messages.info(request, _("Rule removed."))
        return redirect("inventory:mapping_rules")


class ApiConnectionView(LoginRequiredMixin, PolicyRequiredMixin, TemplateView):
    """The inventory API connection: who connected it, when its token lapses, Sync now."""

    permission_action = MANAGE
    template_name = "inventory/api_connection.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "connection": ApiConnection.objects.filter(pk=1).select_related("connected_by").first(),
            "configured": tokens.is_configured(),
            "last_sync": ImportRun.objects.filter(source=ImportRun.Source.SYNC).first(),
        }


class ApiConnectStartView(LoginRequiredMixin, PolicyRequiredMixin, View):
    """POST: send the admin to Entra to sign in (authorization code with PKCE)."""

    permission_action = "inventory.connect_api"

    def post(self, request):
        try:
            address = tokens.connect_start(
                session=request.session,
                redirect_uri=request.build_absolute_uri(reverse("inventory:api_callback")),
            )
        except tokens.TokenError as exc:
            messages.error(request, str(exc))
            return redirect("inventory:api_connection")
        return redirect(address)


class ApiConnectCallbackView(LoginRequiredMixin, PolicyRequiredMixin, View):
    """Entra sends the admin back here with the code (or an error)."""

    permission_action = "inventory.connect_api"

    def get(self, request):
        params = {key: request.GET[key] for key in request.GET}
        try:
            tokens.connect_finish(session=request.session, params=params, actor=request.user)
        except tokens.TokenError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The inventory API is connected."))
        return redirect("inventory:api_connection")


class ApiRevokeView(LoginRequiredMixin, PolicyRequiredMixin, View):
    permission_action = "inventory.connect_api"

    def post(self, request):
        tokens.revoke(actor=request.user)
        messages.info(request, _("The stored token is gone; connect again to sync."))
        return redirect("inventory:api_connection")


class SyncNowView(LoginRequiredMixin, PolicyRequiredMixin, View):
    permission_action = MANAGE

    def post(self, request):
        run = services.sync_create(actor=request.user)
        return redirect(run)


class WelcomeView(LoginRequiredMixin, PolicyRequiredMixin, FormView):
    """The new makers' welcome e-mail: its text, and who got it (25 a page)."""

    permission_action = MANAGE
    template_name = "inventory/welcome.html"
    form_class = WelcomeMessageForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": WelcomeMessage.current()}

    def get_context_data(self, **kwargs):
        welcomes = MakerWelcome.objects.select_related("user").order_by("-created_at")
        page = Paginator(welcomes, 25).get_page(self.request.GET.get("page"))
        return {**super().get_context_data(**kwargs), "page_obj": page}

    def form_valid(self, form):
        services.welcome_message_save(form=form, actor=self.request.user)
        messages.success(self.request, _("Welcome e-mail saved."))
        return redirect("inventory:welcome")


class CatalogView(LoginRequiredMixin, PolicyRequiredMixin, TemplateView):
    """The app catalog: live solutions, filtered, 25 a page; the CoE sees near-duplicates."""

    permission_action = "inventory.view_catalog"
    template_name = "inventory/catalog.html"

    def get_context_data(self, **kwargs):
        form = CatalogFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        rows = catalog_queryset(**{k: v for k, v in filters.items() if v})
        # Paged by id, then the page's rows read with their usage and stories: PostgreSQL works
        # out the subqueries of every row an OFFSET skips too (page 900: 450 → 30 ms).
        page = Paginator(rows.values_list("pk", flat=True), 25).get_page(
            self.request.GET.get("page")
        )
        page.object_list = list(rows.filter(pk__in=list(page.object_list)))
        show_duplicates = is_coe(self.request.user)
        if show_duplicates:
            flag_duplicates(page.object_list)
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page_obj": page,
            "show_duplicates": show_duplicates,
            "query_string": query.urlencode(),
        }
