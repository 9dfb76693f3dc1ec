"""Pages of the maturity model: the matrix, one page per area and one per level."""

from django.db.models import Prefetch
from django.views.generic import DetailView, TemplateView

from accounts.policy import PolicyRequiredMixin

from .models import Area, AreaLevel, Level, ModelVersion, Opportunity


class ModelMatrixView(PolicyRequiredMixin, TemplateView):
    """Areas as rows, levels as columns, each cell the area's characteristics at that level."""

    permission_action = "maturity.view_model"
    template_name = "maturity/model_matrix.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        levels = list(Level.objects.all())
        areas = list(
            Area.objects.prefetch_related(
                Prefetch("area_levels", queryset=AreaLevel.objects.order_by("level__number"))
            )
        )
        for area in areas:
            by_level = {cell.level_id: cell for cell in area.area_levels.all()}
            area.cells = [(level, by_level.get(level.pk)) for level in levels]
        context.update(
            levels=levels,
            areas=areas,
            version=ModelVersion.objects.filter(is_current=True).first(),
        )
        return context


class AreaDetailView(PolicyRequiredMixin, DetailView):
    """One capability area across the five levels, with what to do to advance it."""

    permission_action = "maturity.view_model"
    template_name = "maturity/area_detail.html"
    context_object_name = "area"
    slug_field = slug_url_kwarg = "key"

    def get_queryset(self):
        return Area.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        opportunities: dict[int, list] = {}
        for opportunity in self.object.opportunities.all():
            opportunities.setdefault(opportunity.level_id, []).append(opportunity)
        cells = list(self.object.area_levels.select_related("level").order_by("level__number"))
        for cell in cells:
            cell.opportunity_list = opportunities.get(cell.level_id, [])
        context["cells"] = cells
        return context


class LevelDetailView(PolicyRequiredMixin, DetailView):
    """One level: what it means, how each area looks at it, and its opportunities."""

    permission_action = "maturity.view_model"
    template_name = "maturity/level_detail.html"
    context_object_name = "level"
    slug_field = slug_url_kwarg = "number"

    def get_queryset(self):
        return Level.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        level = self.object
        context["cells"] = level.area_levels.select_related("area").order_by("area__order")
        context["opportunities"] = Opportunity.objects.filter(level=level).select_related("area")
        context["previous_level"] = Level.objects.filter(number=level.number - 100).first()
        context["next_level"] = Level.objects.filter(number=level.number + 100).first()
        return context
