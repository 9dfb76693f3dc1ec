import pytest
from django.db import connection

from stories.models import Story
from stories.services import story_refresh_search

from .factories import StoryFactory, TagFactory


@pytest.fixture
def corpus(db):
    title = StoryFactory(published=True, title="Invoice robot", overview="Saves time.")
    overview = StoryFactory(
        published=True, title="Warehouse dashboard", overview="Reads every invoice at night."
    )
    body = StoryFactory(
        published=True,
        title="Fleet app",
        overview="Vans are checked daily.",
        solution_summary="It also files the fuel invoice.",
    )
    tagged = StoryFactory(
        published=True,
        title="Portal",
        overview="Suppliers register.",
        tags=[TagFactory(name="invoices", slug="invoices")],
    )
    unrelated = StoryFactory(published=True, title="Onboarding agent", overview="Answers.")
    draft = StoryFactory(title="Invoice draft", overview="Not out yet.")
    for story in (title, overview, body, tagged, unrelated, draft):
        story_refresh_search(story=story)
    return {"title": title, "overview": overview, "body": body, "tagged": tagged,
            "unrelated": unrelated, "draft": draft}  # fmt: skip


def test_search_finds_matches_in_title_overview_sections_and_tags(corpus):
    found = set(Story.objects.published().search("invoice"))
    assert found == {corpus["title"], corpus["overview"], corpus["body"], corpus["tagged"]}


def test_empty_search_changes_nothing(corpus):
    assert Story.objects.published().search("  ").count() == 5


def test_postgres_ranks_title_above_overview_above_the_rest(corpus):
    if connection.vendor != "postgresql":
        pytest.skip("full-text ranking needs PostgreSQL; SQLite uses the plain fallback")
    ranked = list(Story.objects.published().search("invoice"))
    assert ranked[:2] == [corpus["title"], corpus["overview"]]
    assert set(ranked[2:]) == {corpus["body"], corpus["tagged"]}
    assert ranked[0].rank > ranked[1].rank > ranked[2].rank


def test_postgres_search_understands_word_forms_and_phrases(corpus):
    if connection.vendor != "postgresql":
        pytest.skip("stemming and web-search syntax need PostgreSQL full-text search")
    assert corpus["overview"] in Story.objects.published().search("invoicing")
    assert list(Story.objects.published().search('"fuel invoice"')) == [corpus["body"]]
    assert corpus["title"] not in Story.objects.published().search("invoice -robot")


def test_the_search_index_exists_on_postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("GIN indexes exist only on PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'stories_story_search_gin'"
        )
        (definition,) = cursor.fetchone()
    assert "gin (search_vector)" in definition
