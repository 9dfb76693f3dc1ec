"""Story pictures through the API: the page's upload checks and the same edit service."""

import io

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from stories.models import Story, StoryEvent, StoryImage

from .factories import StoryFactory, StoryMetricFactory, TagFactory
from .test_api import api
from .test_uploads import bomb_png, png_bytes

S = Story.Status


def images_url(story) -> str:
    return f"/api/v1/stories/{story.uuid}/images/"


def picture(name="photo.png", data=None, content_type="image/png"):
    return SimpleUploadedFile(name, data if data is not None else png_bytes(), content_type)


def add_image(story, caption="") -> StoryImage:
    image = StoryImage(story=story, caption=caption, position=story.images.count())
    image.image.save("seed.png", ContentFile(png_bytes(8, 6), name="seed.png"), save=False)
    image.save()
    return image


def test_author_adds_a_picture_to_their_draft(maker):
    story = StoryFactory(author=maker, tags=[TagFactory(name="invoices")])
    metric = StoryMetricFactory(story=story)
    data = png_bytes(40, 30) + b"<html><script>alert(1)</script></html>"
    response = api(maker).post(
        images_url(story),
        {"image": picture(data=data), "caption": "Before and after"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["caption"], body["width"], body["height"]) == ("Before and after", 40, 30)
    image = story.images.get()
    assert str(image.uuid) == body["uuid"] and body["url"].endswith(image.image.name)
    stored = image.image.read()
    assert stored.startswith(b"\x89PNG") and b"<script>" not in stored  # re-encoded
    # the rest of the story is untouched, and the edit is on its trail
    assert [t.name for t in story.tags.all()] == ["invoices"]
    assert list(story.metrics.values_list("uuid", flat=True)) == [metric.uuid]
    assert story.events.filter(kind=StoryEvent.Kind.EDITED, actor=maker).count() == 1


def test_a_jpeg_loses_its_metadata(maker):
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    Image.new("RGB", (20, 10), "blue").save(out, "JPEG", exif=exif)
    story = StoryFactory(author=maker)
    response = api(maker).post(
        images_url(story),
        {"image": picture("p.jpg", out.getvalue(), "image/jpeg")},
        format="multipart",
    )
    assert response.status_code == 201
    assert b"Camera maker" not in story.images.get().image.read()


def test_files_that_are_not_accepted_pictures_are_a_400_with_the_reason(maker):
    story = StoryFactory(author=maker)
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    cases = {
        "SVG, HTML and other text files are not accepted": picture(
            "logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"
        ),
        "not a picture we can read": picture("run.png", b"MZ\x90\x00" + b"\x00" * 200),
        "GIF pictures are not accepted": picture("a.gif", gif.getvalue(), "image/gif"),
        "too many pixels": picture("bomb.png", bomb_png(20000)),
        "This picture is damaged": picture("cut.png", png_bytes(200, 200, "green")[:-40]),
    }
    client = api(maker)
    for reason, upload in cases.items():
        response = client.post(images_url(story), {"image": upload}, format="multipart")
        assert response.status_code == 400, reason
        assert reason in response.json()["image"][0]
    missing = client.post(images_url(story), {"caption": "No file"}, format="multipart")
    assert missing.status_code == 400 and "image" in missing.json()
    assert not StoryImage.objects.exists()
    assert not story.events.exists()


def test_an_eleventh_picture_is_refused(maker):
    story = StoryFactory(author=maker)
    for _ in range(10):
        add_image(story)
    response = api(maker).post(images_url(story), {"image": picture()}, format="multipart")
    assert response.status_code == 400
    assert response.json()["image"] == ["A story may have at most 10 pictures."]
    assert story.images.count() == 10


def test_who_may_add_pictures(maker, other_maker, executive, coe_lead):
    own_submitted = StoryFactory(author=maker, status=S.SUBMITTED)
    sent_back = StoryFactory(author=maker, status=S.CHANGES_REQUESTED)
    others_draft = StoryFactory(author=other_maker)
    others_published = StoryFactory(author=other_maker, published=True)

    def post(user, story):
        return api(user).post(images_url(story), {"image": picture()}, format="multipart")

    assert post(maker, own_submitted).status_code == 403  # in review: the CoE's now
    assert post(maker, sent_back).status_code == 201
    assert post(maker, others_draft).status_code == 404
    assert post(maker, others_published).status_code == 403
    assert post(executive, others_published).status_code == 403
    assert post(coe_lead, own_submitted).status_code == 201
    assert api().post(images_url(sent_back), {"image": picture()}).status_code == 401
    assert StoryImage.objects.count() == 2


def test_author_deletes_a_picture_and_its_file(maker, django_capture_on_commit_callbacks):
    story = StoryFactory(author=maker)
    keep, gone = add_image(story, "keep"), add_image(story, "gone")
    storage, name = gone.image.storage, gone.image.name
    with django_capture_on_commit_callbacks(execute=True):
        response = api(maker).delete(f"{images_url(story)}{gone.uuid}/")
    assert response.status_code == 204
    assert [i.uuid for i in story.images.all()] == [keep.uuid]
    assert not storage.exists(name)
    assert api(maker).delete(f"{images_url(story)}{gone.uuid}/").status_code == 404


def test_only_the_story_s_editors_delete_its_pictures(maker, executive, other_maker):
    story = StoryFactory(author=maker, published=True)
    image = add_image(story)
    url = f"{images_url(story)}{image.uuid}/"
    assert api(executive).delete(url).status_code == 403
    assert api(other_maker).delete(url).status_code == 403
    assert api(maker).delete(url).status_code == 403  # published: only the CoE changes it
    assert api(maker).delete(f"/api/v1/stories/{story.uuid}/").status_code == 405
    assert story.images.count() == 1


def test_a_picture_of_another_story_is_not_found(maker):
    mine, other = StoryFactory(author=maker), StoryFactory(author=maker)
    image = add_image(other)
    assert api(maker).delete(f"{images_url(mine)}{image.uuid}/").status_code == 404
    assert other.images.count() == 1
