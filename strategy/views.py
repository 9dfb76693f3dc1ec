"""Pages for plans, objectives, key results, check-ins, initiatives and KPIs.

Everyone signed in reads plans and KPIs; CoE leads and admins change them (policy
"strategy.edit_plan" / "strategy.manage_kpi"); a key result's owner may check it in."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from accounts.policy import PolicyRequiredMixin, can, is_reader, require
from config.cached_lists import CachedResultsMixin, page_number

from . import services
from .forms import (
    CheckInForm,
    InitiativeForm,
    KeyResultForm,
    KeyResultFormSet,
    KpiForm,
    MeasurementForm,
    ObjectiveForm,
    PlanForm,
    PlanFromTemplateForm,
)
from .models import (
    Initiative,
    KeyResult,
    Kpi,
    Objective,
    Plan,
    PlanStep,
    PlanTemplate,
)
from .progress import STATUS_COLOURS, STATUS_LABELS


def annotate_kpi(kpi, latest_value):
    """Attach the KPI's status against its target (none without a target or a value)."""
    kpi.status_key = kpi.status(latest_value)
    kpi.status_text = STATUS_LABELS.get(kpi.status_key, "")
    kpi.status_colour = STATUS_COLOURS.get(kpi.status_key, "")
    return kpi


def annotate_key_result(kr, today):
    """Attach the figures a template shows (progress, expected, status) to a key result."""
    kr.progress_value = kr.progress()
    kr.expected_value = kr.expected_progress(today)
    kr.status_key = kr.status(today)
    kr.status_text = STATUS_LABELS[kr.status_key]
    kr.status_colour = STATUS_COLOURS[kr.status_key]
    return kr


# Plans ------------------------------------------------------------------------------------------


class PlanListView(PolicyRequiredMixin, CachedResultsMixin, ListView):
    """All plans with their progress, and the built-in templates to start a new one from. Every
    signed-in reader sees every plan: a page of the table is rendered once per data version."""

    permission_action = "strategy.view_plan"
    template_name = "strategy/plan_list.html"
    results_template = "strategy/_plan_rows.html"
    context_object_name = "plans"
    paginate_by = 25

    def get_queryset(self):
        return Plan.objects.visible_to(self.request.user).select_related(
            "owner", "sponsor", "business_unit"
        )

    def results_key(self) -> str | None:
        page = page_number(self.request)
        may_edit = can(self.request.user, "strategy.edit_plan")  # the empty table says what to do
        return None if page is None else f"plans:{page}:{may_edit:d}"

    def results_context(self, context):
        plans = context["plans"]
        progress = KeyResult.objects.alive().progress_by_plan([plan.pk for plan in plans])
        return {**context, "rows": [(plan, progress[plan.pk]) for plan in plans]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["templates"] = PlanTemplate.objects.only("key", "title", "summary")
        return context


class PlanDetailView(PolicyRequiredMixin, DetailView):
    """A plan: vision, checklist, objectives with their key results, and the roadmap."""

    permission_action = "strategy.view_plan"
    template_name = "strategy/plan_detail.html"
    context_object_name = "plan"
    slug_field = slug_url_kwarg = "uuid"

    def get_queryset(self):
        return (
            Plan.objects.visible_to(self.request.user)
            .for_detail()
            .prefetch_related(
                Prefetch("steps", queryset=PlanStep.objects.select_related("done_by")),
                Prefetch("initiatives", queryset=Initiative.objects.for_board()),
            )
            .select_related("template")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, today = self.object, timezone.localdate()
        for objective in plan.objective_list:
            for kr in objective.live_key_results:
                annotate_key_result(kr, today)
            objective.progress_value = objective.progress()
            objective.awaiting_value = objective.awaiting_check_in()
        context["today"] = today
        context["plan_progress"] = plan.progress()
        context["roadmap"] = [
            (label, [i for i in plan.initiatives.all() if i.horizon == value])
            for value, label in Initiative.Horizon.choices
        ]
        if can(self.request.user, "strategy.edit_plan", plan):
            context["deleted_key_results"] = (
                KeyResult.objects.deleted().filter(objective__plan=plan).select_related("objective")
            )
        return context


class PlanCreateView(PolicyRequiredMixin, FormView):
    permission_action = "strategy.edit_plan"
    template_name = "strategy/plan_form.html"
    form_class = PlanForm

    def get_initial(self):
        return {"owner": self.request.user}

    def form_valid(self, form):
        plan = services.plan_create(data=form.cleaned_data, actor=self.request.user)
        messages.success(self.request, _("Plan created. Add objectives and key results next."))
        return HttpResponseRedirect(plan.get_absolute_url())


class PlanObjectMixin:
    """Loads the plan named by the URL's uuid, among the plans the user may see (else 404)."""

    def get_plan(self) -> Plan:
        if not hasattr(self, "_plan"):
            self._plan = get_object_or_404(
                Plan.objects.visible_to(self.request.user), uuid=self.kwargs["uuid"]
            )
        return self._plan


class PlanUpdateView(PolicyRequiredMixin, PlanObjectMixin, FormView):
    permission_action = "strategy.edit_plan"
    template_name = "strategy/plan_form.html"
    form_class = PlanForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_plan()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.get_plan(), **kwargs)

    def form_valid(self, form):
        plan = self.get_plan()
        # form.instance already carries the new values; the service saves and audits them.
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        plan.refresh_from_db()
        services.plan_update(plan=plan, data=data, actor=self.request.user)
        messages.success(self.request, _("Plan saved."))
        return HttpResponseRedirect(plan.get_absolute_url())


class PlanFromTemplateView(PolicyRequiredMixin, FormView):
    """Create a plan from a built-in template, asking for the figure of every blank."""

    permission_action = "strategy.edit_plan"
    template_name = "strategy/plan_from_template.html"
    form_class = PlanFromTemplateForm

    def get_template_row(self) -> PlanTemplate:
        return get_object_or_404(PlanTemplate, key=self.kwargs["key"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "template": self.get_template_row()}

    def get_initial(self):
        today = timezone.localdate()
        return {"starts_on": today, "ends_on": today.replace(year=today.year + 1)}

    def form_valid(self, form):
        data = form.cleaned_data
        plan = services.plan_create_from_template(
            template=form.template,
            actor=self.request.user,
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            business_unit=data["business_unit"],
            sponsor=data["sponsor"],
            blanks=form.blanks(),
            objective_keys=data["objectives"],
        )
        messages.success(self.request, _("Plan created from the template. Everything is editable."))
        return HttpResponseRedirect(plan.get_absolute_url())


class PlanStepToggleView(PolicyRequiredMixin, PlanObjectMixin, View):
    permission_action = "strategy.edit_plan"

    def post(self, request, uuid, step):
        plan = self.get_plan()
        row = get_object_or_404(plan.steps, step=step)
        services.plan_step_set(
            step=row,
            done=request.POST.get("done") == "1",
            actor=request.user,
            note=request.POST.get("note", ""),
        )
        return HttpResponseRedirect(plan.get_absolute_url() + "#checklist")


# Objectives and key results ---------------------------------------------------------------------


class ObjectiveFormMixin(PolicyRequiredMixin):
    """An objective's fields plus a formset to add key results to it in the same step."""

    permission_action = "strategy.edit_plan"
    template_name = "strategy/objective_form.html"

    def formset(self, plan):
        initial = {"starts_on": plan.starts_on, "due_on": plan.ends_on}
        # Every block, including the ones added in the browser, starts with the plan's dates.
        return KeyResultFormSet(
            self.request.POST or None, prefix="kr", form_kwargs={"initial": initial}
        )

    def render_form(self, form, formset, plan, objective=None):
        return render(
            self.request,
            self.template_name,
            {"form": form, "formset": formset, "plan": plan, "objective": objective},
            status=400 if self.request.method == "POST" else 200,
        )

    def handle(self, plan, objective=None):
        form = ObjectiveForm(self.request.POST or None, instance=objective)
        formset = self.formset(plan)
        if self.request.method == "POST" and form.is_valid() and formset.is_valid():
            new_krs = [f.cleaned_data for f in formset if f.has_changed() and f.cleaned_data]
            services.objective_save(
                plan=plan,
                objective=objective,
                data={name: form.cleaned_data[name] for name in form.Meta.fields},
                key_results=new_krs,
                actor=self.request.user,
            )
            messages.success(self.request, _("Objective saved."))
            return HttpResponseRedirect(plan.get_absolute_url())
        return self.render_form(form, formset, plan, objective)


class ObjectiveCreateView(ObjectiveFormMixin, PlanObjectMixin, View):
    def get(self, request, uuid):
        return self.handle(self.get_plan())

    post = get


class ObjectiveUpdateView(ObjectiveFormMixin, View):
    def get_objective(self):
        return get_object_or_404(Objective.objects.select_related("plan"), uuid=self.kwargs["uuid"])

    def get(self, request, uuid):
        objective = self.get_objective()
        return self.handle(objective.plan, objective)

    post = get


class KeyResultDetailView(PolicyRequiredMixin, DetailView):
    """One key result: figures, status, check-in form, history as a table and a chart."""

    permission_action = "strategy.view_plan"
    template_name = "strategy/key_result_detail.html"
    context_object_name = "kr"
    slug_field = slug_url_kwarg = "uuid"

    def get_queryset(self):
        queryset = KeyResult.objects.visible_to(self.request.user).for_display()
        if not can(self.request.user, "strategy.edit_plan"):
            queryset = queryset.alive()  # deleted ones stay visible to those who may restore them
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kr = annotate_key_result(self.object, timezone.localdate())
        history = list(kr.check_ins.for_history())
        context["history"] = history
        context["chart"] = {
            "labels": [
                formats.date_format(timezone.localtime(c.created_at), "SHORT_DATE_FORMAT")
                for c in history
            ],
            "values": [float(c.value) for c in history],
            "target": float(kr.target),
            "baseline": float(kr.baseline),
            "unit": kr.get_unit_display(),
            # The legend's names, in the reader's language.
            "names": {
                "value": _("Value (%(unit)s)") % {"unit": kr.get_unit_display()},
                "target": _("Target"),
            },
        }
        if can(self.request.user, "strategy.check_in", kr) and not kr.is_deleted:
            context["check_in_form"] = kwargs.get("check_in_form") or CheckInForm(
                last_check_in=history[-1] if history else None
            )
        return context


class KeyResultObjectMixin:
    def get_key_result(self, alive=True) -> KeyResult:
        queryset = KeyResult.objects.visible_to(self.request.user).select_related("objective__plan")
        if alive:
            queryset = queryset.alive()
        return get_object_or_404(queryset, uuid=self.kwargs["uuid"])


class CheckInCreateView(PolicyRequiredMixin, KeyResultObjectMixin, View):
    """POST a new value; only the key result's owner, CoE leads and admins may (else 403)."""

    permission_action = "strategy.view_plan"

    def post(self, request, uuid):
        kr = self.get_key_result()
        require(request.user, "strategy.check_in", kr)
        form = CheckInForm(
            request.POST, last_check_in=kr.check_ins.order_by("created_at", "pk").last()
        )
        if not form.is_valid():
            view = KeyResultDetailView()
            view.setup(request, uuid=uuid)
            view.object = KeyResult.objects.for_display().get(pk=kr.pk)
            context = view.get_context_data(check_in_form=form)
            return view.render_to_response(context, status=400)
        services.key_result_check_in(key_result=kr, author=request.user, **form.cleaned_data)
        messages.success(request, _("Check-in saved."))
        return HttpResponseRedirect(kr.get_absolute_url())


class KeyResultUpdateView(PolicyRequiredMixin, KeyResultObjectMixin, FormView):
    permission_action = "strategy.edit_plan"
    template_name = "strategy/key_result_form.html"
    form_class = KeyResultForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_key_result()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(kr=self.get_key_result(), **kwargs)

    def form_valid(self, form):
        kr = self.get_key_result()
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.key_result_save(
            objective=kr.objective, key_result=kr, data=data, actor=self.request.user
        )
        messages.success(self.request, _("Key result saved."))
        return HttpResponseRedirect(kr.get_absolute_url())


class KeyResultCreateView(PolicyRequiredMixin, FormView):
    permission_action = "strategy.edit_plan"
    template_name = "strategy/key_result_form.html"
    form_class = KeyResultForm

    def get_objective(self):
        return get_object_or_404(Objective.objects.select_related("plan"), uuid=self.kwargs["uuid"])

    def get_initial(self):
        plan = self.get_objective().plan
        return {"starts_on": plan.starts_on, "due_on": plan.ends_on, "owner": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(objective=self.get_objective(), **kwargs)

    def form_valid(self, form):
        objective = self.get_objective()
        kr = services.key_result_save(
            objective=objective, data=form.cleaned_data, actor=self.request.user
        )
        messages.success(self.request, _("Key result added."))
        return HttpResponseRedirect(kr.get_absolute_url())


class KeyResultDeleteView(PolicyRequiredMixin, KeyResultObjectMixin, View):
    permission_action = "strategy.edit_plan"

    def post(self, request, uuid):
        kr = self.get_key_result()
        services.key_result_delete(key_result=kr, actor=request.user)
        messages.success(
            request,
            _("Key result “%(title)s” deleted. It can be restored from the plan.") % {"title": kr},
        )
        return HttpResponseRedirect(kr.objective.plan.get_absolute_url())


class KeyResultRestoreView(PolicyRequiredMixin, KeyResultObjectMixin, View):
    permission_action = "strategy.edit_plan"

    def post(self, request, uuid):
        kr = self.get_key_result(alive=False)
        services.key_result_restore(key_result=kr, actor=request.user)
        messages.success(
            request, _("Key result “%(title)s” restored with its check-ins.") % {"title": kr}
        )
        return HttpResponseRedirect(kr.get_absolute_url())


class CheckInDueListView(PolicyRequiredMixin, ListView):
    """Key results whose check-in is overdue for their frequency: all of them for readers
    (CoE, executives), the user's own for makers."""

    permission_action = "strategy.view_plan"
    template_name = "strategy/check_in_due.html"
    context_object_name = "key_results"
    paginate_by = 50

    def get_queryset(self):
        queryset = KeyResult.objects.visible_to(self.request.user).check_in_due(
            timezone.localdate()
        )
        if not is_reader(self.request.user) and self.request.GET.get("all") != "1":
            queryset = queryset.owned_by(self.request.user)
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(sees_all=is_reader(self.request.user), **kwargs)


# Initiatives ------------------------------------------------------------------------------------


class InitiativeFormView(PolicyRequiredMixin, FormView):
    permission_action = "strategy.edit_plan"
    template_name = "strategy/initiative_form.html"
    form_class = InitiativeForm
    initiative = None

    def get_plan(self):
        return get_object_or_404(
            Plan.objects.visible_to(self.request.user), uuid=self.kwargs["uuid"]
        )

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "plan": self.get_plan(),
            "instance": self.initiative,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.get_plan(), initiative=self.initiative, **kwargs)

    def form_valid(self, form):
        plan = self.get_plan()
        links = {name: form.cleaned_data[name] for name in ("objectives", "areas", "opportunities")}
        data = {name: form.cleaned_data[name] for name in form.Meta.fields if name not in links}
        services.initiative_save(
            plan=plan, initiative=self.initiative, data=data, links=links, actor=self.request.user
        )
        messages.success(self.request, _("Initiative saved."))
        return HttpResponseRedirect(plan.get_absolute_url() + "#roadmap")


class InitiativeCreateView(InitiativeFormView):
    pass


class InitiativeUpdateView(InitiativeFormView):
    def dispatch(self, request, *args, **kwargs):
        self.initiative = get_object_or_404(
            Initiative.objects.visible_to(request.user).select_related("plan"),
            uuid=kwargs["uuid"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_plan(self):
        return self.initiative.plan


# KPIs -------------------------------------------------------------------------------------------


class KpiListView(PolicyRequiredMixin, ListView):
    permission_action = "strategy.view_plan"
    template_name = "strategy/kpi_list.html"
    context_object_name = "kpis"
    paginate_by = 25

    def get_queryset(self):
        return (
            Kpi.objects.visible_to(self.request.user)
            .with_latest_measurement()
            .select_related("owner", "business_unit")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for kpi in context["kpis"]:
            annotate_kpi(kpi, kpi.latest_value)
        return context


class KpiDetailView(PolicyRequiredMixin, DetailView):
    permission_action = "strategy.view_plan"
    template_name = "strategy/kpi_detail.html"
    context_object_name = "kpi"
    slug_field = slug_url_kwarg = "uuid"

    def get_queryset(self):
        return Kpi.objects.visible_to(self.request.user).select_related("owner", "business_unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kpi = self.object
        measurements = list(kpi.measurements.select_related("recorded_by").order_by("measured_on"))
        context["measurements"] = measurements
        annotate_kpi(kpi, measurements[-1].value if measurements else None)
        context["key_results"] = kpi.key_results.alive().select_related("objective__plan")
        context["chart"] = {
            "labels": [
                formats.date_format(m.measured_on, "SHORT_DATE_FORMAT") for m in measurements
            ],
            "values": [float(m.value) for m in measurements],
            "unit": kpi.get_unit_display(),
            "names": {"value": _("Value (%(unit)s)") % {"unit": kpi.get_unit_display()}},
        }
        if can(self.request.user, "strategy.record_measurement", kpi):
            context["measurement_form"] = kwargs.get("measurement_form") or MeasurementForm(
                kpi=kpi, initial={"measured_on": timezone.localdate()}
            )
        return context


class KpiFormView(PolicyRequiredMixin, FormView):
    permission_action = "strategy.manage_kpi"
    template_name = "strategy/kpi_form.html"
    form_class = KpiForm
    kpi = None

    def dispatch(self, request, *args, **kwargs):
        if "uuid" in kwargs:
            self.kpi = get_object_or_404(Kpi.objects.visible_to(request.user), uuid=kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.kpi}

    def get_context_data(self, **kwargs):
        return super().get_context_data(kpi=self.kpi, **kwargs)

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        kpi = services.kpi_save(kpi=self.kpi, data=data, actor=self.request.user)
        messages.success(self.request, _("KPI saved."))
        return HttpResponseRedirect(kpi.get_absolute_url())


class MeasurementCreateView(PolicyRequiredMixin, View):
    """POST a KPI value; bound key results are checked in by the service."""

    permission_action = "strategy.view_plan"

    def post(self, request, uuid):
        kpi = get_object_or_404(Kpi.objects.visible_to(request.user), uuid=uuid)
        require(request.user, "strategy.record_measurement", kpi)
        form = MeasurementForm(request.POST, kpi=kpi)
        if not form.is_valid():
            view = KpiDetailView()
            view.setup(request, uuid=uuid)
            view.object = kpi
            return view.render_to_response(view.get_context_data(measurement_form=form), status=400)
        measurement = services.kpi_record_measurement(
            kpi=kpi, actor=request.user, **form.cleaned_data
        )
        count = measurement.check_ins.count()
        messages.success(
            request,
            ngettext(
                "Measurement saved; %(count)d key result checked in.",
                "Measurement saved; %(count)d key results checked in.",
                count,
            )
            % {"count": count}
            if count
            else _("Measurement saved."),
        )
        return HttpResponseRedirect(reverse("strategy:kpi_detail", kwargs={"uuid": kpi.uuid}))


# Plan the gap -----------------------------------------------------------------------------------


class PlanTheGapView(PolicyRequiredMixin, PlanObjectMixin, View):
    """From a submitted assessment's recommendations, turn the next-level opportunities of the
    chosen areas into proposed initiatives of this plan (strategy.services.
    initiatives_from_opportunities)."""

    permission_action = "strategy.edit_plan"
    template_name = "strategy/plan_the_gap.html"

    def get_assessment(self):
        from adoption.models import Assessment

        assessments = Assessment.objects.visible_to(self.request.user).submitted()
        uuid = self.request.GET.get("assessment") or self.request.POST.get("assessment")
        if uuid:
            try:
                return get_object_or_404(assessments, uuid=uuid), assessments
            except ValidationError as error:
                raise Http404 from error
        return assessments.first(), assessments

    def render_page(self, plan, assessment, assessments, form_errors=None, status=200):
        from adoption.services import assessment_recommendations

        recommendations = (
            [r for r in assessment_recommendations(assessment) if r.opportunities]
            if assessment
            else []
        )
        return render(
            self.request,
            self.template_name,
            {
                "plan": plan,
                "assessment": assessment,
                "assessments": assessments.select_related("subject")[:50],
                "recommendations": recommendations,
                "horizons": Initiative.Horizon.choices,
                "errors": form_errors or [],
            },
            status=status,
        )

    def get(self, request, uuid):
        assessment, assessments = self.get_assessment()
        return self.render_page(self.get_plan(), assessment, assessments)

    def post(self, request, uuid):
        from adoption.services import assessment_recommendations

        plan = self.get_plan()
        assessment, assessments = self.get_assessment()
        horizon = request.POST.get("horizon", "")
        chosen = set(request.POST.getlist("areas"))
        errors = []
        if assessment is None:
            errors.append(_("Choose a submitted assessment."))
        if horizon not in Initiative.Horizon.values:
            errors.append(_("Choose a horizon for the new initiatives."))
        if not chosen:
            errors.append(_("Choose at least one area."))
        if errors:
            return self.render_page(plan, assessment, assessments, errors, status=400)
        opportunities = [
            opportunity
            for recommendation in assessment_recommendations(assessment)
            if recommendation.area.key in chosen
            for opportunity in recommendation.opportunities
        ]
        created = services.initiatives_from_opportunities(
            plan=plan, opportunities=opportunities, owner=request.user, horizon=horizon
        )
        messages.success(
            request,
            (
                ngettext(
                    "%(count)d proposed initiative added to the roadmap.",
                    "%(count)d proposed initiatives added to the roadmap.",
                    len(created),
                )
                if len(created) == len(opportunities)
                else ngettext(
                    "%(count)d proposed initiative added to the roadmap; the others were already "
                    "there.",
                    "%(count)d proposed initiatives added to the roadmap; the others were already "
                    "there.",
                    len(created),
                )
            )
            % {"count": len(created)},
        )
        return HttpResponseRedirect(plan.get_absolute_url() + "#roadmap")
