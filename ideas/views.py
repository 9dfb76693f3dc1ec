"""Pages of the ideas app: the backlog (list and board), an idea and its chain, the guided form,
votes and comments, the CoE's review, score weights, profiles, badges and champions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts.models import User
from accounts.policy import PolicyRequiredMixin, can, require
from config.jobs import enqueue_on_commit

from . import services
from .badges import badges_since
from .chain import idea_chain, maker_portfolio
from .forms import (
    AcceptForm,
    BadgeRuleForm,
    ChampionForm,
    CommentForm,
    DeclineForm,
    IdeaFilterForm,
    IdeaForm,
    ProfileForm,
    ReviewForm,
    WeightsForm,
)
from .models import Badge, BadgeRule, Champion, Idea, IdeaVote, MakerProfile, ScoreWeights
from .services import IdeaStateError, KeyResultLink
from .tasks import badges_award_all_task

BOARD_COLUMN_SIZE = 12


def _visible_idea(request, uuid) -> Idea:
    idea = get_object_or_404(Idea.objects.visible_to(request.user), uuid=uuid)
    require(request.user, "ideas.view_idea", idea)
    return idea


def _backlog_filters(request):
    """The filter form and the filtered backlog; bad filter values are ignored with an error."""
    form = IdeaFilterForm(request.GET or None)
    ideas = Idea.objects.visible_to(request.user).in_backlog()
    key_result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        key_result = data.get("kr")
        ideas = ideas.filtered(
            unit=data.get("unit"),
            status=data.get("status") or "",
            key_result=key_result,
            area=data.get("area"),
        )
    return form, ideas, key_result


class IdeaListView(PolicyRequiredMixin, ListView):
    """The backlog, sorted by score, with its filters. Query count does not grow with ideas:
    the score and vote count are stored on each idea by the services."""

    permission_action = "ideas.view_idea"
    template_name = "ideas/idea_list.html"
    context_object_name = "ideas"
    paginate_by = 25

    def get_queryset(self):
        self.filter_form, ideas, self.key_result = _backlog_filters(self.request)
        return ideas.for_list().by_score()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page_ids = [idea.pk for idea in context["ideas"]]
        context.update(
            filter_form=self.filter_form,
            key_result=self.key_result,
            voted=set(
                IdeaVote.objects.filter(user=self.request.user, idea_id__in=page_ids).values_list(
                    "idea_id", flat=True
                )
            ),
            query=self.request.GET.copy(),
        )
        context["query"].pop("page", None)
        return context


class IdeaBoardView(PolicyRequiredMixin, TemplateView):
    """The backlog as a board: a column per status with its best-scored ideas and its count
    (one query per column plus one for the counts)."""

    permission_action = "ideas.view_idea"
    template_name = "ideas/idea_board.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, ideas, key_result = _backlog_filters(self.request)
        counts = dict(ideas.order_by().values_list("status").annotate(n=Count("pk")))
        columns = []
        for status, label in Idea.Status.choices:
            if status == Idea.Status.DRAFT:
                continue
            cards = list(ideas.filter(status=status).for_list().by_score()[:BOARD_COLUMN_SIZE])
            columns.append(
                {"status": status, "label": label, "cards": cards, "count": counts.get(status, 0)}
            )
        query = self.request.GET.copy()
        context.update(filter_form=form, key_result=key_result, columns=columns, query=query)
        return context


def idea_detail_page(request, uuid, forms: dict | None = None):
    """Render an idea's page; `forms` carries a bound form with its errors after a bad POST."""
    idea = get_object_or_404(
        Idea.objects.visible_to(request.user).select_related(
            "business_unit", "author", "maturity_area", "cost_item", "solution"
        ),
        uuid=uuid,
    )
    require(request.user, "ideas.view_idea", idea)
    user = request.user
    may_review = can(user, "ideas.review_idea", idea)
    forms = forms or {}
    context = {
        "idea": idea,
        "links": idea.key_result_links.select_related("key_result__objective__plan"),
        "breakdown": services.idea_breakdown(idea),
        "weights": ScoreWeights.current(),
        "voted": IdeaVote.objects.filter(idea=idea, user=user).exists(),
        "comments": idea.comments.select_related("author"),
        "comment_form": forms.get("comment") or CommentForm(),
        "may_edit": can(user, "ideas.edit_idea", idea),
        "may_review": may_review,
        "chain": idea_chain(idea, user),
        "may_view_solution": bool(
            idea.solution_id and can(user, "value.view_solution", idea.solution)
        ),
    }
    if may_review:
        context.update(
            review_form=forms.get("review")
            or ReviewForm(initial={"effort": idea.effort or "m", "risk": idea.risk}),
            decline_form=forms.get("decline") or DeclineForm(),
            accept_form=forms.get("accept") or AcceptForm(),
        )
    status = 400 if forms else 200
    return render(request, "ideas/idea_detail.html", context, status=status)


class IdeaDetailView(PolicyRequiredMixin, View):
    """One idea: its pain point and estimate, its key results, the score and why, votes and
    comments, the CoE's actions and the chain to its solution, value and stories."""

    permission_action = "ideas.view_idea"

    def get(self, request, uuid):
        return idea_detail_page(request, uuid)


class IdeaFormView(PolicyRequiredMixin, View):
    """The guided form: create or change an idea. "Save draft" keeps it to yourself, "Estimate"
    shows the potential value without saving, "Submit" puts it in the backlog."""

    permission_action = "ideas.submit_idea"

    def get_idea(self, uuid) -> Idea | None:
        if uuid is None:
            return None
        idea = _visible_idea(self.request, uuid)
        require(self.request.user, "ideas.edit_idea", idea)
        return idea

    def _links(self, idea):
        if idea is None:
            return []
        return [
            KeyResultLink(key_result=link.key_result, how=link.how)
            for link in idea.key_result_links.select_related("key_result")
        ]

    def _render(self, form, idea, estimate=None):
        return render(
            self.request,
            "ideas/idea_form.html",
            {
                "form": form,
                "idea": idea,
                "estimate": estimate,
                "kr_slots": services.MAX_KEY_RESULTS,
            },
        )

    def get(self, request, uuid=None):
        idea = self.get_idea(uuid)
        initial = {} if idea else {"business_unit": request.user.business_unit_id}
        form = IdeaForm(instance=idea, initial=initial, links=self._links(idea))
        return self._render(form, idea)

    def post(self, request, uuid=None):
        idea = self.get_idea(uuid)
        form = IdeaForm(request.POST, instance=idea or Idea(author=request.user))
        if not form.is_valid():
            return self._render(form, idea)
        action = request.POST.get("action", "draft")
        if action == "estimate":
            preview = form.instance
            for name, value in form.idea_data().items():
                setattr(preview, name, value)
            return self._render(form, idea, services.idea_estimate(preview))
        try:
            saved = services.idea_save(
                idea=idea or Idea(),
                actor=request.user,
                data=form.idea_data(),
                key_results=form.key_result_links,
                submit=action == "submit",
            )
        except (IdeaStateError, ValidationError) as error:
            form.add_error(
                None, error.messages if isinstance(error, ValidationError) else str(error)
            )
            return self._render(form, idea)
        if saved.is_draft:
            messages.success(request, _("Draft saved. Only you and the CoE can see it."))
        else:
            messages.success(request, _("Your idea is in the backlog."))
        return redirect(saved)


class IdeaVoteView(PolicyRequiredMixin, View):
    """POST: vote for an idea (once), or withdraw the vote."""

    permission_action = "ideas.vote_idea"

    def post(self, request, uuid):
        idea = _visible_idea(request, uuid)
        try:
            if request.POST.get("action") == "withdraw":
                services.idea_unvote(idea=idea, user=request.user)
                messages.success(request, _("Vote withdrawn."))
            else:
                added = services.idea_vote(idea=idea, user=request.user)[1]
                messages.success(
                    request, _("Thanks for your vote.") if added else _("You have already voted.")
                )
        except IdeaStateError as error:
            messages.error(request, str(error))
        return redirect(idea)


class IdeaCommentView(PolicyRequiredMixin, View):
    permission_action = "ideas.comment_idea"

    def post(self, request, uuid):
        idea = _visible_idea(request, uuid)
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.idea_comment(
                    idea=idea, author=request.user, body=form.cleaned_data["body"]
                )
            except IdeaStateError as error:
                messages.error(request, str(error))
                return redirect(idea)
            messages.success(request, _("Comment added."))
            return redirect(f"{idea.get_absolute_url()}#comments")
        return idea_detail_page(request, uuid, {"comment": form})


class IdeaReviewActionView(PolicyRequiredMixin, View):
    """POST (CoE): score, decline, accept or move on. Errors show next to the field."""

    permission_action = "ideas.review_idea"

    def post(self, request, uuid, action):
        idea = _visible_idea(request, uuid)
        user = request.user
        try:
            if action == "review":
                form = ReviewForm(request.POST)
                if not form.is_valid():
                    return idea_detail_page(request, uuid, {"review": form})
                services.idea_review(
                    idea=idea,
                    actor=user,
                    effort=form.cleaned_data["effort"],
                    risk=form.cleaned_data["risk"],
                )
                messages.success(request, _("Score saved."))
            elif action == "decline":
                form = DeclineForm(request.POST)
                if not form.is_valid():
                    return idea_detail_page(request, uuid, {"decline": form})
                services.idea_decline(idea=idea, actor=user, reason=form.cleaned_data["reason"])
                messages.success(request, _("Idea declined."))
            elif action == "accept":
                form = AcceptForm(request.POST)
                if not form.is_valid():
                    return idea_detail_page(request, uuid, {"accept": form})
                services.idea_accept(
                    idea=idea,
                    actor=user,
                    kind=form.cleaned_data["kind"],
                    owner=form.cleaned_data["owner"],
                )
                messages.success(request, _("Accepted: its solution is in the inventory."))
            elif action == "advance":
                services.idea_advance(idea=idea, actor=user)
                messages.success(request, _("Status moved on."))
            else:
                raise Http404
        except IdeaStateError as error:
            messages.error(request, str(error))
        return redirect(idea)


class IdeaSimilarView(PolicyRequiredMixin, View):
    """JSON for duplicate suggestions while typing: up to five visible ideas like `q`."""

    permission_action = "ideas.view_idea"

    def get(self, request):
        q = request.GET.get("q", "")[:500]
        exclude = request.GET.get("exclude", "")
        ideas = Idea.objects.visible_to(request.user).in_backlog()
        try:
            ideas = ideas.exclude(uuid=exclude) if exclude else ideas
            rows = list(ideas.similar_to(q).only("uuid", "title", "status", "vote_count"))
        except ValidationError:
            rows = []
        return JsonResponse(
            {
                "results": [
                    {
                        "url": idea.get_absolute_url(),
                        "title": idea.title,
                        "status": idea.get_status_display(),
                        "votes": idea.vote_count,
                    }
                    for idea in rows
                ]
            }
        )


class WeightsView(PolicyRequiredMixin, View):
    """The CoE edits the score weights; every idea is rescored."""

    permission_action = "ideas.manage_weights"

    def get(self, request):
        form = WeightsForm(instance=ScoreWeights.current())
        return render(request, "ideas/weights_form.html", {"form": form})

    def post(self, request):
        form = WeightsForm(request.POST, instance=ScoreWeights.current())
        if not form.is_valid():
            return render(request, "ideas/weights_form.html", {"form": form})
        services.weights_save(actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Weights saved; every idea is rescored."))
        return redirect("ideas:idea_list")


# Makers recognised ---------------------------------------------------------------------------


def profile_page(request, profile: MakerProfile):
    require(request.user, "ideas.view_profile", profile)
    context = {
        "profile": profile,
        "portfolio": maker_portfolio(profile.user, request.user),
        "is_champion": Champion.objects.filter(user=profile.user).exists(),
        "may_edit": can(request.user, "ideas.edit_profile", profile),
    }
    return render(request, "ideas/profile_detail.html", context)


class ProfileDetailView(PolicyRequiredMixin, View):
    """A maker's portfolio: solutions, stories, ideas, value, talks, skills and badges."""

    permission_action = "ideas.view_profile"

    def get(self, request, uuid):
        profile = get_object_or_404(
            MakerProfile.objects.visible_to(request.user).select_related(
                "user", "user__business_unit"
            ),
            uuid=uuid,
        )
        return profile_page(request, profile)


class MyProfileView(PolicyRequiredMixin, View):
    """Edit your own profile. Before the first save it is an empty one, not stored: a GET writes
    nothing (a write would also make every cached figure stale)."""

    permission_action = "ideas.edit_profile"

    def get(self, request):
        profile = services.profile_shown(request.user)
        return render(
            request,
            "ideas/profile_form.html",
            {"form": ProfileForm(instance=profile), "profile": profile},
        )

    def post(self, request):
        profile = services.profile_for(request.user)
        form = ProfileForm(request.POST, instance=profile)
        if not form.is_valid():
            return render(request, "ideas/profile_form.html", {"form": form, "profile": profile})
        services.profile_save(profile=profile, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Profile saved."))
        return redirect(profile)


class MakerProfileByNameView(PolicyRequiredMixin, View):
    """/ideas/makers/<username>/: that person's portfolio. Someone who has not filled in a
    profile yet gets an empty one, shown without being saved (a GET writes nothing)."""

    permission_action = "ideas.view_profile"

    def get(self, request, username):
        user = get_object_or_404(User, username=username, is_active=True)
        profile = services.profile_shown(user)
        visible = MakerProfile.objects.visible_to(request.user)
        if profile.pk is not None and not visible.filter(pk=profile.pk).exists():
            raise Http404
        return profile_page(request, profile)


class ChampionListView(PolicyRequiredMixin, View):
    """The champions the CoE curates; the CoE adds and removes them here."""

    permission_action = "ideas.view_badges"

    def get(self, request, form=None):
        champions = Champion.objects.select_related(
            "user", "user__business_unit", "user__maker_profile"
        )
        may_manage = can(request.user, "ideas.manage_champions")
        return render(
            request,
            "ideas/champion_list.html",
            {"champions": champions, "may_manage": may_manage, "form": form or ChampionForm()},
        )

    def post(self, request):
        require(request.user, "ideas.manage_champions")
        if "remove" in request.POST:
            champion = get_object_or_404(Champion, pk=request.POST.get("remove"))
            services.champion_remove(champion=champion, actor=request.user)
            messages.success(request, _("Removed from the champions."))
            return redirect("ideas:champion_list")
        form = ChampionForm(request.POST)
        if not form.is_valid():
            return self.get(request, form=form)
        services.champion_add(
            user=form.cleaned_data["username"], actor=request.user, note=form.cleaned_data["note"]
        )
        messages.success(request, _("Champion added."))
        return redirect("ideas:champion_list")


class BadgeListView(PolicyRequiredMixin, ListView):
    """The badges and their rules, and the latest awards; the CoE edits the rules."""

    permission_action = "ideas.view_badges"
    template_name = "ideas/badge_list.html"
    context_object_name = "awards"
    paginate_by = 25

    def get_queryset(self):
        return Badge.objects.select_related("rule", "user", "user__maker_profile").order_by(
            "-awarded_at"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rules"] = BadgeRule.objects.annotate(awarded=Count("awards"))
        context["may_manage"] = can(self.request.user, "ideas.manage_badges")
        return context

    def post(self, request):
        require(request.user, "ideas.manage_badges")
        enqueue_on_commit(badges_award_all_task)
        messages.success(request, _("Badges are being checked for everyone; refresh in a moment."))
        return redirect("ideas:badge_list")


class BadgeRuleFormView(PolicyRequiredMixin, View):
    permission_action = "ideas.manage_badges"

    def _rule(self, uuid):
        return get_object_or_404(BadgeRule, uuid=uuid) if uuid else BadgeRule()

    def get(self, request, uuid=None):
        rule = self._rule(uuid)
        return render(
            request,
            "ideas/badge_rule_form.html",
            {"form": BadgeRuleForm(instance=rule), "rule": rule},
        )

    def post(self, request, uuid=None):
        rule = self._rule(uuid)
        form = BadgeRuleForm(request.POST, instance=rule)
        if not form.is_valid():
            return render(request, "ideas/badge_rule_form.html", {"form": form, "rule": rule})
        services.badge_rule_save(rule=rule, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Badge rule saved."))
        return redirect("ideas:badge_list")


def newsletter_badge_panel(request, newsletter=None) -> str | None:
    """For the newsletter composer: badges awarded since the last issue went out, to announce."""
    from django.template.loader import render_to_string

    from stories.models import Newsletter

    if not can(request.user, "ideas.view_badges"):
        return None
    last = (
        Newsletter.objects.filter(status="sent")
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    badges = badges_since(last)
    return render_to_string(
        "ideas/_newsletter_badges.html", {"badges": badges, "since": last}, request=request
    )


def _idea_panel(request, solution_id) -> str | None:
    from django.template.loader import render_to_string

    if not solution_id:
        return None
    idea = Idea.objects.visible_to(request.user).filter(solution_id=solution_id).first()
    if idea is None:
        return None
    return render_to_string("ideas/_idea_link.html", {"idea": idea}, request=request)


def solution_idea_panel(request, solution) -> str | None:
    """For a solution's page: the idea it came from, if any (value never imports ideas)."""
    return _idea_panel(request, solution.pk)


def story_idea_panel(request, story) -> str | None:
    """For a story's page: the idea behind the story's solution, if any."""
    return _idea_panel(request, story.solution_id)
