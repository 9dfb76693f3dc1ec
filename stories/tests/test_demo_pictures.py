"""The demo library has varied, believable pictures, drawn at set-up: the same every time."""

import hashlib
import io
import time

import pytest
from django.core.management import call_command
from PIL import Image

from stories.demo import STORIES
from stories.demo_pictures import story_pictures
from stories.models import Story, StoryImage


def _digests(spec) -> list[str]:
    return [hashlib.sha256(file.read()).hexdigest() for _, file in story_pictures(spec)]


def test_every_story_gets_its_own_pictures_the_same_each_time():
    started = time.monotonic()
    first = {spec["title"]: _digests(spec) for spec in STORIES}
    took = time.monotonic() - started
    assert first == {spec["title"]: _digests(spec) for spec in STORIES}  # deterministic
    every = [digest for digests in first.values() for digest in digests]
    assert len(every) == len(set(every))  # no picture twice, within or across stories
    with_content = [spec for spec in STORIES if spec["metrics"] or spec["architecture"]]
    assert all(len(first[spec["title"]]) >= 2 for spec in with_content)
    assert took < 10  # about a second on a busy 2-core machine


def test_pictures_are_pngs_with_captions_from_the_story():
    spec = next(s for s in STORIES if s["kind"] == "canvas_app")
    pictures = story_pictures(spec)
    assert [caption for caption, _ in pictures] == [
        "The inspection checklist on a driver's phone",
        "How it works: Canvas app (offline) → Dataverse → cloud flow → workshop planner",
        "Paper inspection forms: 400 → 0 forms per month",
    ]
    for _, file in pictures:
        image = Image.open(io.BytesIO(file.read()))
        assert (image.format, image.size) == ("PNG", (1200, 675))
        # Drawn, not blank: many distinct colours.
        assert len(image.getcolors(maxcolors=100_000) or []) > 20


@pytest.mark.django_db
def test_the_demo_library_shows_no_picture_twice(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_content", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    images = StoryImage.objects.exclude(story__status=Story.Status.DRAFT)
    contents = [hashlib.sha256(image.image.read()).hexdigest() for image in images]
    assert len(contents) >= 10
    assert len(contents) == len(set(contents))
    assert len({image.caption for image in images}) == len(contents)
