"""The pages: access by role, the guided form's errors, votes, the CoE's actions, the pickers."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ideas.models import Idea, IdeaComment, MakerProfile
from stories.tests.factories import StoryFactory
from strategy.models import Plan
from strategy.tests.factories import KeyResultFactory
from value.models import Solution
from value.tests.factories import UnitCostFactory

from .factories import IdeaFactory, IdeaVoteFactory

D = Decimal


@pytest.fixture
def idea(unit, maker):
    return IdeaFactory(business_unit=unit, author=maker, title="Expense claims by app")


def _form(unit, **overrides):
    data = {
        "title": "Timesheets on the phone",
        "business_unit": unit.pk,
        "process": "Timesheets",
        "pain_point": "Paper timesheets are typed in again.",
        "people_affected": 20,
        "occurrences": 1,
        "period": "week",
        "minutes_now": 20,
        "minutes_after": 5,
        "items_avoided_per_year": 0,
        "action": "submit",
    }
    data.update(overrides)
    return data


def test_anonymous_is_sent_to_sign_in(client, idea):
    response = client.get(idea.get_absolute_url())
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_another_makers_draft_is_404(client, unit, maker, other_maker):
    draft = IdeaFactory(business_unit=unit, author=maker, status=Idea.Status.DRAFT)
    client.force_login(other_maker)
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "persona", ["maker", "other_maker", "executive", "coe_lead", "no_role_user"]
)
def test_everyone_signed_in_reads_the_backlog_and_an_idea(client, idea, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("ideas:idea_list")).status_code == 200
    assert client.get(reverse("ideas:idea_board")).status_code == 200
    assert client.get(idea.get_absolute_url()).status_code == 200


def test_anyone_submits_an_idea_with_a_key_result_and_sees_the_estimate(client, unit, executive):
    UnitCostFactory(
        business_unit=unit, name="Hour", measure="hour", amount=D("60"), is_staff_hour=True
    )
    kr = KeyResultFactory(title="Cut manual work by 20 %")
    client.force_login(executive)  # not only makers
    response = client.post(
        reverse("ideas:idea_create"), _form(unit, kr_1=str(kr.uuid), how_1="No retyping")
    )
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == idea.get_absolute_url()
    # 20 people x 1 x 46 weeks x 15 minutes / 60 = 230 hours x 60 = 13,800
    assert idea.potential_value_year == D("13800.00")
    assert idea.status == Idea.Status.NEW and idea.author == executive
    assert idea.key_result_links.get().how == "No retyping"
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "Cut manual work by 20 %" in page and "13,800" in page


def test_estimate_button_saves_nothing(client, unit, maker):
    client.force_login(maker)
    response = client.post(reverse("ideas:idea_create"), _form(unit, action="estimate"))
    assert response.status_code == 200 and not Idea.objects.exists()
    assert response.context["estimate"].hours_year == D("230.0")


def test_draft_stays_private(client, unit, maker):
    client.force_login(maker)
    client.post(reverse("ideas:idea_create"), _form(unit, action="draft"))
    assert Idea.objects.get().status == Idea.Status.DRAFT


def test_ten_million_people_is_refused_next_to_the_field(client, unit, maker):
    client.force_login(maker)
    response = client.post(reverse("ideas:idea_create"), _form(unit, people_affected=10_000_000))
    assert response.status_code == 200 and not Idea.objects.exists()
    assert "people_affected" in response.context["form"].errors


def test_negative_minutes_and_more_time_after_are_refused(client, unit, maker):
    client.force_login(maker)
    response = client.post(reverse("ideas:idea_create"), _form(unit, minutes_now=-5))
    assert "minutes_now" in response.context["form"].errors
    response = client.post(reverse("ideas:idea_create"), _form(unit, minutes_after=50))
    assert "minutes_after" in response.context["form"].errors
    assert not Idea.objects.exists()


def test_a_key_result_of_a_closed_plan_is_refused_next_to_the_field(client, unit, maker):
    kr = KeyResultFactory(objective__plan__status=Plan.Status.CLOSED)
    client.force_login(maker)
    response = client.post(reverse("ideas:idea_create"), _form(unit, kr_1=str(kr.uuid)))
    assert "kr_1" in response.context["form"].errors
    assert not Idea.objects.exists()


def test_markup_in_text_fields_is_shown_harmless(client, unit, maker):
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))"
    client.force_login(maker)
    client.post(reverse("ideas:idea_create"), _form(unit, title=payload, pain_point=payload))
    idea = Idea.objects.get()
    client.post(reverse("ideas:idea_comment", args=[idea.uuid]), {"body": payload})
    assert IdeaComment.objects.get().body == payload  # kept as written, nothing lost
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "<script>alert" not in page  # escaped as text, or dropped by the sanitiser
    assert "<img" not in page
    assert 'href="javascript:' not in page


def test_a_maker_editing_anothers_idea_gets_403(client, idea, other_maker):
    client.force_login(other_maker)
    url = reverse("ideas:idea_edit", args=[idea.uuid])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "Hijacked"}).status_code == 403
    assert Idea.objects.get(pk=idea.pk).title == "Expense claims by app"


def test_a_maker_cannot_take_coe_decisions(client, idea, maker):
    client.force_login(maker)
    url = reverse("ideas:idea_review_action", args=[idea.uuid, "accept"])
    assert client.post(url, {"kind": "canvas_app"}).status_code == 403
    assert not Solution.objects.exists()


def test_voting_twice_counts_once_and_declined_ideas_refuse_votes(
    client, idea, other_maker, coe_lead
):
    client.force_login(other_maker)
    url = reverse("ideas:idea_vote", args=[idea.uuid])
    client.post(url)
    client.post(url)
    idea.refresh_from_db()
    assert idea.vote_count == 1
    client.force_login(coe_lead)
    client.post(
        reverse("ideas:idea_review_action", args=[idea.uuid, "decline"]), {"reason": "Duplicate"}
    )
    client.force_login(other_maker)
    client.post(url, {"action": "withdraw"})
    idea.refresh_from_db()
    assert idea.status == Idea.Status.DECLINED
    response = client.post(reverse("ideas:idea_vote", args=[idea.uuid]), follow=True)
    assert "closed" in response.content.decode()


def test_coe_scores_and_accepts_and_errors_stay_next_to_the_field(client, idea, coe_lead):
    client.force_login(coe_lead)
    response = client.post(
        reverse("ideas:idea_review_action", args=[idea.uuid, "review"]), {"effort": "m", "risk": 9}
    )
    assert response.status_code == 400 and "risk" in response.context["review_form"].errors
    client.post(
        reverse("ideas:idea_review_action", args=[idea.uuid, "review"]), {"effort": "s", "risk": 1}
    )
    client.post(
        reverse("ideas:idea_review_action", args=[idea.uuid, "accept"]), {"kind": "cloud_flow"}
    )
    idea.refresh_from_db()
    assert idea.status == Idea.Status.ACCEPTED and idea.solution.kind == "cloud_flow"


def test_key_result_picker_lists_only_active_plans_a_page_at_a_time(client, maker):
    """The idea form's key results come from the shared picker: live key results of active
    plans only, twenty a page, keyed by UUID as the form submits them."""
    active = KeyResultFactory.create_batch(22, title="Automate approvals")
    KeyResultFactory(title="Automate closed things", objective__plan__status=Plan.Status.CLOSED)
    KeyResultFactory(title="Automate drafts", objective__plan__status=Plan.Status.DRAFT)
    client.force_login(maker)
    url = reverse("picker_search", args=["idea-key-results"])
    first = client.get(url, {"q": "automate"}).json()
    second = client.get(url, {"q": "automate", "page": 2}).json()
    ids = {row["value"] for row in first["results"] + second["results"]}
    assert len(first["results"]) == 20 and first["more"] and not second["more"]
    assert ids == {str(kr.uuid) for kr in active}
    form = client.get(reverse("ideas:idea_create")).content.decode()
    assert f'data-picker-url="{url}"' in form or f'data-picker-url="{url}?key=uuid"' in form


def test_key_result_picker_needs_sign_in(client):
    url = reverse("picker_search", args=["idea-key-results"])
    assert client.get(url).status_code in (302, 403)


def test_duplicate_suggestions_find_a_similar_title(client, unit, maker):
    IdeaFactory(business_unit=unit, title="Holiday requests approved in Teams")
    IdeaFactory(business_unit=unit, title="Warehouse stock counts")
    IdeaFactory(business_unit=unit, title="Holiday planner draft", status=Idea.Status.DRAFT)
    from ideas.services import idea_refresh_search

    for idea in Idea.objects.all():
        idea_refresh_search(idea)
    client.force_login(maker)
    rows = client.get(reverse("ideas:idea_similar"), {"q": "holiday request approval"}).json()
    assert [r["title"] for r in rows["results"]] == ["Holiday requests approved in Teams"]
    bad = client.get(reverse("ideas:idea_similar"), {"q": "a & | ! : ' (("})
    assert bad.status_code == 200 and bad.json()["results"] == []


def test_backlog_query_count_does_not_grow_with_ideas(
    client, unit, maker, django_assert_max_num_queries
):
    ideas = IdeaFactory.create_batch(30, business_unit=unit)
    for idea in ideas[:10]:
        IdeaVoteFactory(idea=idea)
    client.force_login(maker)
    # session, user, roles, count, page of ideas (units, authors, areas joined), my votes on
    # the page, units and areas for the filters
    with django_assert_max_num_queries(9):
        response = client.get(reverse("ideas:idea_list"))
    assert len(response.context["ideas"]) == 25
    IdeaFactory.create_batch(30, business_unit=unit)
    with django_assert_max_num_queries(9):
        client.get(reverse("ideas:idea_list"), {"unit": unit.slug, "status": "new"})


def test_board_query_count_is_flat(client, unit, maker, django_assert_max_num_queries):
    IdeaFactory.create_batch(20, business_unit=unit)
    client.force_login(maker)
    # session, user, roles, counts, one per column (6), units and areas for the filters
    with django_assert_max_num_queries(13):
        client.get(reverse("ideas:idea_board"))


def test_backlog_sorts_by_score(client, unit, maker):
    low = IdeaFactory(business_unit=unit, score=D("1"))
    high = IdeaFactory(business_unit=unit, score=D("9"))
    client.force_login(maker)
    ideas = list(client.get(reverse("ideas:idea_list")).context["ideas"])
    assert ideas == [high, low]


def test_a_hidden_profile_is_404_for_other_makers_but_not_for_readers(
    client, maker, other_maker, executive
):
    profile = MakerProfile.objects.create(user=maker, is_hidden_from_makers=True)
    client.force_login(other_maker)
    assert client.get(profile.get_absolute_url()).status_code == 404
    assert client.get(reverse("ideas:profile_by_name", args=["maker"])).status_code == 404
    client.force_login(executive)
    assert client.get(profile.get_absolute_url()).status_code == 200
    client.force_login(maker)
    assert client.get(profile.get_absolute_url()).status_code == 200


def test_portfolio_shows_ideas_stories_and_value(client, unit, maker, other_maker):
    from django.utils import timezone

    IdeaFactory(business_unit=unit, author=maker, title="Visitor badges")
    StoryFactory(
        author=maker, status="published", published_at=timezone.now(), title="Badges in a day"
    )
    client.force_login(other_maker)
    response = client.get(reverse("ideas:profile_by_name", args=[maker.username]), follow=True)
    page = response.content.decode()
    assert "Visitor badges" in page and "Badges in a day" in page


def test_only_the_coe_edits_weights_and_it_rescores(client, unit, maker, coe_lead):
    idea = IdeaFactory(business_unit=unit, potential_value_year=D("20000"))
    client.force_login(maker)
    assert client.get(reverse("ideas:weights_edit")).status_code == 403
    client.force_login(coe_lead)
    data = {"value": 1, "fit": 2, "votes": 1, "effort": 2, "risk": 1}
    data.update(value_per_point=10000, votes_per_point=5)
    client.post(reverse("ideas:weights_edit"), data)
    idea.refresh_from_db()
    assert idea.score == D("2.00")  # 20,000 / 10,000 = 2 points x 1


def test_champions_are_curated_by_the_coe(client, maker, coe_lead):
    client.force_login(maker)
    assert client.post(reverse("ideas:champion_list"), {"username": "maker"}).status_code == 403
    client.force_login(coe_lead)
    response = client.post(reverse("ideas:champion_list"), {"username": "nobody"})
    assert "No active user" in response.content.decode()
    client.post(reverse("ideas:champion_list"), {"username": "maker", "note": "Finance lead"})
    assert maker.champion.note == "Finance lead"


def test_story_and_solution_pages_link_back_to_the_idea(client, unit, maker, coe_lead):
    from django.utils import timezone

    from ideas import services

    idea = IdeaFactory(business_unit=unit, author=maker, title="Visitor sign-in on a tablet")
    services.idea_accept(idea=idea, actor=coe_lead, kind="canvas_app")
    idea.refresh_from_db()
    story = StoryFactory(
        author=maker,
        solution=idea.solution,
        status="published",
        published_at=timezone.now(),
        business_unit=unit,
    )
    client.force_login(maker)
    for url in (story.get_absolute_url(), idea.solution.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "It started as an idea" in page and idea.get_absolute_url() in page


def test_newsletter_composer_suggests_new_badges(client, maker, coe_lead):
    from ideas.models import Badge, BadgeRule

    Badge.objects.create(rule=BadgeRule.objects.get(kind="first_story"), user=maker, reason="R")
    client.force_login(coe_lead)
    page = client.get(reverse("stories:newsletter_create")).content.decode()
    assert "badges to celebrate" in page and "First story" in page


def test_your_own_profile_is_stored_at_its_first_save_not_at_its_first_visit(client, maker):
    from config import figures_cache

    client.force_login(maker)
    version = figures_cache.version()
    page = client.get(reverse("ideas:profile_edit"))
    assert page.status_code == 200
    assert not MakerProfile.objects.filter(user=maker).exists()
    assert figures_cache.version() == version  # a read made no cached figure stale
    portfolio = reverse("ideas:profile_by_name", args=[maker.username])
    assert portfolio in page.content.decode()
    assert client.get(portfolio).status_code == 200

    saved = client.post(
        reverse("ideas:profile_edit"),
        {"headline": "Flows for field teams", "skills": "Power Automate", "learning": ""},
    )
    assert saved.status_code == 302
    assert MakerProfile.objects.get(user=maker).headline == "Flows for field teams"
    assert "Flows for field teams" in client.get(reverse("ideas:profile_edit")).content.decode()
