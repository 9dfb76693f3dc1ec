"""Pages of the value app: overview, solution inventory, value records, calculator, costs."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.db.models import Q, Sum
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from accounts.models import BusinessUnit, Organisation
from accounts.policy import PolicyRequiredMixin, can, is_reader, require
from accounts.templatetags.numbers import money
from config.cached_lists import CachedResultsMixin, page_number

from . import calculator, figures, services
from .forms import (
    CalculatorForm,
    PeriodForm,
    ProgrammeCostForm,
    SolutionForm,
    SolutionImportForm,
    UnitCostForm,
    ValueRecordForm,
)
from .models import ProgrammeCost, Solution, UnitCost, ValueRecord


def default_period(today: date | None = None) -> tuple[date, date]:
    """The twelve complete months before the current one."""
    today = today or date.today()
    end = figures.month_start(today) - timedelta(days=1)
    start_year, start_month = (end.year, end.month - 11)
    if start_month < 1:
        start_year, start_month = start_year - 1, start_month + 12
    return date(start_year, start_month, 1), end


class ValueOverviewView(PolicyRequiredMixin, FormView):
    """Value, cost and ROI of the organisation or one unit over a period."""

    permission_action = "value.view_value"
    template_name = "value/overview.html"
    form_class = PeriodForm

    def get_form_kwargs(self):
        start, end = default_period()
        return {"data": self.request.GET or None, "initial": {"start": start, "end": end}}

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        start, end = default_period()
        unit = None
        if form.is_bound and form.is_valid():
            unit = form.cleaned_data["unit"]
            start = form.cleaned_data["start"] or start
            end = figures.month_end(form.cleaned_data["end"] or end)
            if end < start:
                start, end = default_period()

        def render() -> str:  # the figures are read only when their panels are not kept
            result = figures.cached_roi_figures(unit, start, end)
            trend = {
                "labels": [date_format(row.month, "YEAR_MONTH_FORMAT") for row in result.by_month],
                "value": [float(row.figures.value) for row in result.by_month],
                "cost": [float(row.figures.cost) for row in result.by_month],
                "series": {"value": gettext("Value"), "cost": gettext("Cost")},
                "locale": get_language() or "en-gb",
            }
            context = {"result": result, "scope_unit": unit, "trend": trend}
            return render_to_string("value/_overview_panels.html", context, request=request)

        panels = figures.cached_roi_panels(unit, start, end, render)
        return self.render_to_response(self.get_context_data(form=form, panels=panels))


class SolutionListView(PolicyRequiredMixin, CachedResultsMixin, ListView):
    """The inventory: all solutions for readers, their own for makers. Readers all see the same
    rows, so a page of them (no search text) is rendered once per data version."""

    permission_action = "value.list_solutions"
    template_name = "value/solution_list.html"
    results_template = "value/_solution_rows.html"
    context_object_name = "solutions"
    paginate_by = 25

    def get_queryset(self):
        solutions = Solution.objects.visible_to(self.request.user).for_list()
        query = self.request.GET.get("q", "").strip()
        if query:
            solutions = solutions.filter(Q(name__icontains=query) | Q(environment__icontains=query))
        self.unit = None
        unit_slug = self.request.GET.get("unit", "")
        if unit_slug:
            self.unit = BusinessUnit.objects.filter(slug=unit_slug).first()
            if self.unit is not None:
                solutions = solutions.filter(
                    business_unit_id__in=BusinessUnit.objects.subtree_ids(self.unit)
                )
        return solutions.order_by("name", "id")

    def results_key(self) -> str | None:
        page = page_number(self.request)
        user = self.request.user
        if page is None or self.request.GET.get("q", "").strip() or not is_reader(user):
            return None  # a search, or a maker's own solutions
        # The empty inventory offers what the reader may do about it.
        may = f"{can(user, 'value.create_solution'):d}{can(user, 'value.import_solutions'):d}"
        return f"solutions:{self.unit.slug if self.unit else ''}:{page}:{may}"

    def results_context(self, context):
        # Value to date for the rows of this page only: one grouped query over their records,
        # instead of joining every value record to every solution before paginating.
        page = list(context["solutions"])  # evaluated once; the template reuses these rows
        totals = dict(
            ValueRecord.objects.filter(solution_id__in=[solution.pk for solution in page])
            .values_list("solution_id")
            .annotate(total=Sum("amount"))
        )
        for solution in page:
            solution.value_to_date = totals.get(solution.pk)
        return {**context, **self._filters(), "solutions": page, "object_list": page}

    def _filters(self) -> dict:
        unit_slug = self.unit.slug if self.unit else ""  # the pagination links keep the filter
        return {"unit": self.unit, "unit_slug": unit_slug, "query": self.request.GET.get("q", "")}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self._filters()}


class SolutionCreateView(PolicyRequiredMixin, CreateView):
    permission_action = "value.create_solution"
    template_name = "value/solution_form.html"
    form_class = SolutionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        data.setdefault("owner", self.request.user)  # a maker's new solution is their own
        solution = services.solution_save(solution=Solution(), actor=self.request.user, data=data)
        messages.success(
            self.request,
            gettext("%(solution)s added to the inventory.") % {"solution": solution},
        )
        return redirect(solution)


class SolutionDetailView(PolicyRequiredMixin, DetailView):
    permission_action = "value.list_solutions"
    object_permission_action = "value.view_solution"
    template_name = "value/solution_detail.html"
    context_object_name = "solution"
    slug_field = slug_url_kwarg = "uuid"

    def get_queryset(self):
        return Solution.objects.visible_to(self.request.user).for_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        solution = self.object
        start, end = default_period()
        context["year"] = figures.solution_figures(solution, start, end)
        context["period"] = (start, end)
        first = solution.go_live_on or solution.created_at.date()
        context["to_date"] = figures.solution_figures(solution, min(first, start), end)
        context["currency"] = Organisation.current().currency
        context["records"] = solution.value_records.select_related("recorded_by")[:36]
        context["may_edit"] = can(self.request.user, "value.edit_solution", solution)
        context["may_record"] = can(self.request.user, "value.record_value", solution)
        context["may_verify"] = can(self.request.user, "value.verify_value")
        return context


class SolutionUpdateView(PolicyRequiredMixin, UpdateView):
    permission_action = "value.list_solutions"
    object_permission_action = "value.edit_solution"
    template_name = "value/solution_form.html"
    form_class = SolutionForm
    slug_field = slug_url_kwarg = "uuid"

    def get_queryset(self):
        return Solution.objects.visible_to(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        solution = Solution.objects.get(pk=self.object.pk)  # the unmodified row
        services.solution_save(solution=solution, actor=self.request.user, data=form.cleaned_data)
        messages.success(self.request, gettext("Solution saved."))
        return redirect(solution)


class _RecordValueMixin(PolicyRequiredMixin):
    permission_action = "value.record_value"

    def solutions(self):
        return Solution.objects.editable_by(self.request.user).select_related("business_unit")

    def get_initial(self):
        initial = {"month": date.today().replace(day=1), "source": "maker_estimate"}
        solution = self.solutions().filter(uuid=self.request.GET.get("solution") or None).first()
        if solution is not None:
            initial["solution"] = solution
            initial["runs"] = solution.monthly_runs or None
        return initial

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "solutions": self.solutions(),
        }

    def save_record(self, form, **amounts):
        data = form.cleaned_data
        require(self.request.user, "value.record_value", data["solution"])
        try:
            record = services.value_record_create(
                solution=data["solution"],
                month=data["month"],
                actor=self.request.user,
                source=data["source"],
                note=data.get("note", ""),
                **amounts,
            )
        except services.ValueRecordError as exc:
            form.add_error("hourly_rate", str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Recorded %(amount)s for %(solution)s in %(month)s.")
            % {
                "amount": money(record.amount),
                "solution": record.solution,
                "month": date_format(record.month, "YEAR_MONTH_FORMAT"),
            },
        )
        return redirect(record.solution)


class ValueRecordCreateView(_RecordValueMixin, FormView):
    template_name = "value/value_record_form.html"
    form_class = ValueRecordForm

    def form_valid(self, form):
        data = form.cleaned_data
        return self.save_record(
            form,
            hours_saved=data["hours_saved"],
            hourly_rate=data["hourly_rate"],
            cost_avoided=data["cost_avoided"],
            revenue=data["revenue"],
            other_value=data["other_value"],
        )


class CalculatorView(_RecordValueMixin, FormView):
    """Before/after and usage-weighted value calculator. "Calculate" shows the result;
    "Save as value record" stores it for the solution and month."""

    template_name = "value/calculator.html"
    form_class = CalculatorForm

    def calculate(self, data) -> calculator.Calculation | None:
        solution = data["solution"]
        rate = data["hourly_rate"]
        if rate is None:
            rate = services.staff_hour_rate(solution.business_unit)
        method = data["method"]
        if method == CalculatorForm.Method.COUNT:
            return calculator.cost_reduced(
                before=data["before"],
                after=data["after"],
                volume=data["volume"],
                unit_cost=data["unit_cost"].amount,
                hourly_rate=rate or Decimal("0"),
            )
        if rate is None:
            return None
        if method == CalculatorForm.Method.TIME:
            return calculator.time_saved(
                before_minutes=data["before"],
                after_minutes=data["after"],
                volume=data["volume"],
                hourly_rate=rate,
            )
        runs = data["runs"]
        if runs is None:
            runs = services.usage_runs(solution=solution, month=data["month"])
        return calculator.usage_weighted(
            minutes_per_run=data["minutes_per_run"], runs=runs, hourly_rate=rate
        )

    def form_valid(self, form):
        result = self.calculate(form.cleaned_data)
        if result is None:
            form.add_error(
                "hourly_rate",
                gettext(
                    "There is no staff-hour rate for this unit in the cost library: enter a rate."
                ),
            )
            return self.form_invalid(form)
        if "save" not in self.request.POST:
            return self.render_to_response(self.get_context_data(form=form, result=result))
        data = form.cleaned_data
        inputs = {
            key: str(data[key])
            for key in ("method", "before", "after", "volume", "minutes_per_run", "runs")
            if data.get(key) is not None
        }
        if data.get("unit_cost"):
            inputs["unit_cost"] = str(data["unit_cost"].amount)
        return self.save_record(
            form,
            hours_saved=result.hours_saved,
            hourly_rate=result.hourly_rate,
            cost_avoided=result.cost_avoided,
            calculation=inputs,
        )


class ValueRecordVerifyView(PolicyRequiredMixin, View):
    permission_action = "value.verify_value"
    http_method_names = ["post"]

    def post(self, request, uuid):
        record = get_object_or_404(ValueRecord.objects.visible_to(request.user), uuid=uuid)
        services.value_record_verify(record=record, actor=request.user)
        messages.success(request, gettext("Value record marked as CoE-verified."))
        return redirect(record.solution)


class UnitCostListView(PolicyRequiredMixin, ListView):
    """The "cost of things" library, with a form to add an entry for the CoE."""

    permission_action = "value.view_value"
    template_name = "value/unit_cost_list.html"
    context_object_name = "unit_costs"

    def get_queryset(self):
        return UnitCost.objects.select_related("business_unit").order_by(
            "business_unit__name", "name"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", UnitCostForm())
        context["may_edit"] = can(self.request.user, "value.edit_value")
        return context

    def post(self, request):
        require(request.user, "value.edit_value")
        form = UnitCostForm(request.POST, instance=UnitCost())
        if form.is_valid():
            services.unit_cost_save(
                unit_cost=UnitCost(), actor=request.user, data=form.cleaned_data
            )
            messages.success(request, gettext("Added to the cost library."))
            return HttpResponseRedirect(reverse("value:unit_cost_list"))
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ProgrammeCostListView(PolicyRequiredMixin, ListView):
    """Programme costs (CoE team, training, tools) per period and unit."""

    permission_action = "value.view_value"
    template_name = "value/programme_cost_list.html"
    context_object_name = "costs"
    paginate_by = 50

    def get_queryset(self):
        return ProgrammeCost.objects.select_related("business_unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ProgrammeCostForm())
        context["may_edit"] = can(self.request.user, "value.edit_value")
        return context

    def post(self, request):
        require(request.user, "value.edit_value")
        form = ProgrammeCostForm(request.POST)
        if form.is_valid():
            services.programme_cost_create(actor=request.user, data=form.cleaned_data)
            messages.success(request, gettext("Programme cost recorded."))
            return HttpResponseRedirect(reverse("value:programme_cost_list"))
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SolutionImportView(PolicyRequiredMixin, FormView):
    """Import an inventory CSV: all rows or none, with every bad row reported."""

    permission_action = "value.import_solutions"
    template_name = "value/solution_import.html"
    form_class = SolutionImportForm
    success_url = reverse_lazy("value:solution_list")

    def form_valid(self, form):
        try:
            result = services.solutions_import_csv(
                file=form.cleaned_data["file"], actor=self.request.user
            )
        except services.ImportRejected as exc:
            return self.render_to_response(
                self.get_context_data(form=form, import_errors=exc.errors), status=400
            )
        messages.success(
            self.request,
            gettext("Imported %(created)s new and updated %(updated)s existing solutions.")
            % {"created": result.created, "updated": result.updated},
        )
        return super().form_valid(form)
