"""Pages of the adoption assessment. Every queryset starts from `visible_to(user)`; actions
are POST-only and call one service."""

import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from accounts.policy import PolicyRequiredMixin, require
from config.numbers import display_float
from maturity.models import Area

from . import services
from .exports import assessment_as_dict, assessments_as_csv
from .forms import (
    AreaAnswersForm,
    AssessmentImportForm,
    AssessmentStartForm,
    CadenceForm,
    TargetsForm,
)
from .models import Assessment, Question, Subject


class AssessmentListView(PolicyRequiredMixin, ListView):
    """All assessments the user may see, newest first, with their overall level."""

    permission_action = "adoption.view_assessment"
    template_name = "adoption/assessment_list.html"
    context_object_name = "assessments"
    paginate_by = 25

    def get_queryset(self):
        return (
            Assessment.objects.visible_to(self.request.user)
            .for_list()
            .with_answers()
            .order_by("status", "-submitted_at", "-created_at")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for assessment in context["assessments"]:
            assessment.score = services.assessment_score(assessment)
        context["subjects"] = Subject.objects.with_last_submitted().filter(
            last_submitted_at__isnull=False
        )
        return context


class AssessmentStartView(PolicyRequiredMixin, FormView):
    permission_action = "adoption.create_assessment"
    template_name = "adoption/assessment_start.html"
    form_class = AssessmentStartForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["question_count"] = Question.objects.filter(is_active=True).count()
        return context

    def form_valid(self, form):
        subject = services.subject_for(form.cleaned_data["subject"])
        try:
            assessment = services.assessment_start(
                subject=subject, user=self.request.user, title=form.cleaned_data["title"]
            )
        except services.AssessmentError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request, _("Draft assessment of %(subject)s started.") % {"subject": subject}
        )
        first = assessment.answers.select_related("area").first()
        return redirect("adoption:assessment_area", uuid=assessment.uuid, area=first.area.key)


class AssessmentObjectMixin(PolicyRequiredMixin):
    """Finds the assessment by its UUID among those the user may see (else 404)."""

    permission_action = "adoption.view_assessment"

    def get_assessment(self, *, with_answers: bool = False) -> Assessment:
        queryset = Assessment.objects.visible_to(self.request.user).for_list()
        if with_answers:
            queryset = queryset.with_answers()
        return get_object_or_404(queryset, uuid=self.kwargs["uuid"])


def _area_progress(assessment: Assessment) -> list[dict]:
    """Per area of the assessment: its key, name, questions and how many are still open."""
    progress: dict[str, dict] = {}
    for answer in services.answers_of(assessment):
        row = progress.setdefault(
            answer.area.key, {"area": answer.area, "total": 0, "open": 0, "unsure": 0}
        )
        row["total"] += 1
        row["open"] += answer.is_open
        row["unsure"] += answer.is_unsure
    return list(progress.values())


class AssessmentDetailView(AssessmentObjectMixin, DetailView):
    """A draft's progress (with submit), or a submitted assessment's results."""

    context_object_name = "assessment"

    def get_object(self, queryset=None):
        return self.get_assessment(with_answers=True)

    def get_template_names(self):
        if self.object.is_draft:
            return ["adoption/assessment_draft.html"]
        return ["adoption/assessment_result.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assessment = self.object
        if assessment.is_draft:
            context["progress"] = _area_progress(assessment)
            context["open_answers"] = kwargs.get("open_answers")
            return context
        score = services.assessment_score(assessment)
        recommendations = services.assessment_recommendations(assessment)
        previous, deltas = services.assessment_deltas(assessment)
        by_area = {r.area.key: r for r in recommendations}
        for delta in deltas:
            delta.recommendation = by_area[delta.area.key]
        targets = [
            by_area[a.area.key].target.level if by_area[a.area.key].target else None
            for a in score.areas
        ]
        context.update(
            score=score,
            recommendations=recommendations,
            previous=previous,
            deltas=deltas,
            chart={
                "labels": [a.area.name for a in score.areas],
                "current": [display_float(a.mean) for a in score.areas],
                # No target set anywhere: no "Target" series (and no legend entry for it).
                "target": targets if any(t is not None for t in targets) else None,
                # The legend's names, in the reader's language.
                "names": {"current": _("Score"), "target": _("Target level")},
            },
        )
        return context


class AssessmentAreaView(AssessmentObjectMixin, FormView):
    """The questions of one area of a draft: answer, add notes, save, move on."""

    permission_action = "adoption.create_assessment"
    template_name = "adoption/assessment_area.html"
    form_class = AreaAnswersForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        require(request.user, self.permission_action)
        self.assessment = self.get_assessment()
        require(request.user, "adoption.edit_assessment", self.assessment)
        self.progress = _area_progress(self.assessment)
        keys = [row["area"].key for row in self.progress]
        if kwargs["area"] not in keys:
            raise Http404
        self.index = keys.index(kwargs["area"])
        self.area = self.progress[self.index]["area"]
        self.next_area = keys[self.index + 1] if self.index + 1 < len(keys) else None
        self.previous_area = keys[self.index - 1] if self.index else None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["answers"] = self.assessment.answers.filter(area=self.area)
        kwargs["initial"] = {"revision": self.assessment.revision}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            assessment=self.assessment,
            area=self.area,
            progress=self.progress,
            position=self.index + 1,
            next_area=self.next_area,
            previous_area=self.previous_area,
        )
        return context

    def form_valid(self, form):
        try:
            services.assessment_save_area(
                assessment=self.assessment,
                area=self.area,
                answers=form.answer_inputs(),
                revision=form.cleaned_data["revision"],
                user=self.request.user,
            )
        except services.AssessmentConflict as conflict:
            # Keep everything this editor typed; show what is saved now; accept the next save.
            data = self.request.POST.copy()
            data["revision"] = str(conflict.current_revision)
            fresh = AreaAnswersForm(data, answers=self.assessment.answers.filter(area=self.area))
            fresh.is_valid()
            messages.error(
                self.request,
                _(
                    "Someone else saved this assessment after you opened the page. Your answers "
                    "are still below and nothing was overwritten: compare them with the saved "
                    "ones shown under each question, then save again."
                ),
            )
            return self.render_to_response(
                self.get_context_data(form=fresh, conflict=True), status=409
            )
        except services.AssessmentError as error:
            messages.error(self.request, str(error))
            return redirect(self.assessment.get_absolute_url())
        messages.success(self.request, _("%(area)s: answers saved.") % {"area": self.area.name})
        if "next" in self.request.POST and self.next_area:
            return redirect(
                "adoption:assessment_area", uuid=self.assessment.uuid, area=self.next_area
            )
        if "next" in self.request.POST:
            return redirect(self.assessment.get_absolute_url())
        return redirect("adoption:assessment_area", uuid=self.assessment.uuid, area=self.area.key)


class AssessmentSubmitView(AssessmentObjectMixin, View):
    permission_action = "adoption.create_assessment"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        assessment = self.get_assessment()
        require(request.user, "adoption.edit_assessment", assessment)
        try:
            services.assessment_submit(assessment=assessment, user=request.user)
        except services.AssessmentIncomplete as incomplete:
            view = AssessmentDetailView(request=request, kwargs=self.kwargs)
            view.object = assessment
            context = view.get_context_data(object=assessment, open_answers=incomplete.open_answers)
            messages.error(
                request,
                ngettext(
                    "Not submitted: %(count)d question is still open (listed below). Answer it, "
                    "or choose “Not sure”.",
                    "Not submitted: %(count)d questions are still open (listed below). Answer "
                    "them, or choose “Not sure”.",
                    len(incomplete.open_answers),
                )
                % {"count": len(incomplete.open_answers)},
            )
            return view.render_to_response(context, status=400)
        except services.AssessmentError as error:
            messages.error(request, str(error))
            return redirect(assessment.get_absolute_url())
        messages.success(request, _("Assessment submitted. These are its results."))
        return redirect(assessment.get_absolute_url())


class AssessmentDiscardView(AssessmentObjectMixin, View):
    permission_action = "adoption.create_assessment"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        assessment = self.get_assessment()
        require(request.user, "adoption.edit_assessment", assessment)
        services.assessment_discard(assessment=assessment, user=request.user)
        messages.success(request, _("Draft discarded."))
        return redirect("adoption:assessment_list")


EXPORT_FORMATS = ("csv", "json")


def _download(content: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class AssessmentExportView(AssessmentObjectMixin, View):
    """One assessment as CSV or JSON."""

    def get(self, request, *args, **kwargs):
        if kwargs["fmt"] not in EXPORT_FORMATS:
            raise Http404
        assessment = get_object_or_404(
            Assessment.objects.visible_to(request.user).for_list().with_answers(),
            uuid=kwargs["uuid"],
        )
        stem = f"assessment-{slugify(str(assessment.subject))}-{assessment.uuid.hex[:8]}"
        if kwargs["fmt"] == "csv":
            return _download(assessments_as_csv([assessment]), f"{stem}.csv", "text/csv")
        body = json.dumps(assessment_as_dict(assessment), indent=2, ensure_ascii=False)
        return _download(body, f"{stem}.json", "application/json")


class SubjectMixin(PolicyRequiredMixin):
    permission_action = "adoption.view_assessment"

    def get_subject(self) -> Subject:
        return get_object_or_404(
            Subject.objects.select_related("business_unit"), slug=self.kwargs["slug"]
        )

    def submitted(self, subject):
        return (
            Assessment.objects.visible_to(self.request.user)
            .submitted()
            .filter(subject=subject)
            .for_list()
            .with_answers()
            .order_by("submitted_at")
        )


class SubjectDetailView(SubjectMixin, DetailView):
    """History of one subject: every submitted assessment, the trend per area, the targets and
    the re-assessment cadence."""

    template_name = "adoption/subject_detail.html"
    context_object_name = "subject"

    def get_object(self, queryset=None):
        return self.get_subject()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        history = list(self.submitted(self.object))
        scores = [services.assessment_score(a) for a in history]
        areas = list(Area.objects.all())
        trend = [
            {
                "area": area,
                "cells": [s.for_area(area.key) for s in scores],
            }
            for area in areas
        ]
        last = history[-1] if history else None
        context.update(
            history=list(zip(history, scores, strict=True)),
            trend=trend,
            targets=self.object.targets.select_related("area"),
            drafts=Assessment.objects.visible_to(self.request.user)
            .drafts()
            .filter(subject=self.object),
            cadence_form=kwargs.get("cadence_form")
            or CadenceForm(initial={"cadence_days": self.object.cadence_days}),
            due_on=services.next_due_on(self.object, last.submitted_at) if last else None,
            chart={
                "labels": [
                    formats.date_format(timezone.localtime(a.submitted_at), "SHORT_DATE_FORMAT")
                    for a in history
                ],
                "series": [
                    {
                        "label": row["area"].name,
                        "data": [display_float(c.mean) if c else None for c in row["cells"]],
                    }
                    for row in trend
                ],
            },
        )
        return context


class SubjectCadenceView(SubjectMixin, View):
    permission_action = "adoption.manage_assessments"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        subject = self.get_subject()
        form = CadenceForm(request.POST)
        if not form.is_valid():
            view = SubjectDetailView(request=request, kwargs=self.kwargs)
            view.object = subject
            context = view.get_context_data(object=subject, cadence_form=form)
            return view.render_to_response(context, status=400)
        services.subject_set_cadence(
            subject=subject, days=form.cleaned_data["cadence_days"], user=request.user
        )
        messages.success(request, _("Re-assessment cadence saved."))
        return redirect(subject.get_absolute_url())


class SubjectTargetsView(SubjectMixin, FormView):
    """Target level and date per area for one subject."""

    permission_action = "adoption.manage_assessments"
    template_name = "adoption/subject_targets.html"
    form_class = TargetsForm

    def dispatch(self, request, *args, **kwargs):
        self.subject = self.get_subject() if request.user.is_authenticated else None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["areas"] = Area.objects.all()
        kwargs["targets"] = self.subject.targets.all()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subject"] = self.subject
        return context

    def form_valid(self, form):
        services.targets_set(subject=self.subject, targets=form.targets(), user=self.request.user)
        messages.success(self.request, _("Targets saved."))
        back = self.request.GET.get("from")
        latest = self.subject.assessments.submitted().order_by("-submitted_at").first()
        if back == "result" and latest:
            return redirect(latest.get_absolute_url())
        return redirect(self.subject.get_absolute_url())


class SubjectExportView(SubjectMixin, View):
    """All submitted assessments of one subject as CSV or JSON."""

    def get(self, request, *args, **kwargs):
        if kwargs["fmt"] not in EXPORT_FORMATS:
            raise Http404
        subject = self.get_subject()
        history = list(self.submitted(subject))
        stem = f"assessments-{subject.slug}"
        if kwargs["fmt"] == "csv":
            return _download(assessments_as_csv(history), f"{stem}.csv", "text/csv")
        body = json.dumps(
            {
                "format": "coehub.assessments",
                "subject": {"slug": subject.slug, "name": str(subject)},
                "assessments": [assessment_as_dict(a) for a in history],
            },
            indent=2,
            ensure_ascii=False,
        )
        return _download(body, f"{stem}.json", "application/json")


class AssessmentImportView(PolicyRequiredMixin, FormView):
    """Upload an exported JSON assessment; a bad file shows an error and saves nothing."""

    permission_action = "adoption.manage_assessments"
    template_name = "adoption/assessment_import.html"
    form_class = AssessmentImportForm

    def form_valid(self, form):
        subject = services.subject_for(form.cleaned_data["subject"])
        try:
            assessment = services.assessment_import(
                imported=form.cleaned_data["file"], subject=subject, user=self.request.user
            )
        except services.AssessmentError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request, _("Imported an assessment of %(subject)s.") % {"subject": subject}
        )
        return redirect(assessment.get_absolute_url())
