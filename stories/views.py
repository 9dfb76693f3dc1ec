"""Pages of the success-story library: submit, review, read, present and send stories."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from accounts.models import Organisation
from accounts.policy import PolicyRequiredMixin, can, require
from config.cached_lists import CachedResultsMixin, page_number
from config.jobs import is_queued
from value.models import Solution, UnitCost, ValueRecord

from . import services
from .forms import (
    ImageFormSet,
    LibraryFilterForm,
    MetricFormSet,
    NewsletterForm,
    QuoteFormSet,
    ReviewForm,
    ScoreForm,
    SessionForm,
    SlotForm,
    StoryForm,
    StoryMetricValueForm,
    StoryValueForm,
    formset_rows,
)
from .models import (
    Newsletter,
    NewsletterDelivery,
    NewsletterItem,
    NewsletterSubscription,
    SessionSlot,
    ShowAndTellSession,
    Story,
    Tag,
)
from .outline import story_slide_outline
from .services import NewsletterStateError, StoryStateError, record_value
from .tasks import newsletter_send_task

# ---------------------------------------------------------------------------------------------
# Library and lists


class StoryListView(PolicyRequiredMixin, CachedResultsMixin, ListView):
    """The library: published stories as cards, searchable, filterable and sortable. Every
    reader sees the same published stories, so a browse (no search text) renders its cards once
    per data version for all (config.cached_lists)."""

    permission_action = "stories.view_story"
    template_name = "stories/story_list.html"
    results_template = "stories/_library_results.html"
    context_object_name = "stories"
    paginate_by = 12

    def get_queryset(self):
        self.filter_form = LibraryFilterForm(self.request.GET or None)
        stories = Story.objects.visible_to(self.request.user).published()
        if not self.filter_form.is_valid():
            return stories.for_cards().sorted_by("newest")
        f = self.filter_form.cleaned_data
        if f.get("unit"):
            stories = stories.filter(business_unit=f["unit"])
        if f.get("kind"):
            stories = stories.filter(solution_kind=f["kind"])
        if f.get("tag"):
            stories = stories.filter(tags__slug=f["tag"])
        if f.get("year"):
            stories = stories.filter(published_at__year=f["year"])
        if f.get("measured"):
            stories = stories.filter(metrics__isnull=False).distinct()
        if f.get("q"):
            stories = stories.search(f["q"])
            if f.get("sort"):
                stories = stories.sorted_by(f["sort"])
        else:
            stories = stories.sorted_by(f.get("sort") or "newest")
        return stories.for_cards()

    @cached_property
    def query_string(self) -> str:
        """The filters as the pagination links carry them."""
        query = self.request.GET.copy()
        query.pop("page", None)
        return query.urlencode()

    def results_key(self) -> str | None:
        # Searches are too varied to keep; a browse is keyed on its filters as the links of its
        # pagination carry them (only the form's own fields: other parameters are not cached).
        page = page_number(self.request)
        if (
            page is None
            or self.filter_form.data.get("q")
            or not set(self.request.GET) <= {"page", *LibraryFilterForm.base_fields}
        ):
            return None
        may_submit = can(self.request.user, "stories.submit_story")
        return f"stories:{self.query_string}:{page}:{may_submit:d}"

    def results_context(self, context):
        return {
            **context,
            "query_string": self.query_string,
            "is_filtered": bool(self.query_string),
            "popular_tags": Tag.objects.filter(stories__status="published")
            .annotate(n=Count("stories"))
            .order_by("-n", "name")[:12],
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["is_filtered"] = bool(self.query_string)
        return context


class MyStoriesView(PolicyRequiredMixin, ListView):
    """The signed-in maker's own stories, in every state."""

    permission_action = "stories.submit_story"
    template_name = "stories/story_mine.html"
    context_object_name = "stories"
    paginate_by = 25

    def get_queryset(self):
        return (
            Story.objects.visible_to(self.request.user)
            .authored_by(self.request.user)
            .select_related("business_unit")
            .order_by("-updated_at")
        )


class ReviewQueueView(PolicyRequiredMixin, ListView):
    """Stories waiting for the CoE, oldest submission first."""

    permission_action = "stories.review_story"
    template_name = "stories/story_review_queue.html"
    context_object_name = "stories"
    paginate_by = 25

    def get_queryset(self):
        return (
            Story.objects.visible_to(self.request.user)
            .awaiting_review()
            .select_related("business_unit", "author", "reviewer")
            .order_by("submitted_at", "created_at")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent"] = (
            Story.objects.visible_to(self.request.user)
            .filter(status__in=["published", "rejected", "changes_requested"])
            .select_related("author")
            .order_by("-updated_at")[:8]
        )
        return context


# ---------------------------------------------------------------------------------------------
# Reading a story


class StoryDetailView(PolicyRequiredMixin, DetailView):
    """One story as readers see it; for the author and the CoE also its review trail."""

    permission_action = "stories.view_story"
    object_permission_action = "stories.view_story"
    template_name = "stories/story_detail.html"
    context_object_name = "story"
    slug_field = slug_url_kwarg = "uuid"

    def get_queryset(self):
        return (
            Story.objects.visible_to(self.request.user)
            .select_related("business_unit", "author", "solution", "reviewer")
            .prefetch_related("tags", "metrics", "images", "quotes")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        story, user = self.object, self.request.user
        may_review = can(user, "stories.review_story", story)
        context.update(
            may_edit=can(user, "stories.edit_story", story),
            may_review=may_review,
            may_record_value=story.is_published and can(user, "stories.record_value", story),
            show_trail=may_review or story.author_id == user.pk,
            like_count=story.likes.count(),
            liked=story.likes.filter(user=user).exists(),
            related=Story.objects.visible_to(user)
            .related_to(story)
            .select_related("business_unit")[:4],
            slots=story.session_slots.select_related("session", "presenter").order_by(
                "-session__starts_at"
            ),
            newsletters=NewsletterItem.objects.filter(
                story=story, newsletter__in=Newsletter.objects.visible_to(user)
            ).select_related("newsletter"),
            currency=Organisation.current().currency,
        )
        if context["show_trail"]:
            context["events"] = story.events.select_related("actor")[:30]
        if may_review:
            context["review_form"] = ReviewForm()
            context["score_form"] = ScoreForm(
                initial={field: getattr(story, field) for field, _, _ in Story.CRITERIA}
            )
            context["review_actions"] = _review_actions(story)
        return context


def _review_actions(story: Story) -> list[tuple[str, str, str]]:
    """The decisions open to a reviewer in the story's state: (action, label, button style)."""
    s = Story.Status
    return {
        s.SUBMITTED: [
            ("start_review", _("Start review"), "primary"),
            ("reject", _("Reject"), "danger"),
        ],
        s.IN_REVIEW: [
            ("approve", _("Approve"), "success"),
            ("request_changes", _("Send back for changes"), "warning"),
            ("reject", _("Reject"), "danger"),
        ],
        s.APPROVED: [("publish", _("Publish"), "success"), ("reject", _("Reject"), "danger")],
    }.get(story.status, [])


def _visible_story(request, uuid) -> Story:
    return get_object_or_404(Story.objects.visible_to(request.user), uuid=uuid)


class StoryOutlineView(PolicyRequiredMixin, View):
    """The generated show-and-tell slide outline of a story, as a Markdown download."""

    permission_action = "stories.view_story"

    def get(self, request, uuid):
        story = get_object_or_404(
            Story.objects.visible_to(request.user)
            .select_related("business_unit", "author", "solution")
            .prefetch_related("metrics"),
            uuid=uuid,
        )
        text = story_slide_outline(story, currency=Organisation.current().currency)
        response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="story-{story.uuid}-outline.md"'
        return response


class StoryLikeView(PolicyRequiredMixin, View):
    """POST: like a story, or take the like back."""

    permission_action = "stories.like_story"

    def post(self, request, uuid):
        story = _visible_story(request, uuid)
        if not story.is_published:
            raise Http404
        liked = services.story_toggle_like(story=story, user=request.user)
        messages.success(
            request, gettext("Thanks for the like.") if liked else gettext("Like taken back.")
        )
        return redirect(story)


# ---------------------------------------------------------------------------------------------
# Writing a story


class StoryFormView(PolicyRequiredMixin, View):
    """Create or edit a story with its metrics, quotes and pictures.

    The buttons: "save" keeps it as a draft, "preview" saves and shows the reader's page,
    "submit" saves and sends it to the CoE."""

    permission_action = "stories.submit_story"
    template_name = "stories/story_form.html"

    def get_story(self, uuid) -> Story | None:
        if uuid is None:
            return None
        story = get_object_or_404(
            Story.objects.visible_to(self.request.user).prefetch_related(
                "tags", "metrics", "quotes", "images"
            ),
            uuid=uuid,
        )
        require(self.request.user, "stories.edit_story", story)
        return story

    def dispatch(self, request, *args, **kwargs):
        # Editing a story the CoE took over is the CoE's, whatever the maker role says.
        if request.user.is_authenticated and kwargs.get("uuid"):
            self.permission_action = "stories.view_story"
        return super().dispatch(request, *args, **kwargs)

    def _forms(self, story, data=None, files=None, submitting=False):
        initial = {}
        if story is None:
            user = self.request.user
            initial = {"business_unit": user.business_unit_id, "submission_token": _new_token()}
        author = story.author if story is not None else self.request.user
        form = StoryForm(
            data, instance=story, initial=initial, author=author, submitting=submitting
        )
        metrics_initial = quotes_initial = images_initial = None
        if story is not None:
            metrics_initial, quotes_initial = services.story_content_rows(story)
            images_initial = [{"uuid": i.uuid, "caption": i.caption} for i in story.images.all()]
        metrics = MetricFormSet(data, prefix="metrics", initial=metrics_initial)
        quotes = QuoteFormSet(data, prefix="quotes", initial=quotes_initial)
        images = ImageFormSet(data, files, prefix="images", initial=images_initial)
        return form, metrics, quotes, images

    def render_page(self, story, form, metrics, quotes, images, status=200):
        existing = {str(i.uuid): i for i in story.images.all()} if story else {}
        image_rows = [(f, existing.get(str(f["uuid"].value() or ""))) for f in images.forms]
        return render(
            self.request,
            self.template_name,
            {
                "story": story,
                "form": form,
                "metric_formset": metrics,
                "quote_formset": quotes,
                "image_formset": images,
                "image_rows": image_rows,
                "may_submit": story is None or story.is_editable_by_author,
            },
            status=status,
        )

    def get(self, request, uuid=None):
        story = self.get_story(uuid)
        return self.render_page(story, *self._forms(story))

    def post(self, request, uuid=None):
        story = self.get_story(uuid)
        action = request.POST.get("action", "save")
        submitting = action == "submit"
        form, metrics, quotes, images = self._forms(story, request.POST, request.FILES, submitting)
        valid = all([form.is_valid(), metrics.is_valid(), quotes.is_valid(), images.is_valid()])
        if not valid:
            messages.error(
                request, gettext("Please correct the marked fields; nothing was saved yet.")
            )
            return self.render_page(story, form, metrics, quotes, images, status=400)
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("tags", "submission_token")}
        rows = {
            "tags": form.cleaned_data["tags"],
            "metrics": [r for r in formset_rows(metrics) if not r["delete"]],
            "quotes": [r for r in formset_rows(quotes) if not r["delete"]],
            "images": [
                {
                    "uuid": r.get("uuid"),
                    "file": r.get("upload"),
                    "caption": r.get("caption", ""),
                    "delete": r["delete"],
                }
                for r in formset_rows(images)
            ],
        }
        try:
            if story is None:
                story, created = services.story_create(
                    author=request.user,
                    data=data,
                    token=form.cleaned_data.get("submission_token"),
                    **rows,
                )
                if not created:
                    # The same form sent twice (a double click): the first request did the work.
                    messages.info(request, gettext("This story was already saved."))
                    return redirect(story)
            else:
                story = services.story_update(story=story, editor=request.user, data=data, **rows)
        except ValidationError as error:
            images._non_form_errors = images.error_class(error.messages)
            return self.render_page(story, form, metrics, quotes, images, status=400)
        if submitting:
            try:
                services.story_submit(story=story, actor=request.user)
            except StoryStateError as error:
                messages.error(request, str(error))
                return redirect("stories:story_update", uuid=story.uuid)
            messages.success(
                request, gettext("Submitted. The CoE will review your story and e-mail you.")
            )
            return redirect(story)
        if action == "preview":
            messages.info(request, gettext("Saved. This is how readers will see your story."))
            return redirect(story)
        messages.success(request, gettext("Draft saved."))
        return redirect("stories:story_update", uuid=story.uuid)


def _new_token() -> uuid.UUID:
    return uuid.uuid4()


class StorySubmitView(PolicyRequiredMixin, View):
    """POST: send a draft to the CoE without editing it."""

    permission_action = "stories.submit_story"

    def post(self, request, uuid):
        story = _visible_story(request, uuid)
        require(request.user, "stories.edit_story", story)
        try:
            services.story_submit(story=story, actor=request.user)
        except StoryStateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, gettext("Submitted for review."))
        return redirect(story)


# ---------------------------------------------------------------------------------------------
# Review


class StoryReviewView(PolicyRequiredMixin, View):
    """POST: a CoE lead's review decision on a story."""

    permission_action = "stories.review_story"

    def post(self, request, uuid):
        story = _visible_story(request, uuid)
        form = ReviewForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(story)
        action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
        try:
            services.story_review(
                story=story,
                reviewer=request.user,
                action=action,
                comment=comment,
                base_url=request.build_absolute_uri("/"),
            )
        except StoryStateError as error:
            messages.error(request, str(error))
        else:
            done = {
                "start_review": gettext("Done: start review."),
                "request_changes": gettext("Done: send back for changes."),
                "approve": gettext("Done: approve."),
                "publish": gettext("Done: publish."),
                "reject": gettext("Done: reject."),
            }
            messages.success(request, done[action])
        return redirect(story)


class StoryScoreView(PolicyRequiredMixin, View):
    """POST: the reviewer's scores on the five selection criteria."""

    permission_action = "stories.review_story"

    def post(self, request, uuid):
        story = _visible_story(request, uuid)
        form = ScoreForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("Scores go from 1 to 5."))
            return redirect(story)
        try:
            story = services.story_score(
                story=story, reviewer=request.user, scores=form.cleaned_data
            )
        except StoryStateError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                gettext("Scores saved: %(score)s of 25.") % {"score": story.score_total},
            )
        return redirect(story)


# ---------------------------------------------------------------------------------------------
# Value from a story


class StoryRecordValueView(PolicyRequiredMixin, View):
    """Turn a published story's metrics into value records of its solution. "Preview" shows
    the hours and money per month for each metric; "Save" records them (idempotent: months
    already recorded are counted, not doubled) and goes to the solution's page."""

    permission_action = "stories.record_value"
    template_name = "stories/story_record_value.html"

    def get_story(self, uuid) -> Story:
        stories = Story.objects.visible_to(self.request.user).select_related(
            "solution", "business_unit"
        )
        story = get_object_or_404(stories, uuid=uuid)
        require(self.request.user, "stories.record_value", story)
        return story

    def _forms(self, story, data=None):
        start, end = record_value.default_months(story)
        form = StoryValueForm(
            data,
            story=story,
            solutions=Solution.objects.editable_by(self.request.user).order_by("name"),
            initial={
                "month_from": start,
                "month_to": end,
                "source": ValueRecord.Source.MEASURED,
            },
        )
        unit_costs = UnitCost.objects.select_related("business_unit")
        metric_forms = [
            StoryMetricValueForm(
                data,
                metric=metric,
                unit_costs=unit_costs,
                prefix=f"metric-{metric.uuid}",
                initial={
                    "include": record_value.suggested_include(metric),
                    "method": record_value.suggested_method(metric),
                    "volume": record_value.suggested_volume(metric),
                },
            )
            for metric in story.metrics.all()
        ]
        return form, metric_forms

    def render_page(self, story, form, metric_forms, plan=None, status=200):
        context = {"story": story, "form": form, "metric_forms": metric_forms, "plan": plan}
        context["currency"] = Organisation.current().currency
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, uuid):
        story = self.get_story(uuid)
        if not story.is_published:
            messages.error(
                request, gettext("Only published stories can be turned into value records.")
            )
            return redirect(story)
        return self.render_page(story, *self._forms(story))

    def post(self, request, uuid):
        story = self.get_story(uuid)
        form, metric_forms = self._forms(story, request.POST)
        valid = [f.is_valid() for f in (form, *metric_forms)]  # every form, for every error
        if not all(valid):
            return self.render_page(story, form, metric_forms, status=400)
        chosen = [f for f in metric_forms if f.cleaned_data["include"]]
        data = form.cleaned_data
        arguments = {
            "story": story,
            "conversions": [
                record_value.MetricConversion(
                    metric=f.metric,
                    method=f.cleaned_data["method"],
                    volume=f.cleaned_data["volume"],
                    unit_cost=f.cleaned_data["unit_cost"],
                )
                for f in chosen
            ],
            "month_from": data["month_from"],
            "month_to": data["month_to"],
            "source": data["source"],
            "solution": data.get("solution"),
        }
        try:
            if "save" in request.POST:
                result = record_value.story_value_record(
                    actor=request.user, note=data["note"], **arguments
                )
            else:
                plan = record_value.story_value_preview(**arguments)
        except record_value.StoryValueError as error:
            for problem in error.problems:
                target = form if problem.index is None else chosen[problem.index]
                field = problem.field if problem.field in target.fields else None
                target.add_error(field, problem.message)
            return self.render_page(story, form, metric_forms, status=400)
        if "save" not in request.POST:
            return self.render_page(story, form, metric_forms, plan=plan)
        created, already = len(result.created), len(result.already_recorded)
        text = ngettext(
            "%(count)d value record created from this story",
            "%(count)d value records created from this story",
            created,
        ) % {"count": created}
        if already:
            text += ngettext(
                "; %(count)d was already recorded", "; %(count)d were already recorded", already
            ) % {"count": already}
        text += "."
        messages.success(request, text)
        return redirect(result.solution)


# ---------------------------------------------------------------------------------------------
# Show-and-tell sessions


class SessionListView(PolicyRequiredMixin, ListView):
    """Upcoming and past show-and-tell sessions."""

    permission_action = "stories.view_story"
    template_name = "stories/session_list.html"
    context_object_name = "sessions"
    paginate_by = 20

    def get_queryset(self):
        return (
            ShowAndTellSession.objects.visible_to(self.request.user)
            .select_related("host")
            .annotate(slot_count=Count("slots"))
            .order_by("-starts_at")
        )


class SessionDetailView(PolicyRequiredMixin, DetailView):
    """A session with its agenda and a slide outline per story."""

    permission_action = "stories.view_story"
    template_name = "stories/session_detail.html"
    context_object_name = "session"
    slug_field = slug_url_kwarg = "uuid"

    def get_queryset(self):
        return ShowAndTellSession.objects.visible_to(self.request.user).with_agenda()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if can(self.request.user, "stories.manage_sessions"):
            context["slot_form"] = SlotForm()
        return context


class SessionFormView(PolicyRequiredMixin, View):
    """Create or change a session (CoE)."""

    permission_action = "stories.manage_sessions"

    def get_session(self, uuid):
        if uuid is None:
            return None
        sessions = ShowAndTellSession.objects.visible_to(self.request.user)
        return get_object_or_404(sessions, uuid=uuid)

    def get(self, request, uuid=None):
        session = self.get_session(uuid)
        form = SessionForm(instance=session, initial={"host": request.user.pk})
        return render(request, "stories/session_form.html", {"form": form, "session": session})

    def post(self, request, uuid=None):
        session = self.get_session(uuid)
        form = SessionForm(request.POST, instance=session)
        if not form.is_valid():
            return render(
                request,
                "stories/session_form.html",
                {"form": form, "session": session},
                status=400,
            )
        session = services.session_save(actor=request.user, data=form.cleaned_data, session=session)
        messages.success(request, gettext("Session saved."))
        return redirect(session)


class SessionSlotAddView(PolicyRequiredMixin, View):
    """POST: put a published story on a session's agenda (CoE)."""

    permission_action = "stories.manage_sessions"

    def post(self, request, uuid):
        session = get_object_or_404(ShowAndTellSession.objects.visible_to(request.user), uuid=uuid)
        form = SlotForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "stories/session_detail.html",
                {"session": session, "slot_form": form},
                status=400,
            )
        services.session_add_slot(actor=request.user, session=session, **form.cleaned_data)
        messages.success(request, gettext("Added to the agenda."))
        return redirect(session)


class SessionSlotRemoveView(PolicyRequiredMixin, View):
    """POST: take a story off a session's agenda (CoE)."""

    permission_action = "stories.manage_sessions"

    def post(self, request, uuid, story_uuid):
        slot = get_object_or_404(
            SessionSlot.objects.select_related("session"),
            session__uuid=uuid,
            story__uuid=story_uuid,
        )
        services.session_remove_slot(actor=request.user, slot=slot)
        messages.success(request, gettext("Removed from the agenda."))
        return redirect(slot.session)


# ---------------------------------------------------------------------------------------------
# Newsletters


class NewsletterListView(PolicyRequiredMixin, ListView):
    """The archive of sent issues (and, for the CoE, drafts), with the subscription switch."""

    permission_action = "stories.view_story"
    template_name = "stories/newsletter_list.html"
    context_object_name = "newsletters"
    paginate_by = 20

    def get_queryset(self):
        return (
            Newsletter.objects.visible_to(self.request.user)
            .annotate(story_count=Count("items"))
            .order_by("status", "-sent_at", "-created_at")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subscription"] = NewsletterSubscription.objects.filter(
            user=self.request.user
        ).first()
        return context


class NewsletterDetailView(PolicyRequiredMixin, DetailView):
    """The web version of an issue."""

    permission_action = "stories.view_story"
    template_name = "stories/newsletter_detail.html"
    context_object_name = "newsletter"
    slug_field = slug_url_kwarg = "uuid"

    def get_queryset(self):
        return Newsletter.objects.visible_to(self.request.user).select_related("created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            services.newsletter_context(
                newsletter=self.object,
                base_url="",
                unsubscribe_url=reverse("stories:newsletter_list"),
            )
        )
        if self.object.status != Newsletter.Status.DRAFT:
            # Keyed by the status's label, in the reader's language ("sent" → "Gesendet").
            labels = dict(NewsletterDelivery.Status.choices)
            context["delivery_counts"] = {
                labels.get(status, status): n
                for status, n in self.object.deliveries.values_list("status").annotate(
                    n=Count("pk")
                )
            }
        return context


class NewsletterPreviewView(PolicyRequiredMixin, View):
    """The issue exactly as the HTML e-mail (CoE)."""

    permission_action = "stories.manage_newsletters"

    def get(self, request, uuid):
        newsletter = get_object_or_404(Newsletter.objects.visible_to(request.user), uuid=uuid)
        context = services.newsletter_context(
            newsletter=newsletter,
            base_url=request.build_absolute_uri("/"),
            unsubscribe_url=request.build_absolute_uri(reverse("stories:newsletter_list")),
        )
        return render(request, "stories/email/newsletter.html", context)


class NewsletterFormView(PolicyRequiredMixin, View):
    """Compose or change a draft issue from published stories (CoE)."""

    permission_action = "stories.manage_newsletters"

    def get_newsletter(self, uuid):
        if uuid is None:
            return None
        newsletter = get_object_or_404(Newsletter.objects.visible_to(self.request.user), uuid=uuid)
        if not newsletter.is_draft:
            raise PermissionDenied
        return newsletter

    def _form(self, newsletter, data=None):
        stories = (
            Story.objects.published().select_related("business_unit").order_by("-published_at")[:60]
        )
        positions, initial = {}, {}
        if newsletter is not None:
            positions = {item.story_id: item.position + 1 for item in newsletter.items.all()}
            initial = {"subject": newsletter.subject, "intro": newsletter.intro}
        return NewsletterForm(data, initial=initial, stories=stories, positions=positions)

    def get(self, request, uuid=None):
        newsletter = self.get_newsletter(uuid)
        return render(
            request,
            "stories/newsletter_form.html",
            {"form": self._form(newsletter), "newsletter": newsletter},
        )

    def post(self, request, uuid=None):
        newsletter = self.get_newsletter(uuid)
        form = self._form(newsletter, request.POST)
        if not form.is_valid():
            return render(
                request,
                "stories/newsletter_form.html",
                {"form": form, "newsletter": newsletter},
                status=400,
            )
        try:
            newsletter = services.newsletter_save(
                actor=request.user,
                newsletter=newsletter,
                subject=form.cleaned_data["subject"],
                intro=form.cleaned_data["intro"],
                stories=form.cleaned_data["ordered_stories"],
            )
        except NewsletterStateError as error:
            messages.error(request, str(error))
            return redirect("stories:newsletter_list")
        messages.success(request, gettext("Issue saved. Preview it, then send it."))
        return redirect(newsletter)


class NewsletterSendView(PolicyRequiredMixin, View):
    """POST: send a draft issue to every subscriber (CoE)."""

    permission_action = "stories.manage_newsletters"

    def post(self, request, uuid):
        newsletter = get_object_or_404(Newsletter.objects.visible_to(request.user), uuid=uuid)
        try:
            newsletter = services.newsletter_send(
                newsletter=newsletter, actor=request.user, base_url=request.build_absolute_uri("/")
            )
        except NewsletterStateError as error:
            messages.error(request, str(error))
        else:
            count = newsletter.deliveries.count()
            if is_queued(newsletter_send_task, newsletter.pk):
                # Saved, but the broker did not take the job: say so rather than "sending".
                messages.warning(
                    request,
                    ngettext(
                        "Queued for %(count)s subscriber; sending will start as soon as the "
                        "job queue answers.",
                        "Queued for %(count)s subscribers; sending will start as soon as the "
                        "job queue answers.",
                        count,
                    )
                    % {"count": count},
                )
            else:
                messages.success(
                    request,
                    ngettext(
                        "Sending to %(count)s subscriber in the background.",
                        "Sending to %(count)s subscribers in the background.",
                        count,
                    )
                    % {"count": count},
                )
        return redirect(newsletter)


class NewsletterSubscriptionView(View):
    """POST: the signed-in user opts in to or out of the newsletter."""

    def post(self, request):
        if request.POST.get("subscribe") == "1":
            services.newsletter_subscribe(user=request.user)
            messages.success(request, gettext("You will receive the newsletter."))
        else:
            subscription = NewsletterSubscription.objects.filter(user=request.user).first()
            if subscription:
                services.newsletter_unsubscribe(subscription=subscription)
            messages.success(request, gettext("You will no longer receive the newsletter."))
        return redirect("stories:newsletter_list")


@method_decorator(login_not_required, name="dispatch")
class NewsletterUnsubscribeView(TemplateView):
    """The link in every newsletter: works without signing in; the random token is the key.
    GET asks for confirmation (mail scanners follow links), POST unsubscribes."""

    template_name = "stories/newsletter_unsubscribe.html"

    def get_subscription(self):
        return get_object_or_404(NewsletterSubscription, token=self.kwargs["token"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subscription"] = self.get_subscription()
        return context

    def post(self, request, token):
        subscription = services.newsletter_unsubscribe(subscription=self.get_subscription())
        return render(request, self.template_name, {"subscription": subscription, "done": True})
