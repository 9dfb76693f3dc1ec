"""The story pages in German: translated text, German number style, and phone-ready tables."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from stories.models import Story
from stories.templatetags.stories_tags import signed_percent

from .factories import StoryFactory, StoryMetricFactory

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """A German request leaves German active in this thread; later tests expect the default."""
    yield
    translation.deactivate()


@pytest.fixture
def published(maker):
    story = StoryFactory(
        author=maker,
        business_unit=maker.business_unit,
        published=True,
        hours_saved_per_year=Decimal("1234.5"),
    )
    StoryMetricFactory(story=story)  # 12 → 2 hours per week: -83.3 %
    return story


def test_signed_percent_follows_the_language():
    with translation.override("en-gb"):
        assert signed_percent(Decimal("-83.3")) == "-83.3 %"
    with translation.override("de"):
        assert signed_percent(Decimal("-83.3")) == "-83,3 %"
        assert signed_percent(Decimal("12.0")) == "+12,0 %"
    assert signed_percent(Decimal("0.0")) == "±0 %"
    assert signed_percent(None) == "—"


def test_a_story_reads_in_german_with_german_numbers(client, maker, published):
    client.force_login(maker)
    html = client.get(published.get_absolute_url(), **GERMAN).content.decode()
    assert "Wirkung und Nutzen" in html
    assert "Gemessen vor und nach dem Start der Lösung" in html
    assert 'data-label="Veränderung">-83,3 %</td>' in html
    # 1234.5 hours a year, grouped the German way.
    assert "<strong>1.234,5 Stunden</strong>" in html
    english = client.get(published.get_absolute_url()).content.decode()
    assert "Impact and benefits" in english and "<strong>1,234.5 hours</strong>" in english


def test_the_slide_outline_is_written_in_german(client, maker, published):
    client.force_login(maker)
    response = client.get(reverse("stories:story_outline", args=[published.uuid]), **GERMAN)
    text = response.content.decode()
    assert "## 1. Architektur" in text and "## 4. Geschäftswert" in text
    assert "| Messgröße | Vorher | Nachher | Veränderung |" in text
    assert "| Hours on invoices (hours per week) | 12 | 2 | -83,3 % |" in text
    assert "Geschätzte Einsparung pro Jahr: 1.234,5 Stunden." in text


def test_every_cell_of_the_review_queue_has_its_column_name_for_phones(client, coe_lead, maker):
    StoryFactory(author=maker, business_unit=maker.business_unit, status=Story.Status.SUBMITTED)
    client.force_login(coe_lead)
    html = client.get(reverse("stories:story_review_queue"), **GERMAN).content.decode()
    assert 'class="table table-hover table-stack' in html
    row = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    labels = re.findall(r'<td data-label="([^"]+)"', row)
    assert labels == ["Geschichte", "Status", "Autor/in", "Eingereicht", "Bewertung"]
    assert row.count("<td") == len(labels)
    assert "Eingereicht</span>" in row  # the status badge says its status in words
