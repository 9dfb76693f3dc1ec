import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inventory import services
from inventory.models import ImportRun
from value.models import Solution

from .files import resource, template_csv
from .helpers import preview

PAGES = [
    ("inventory:run_list", {}),
    ("inventory:run_upload", {}),
    ("inventory:template_download", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_pages_need_sign_in_and_the_coe(client, maker, coe_lead, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    assert client.get(url).status_code == 302
    client.force_login(maker)
    assert client.get(url).status_code == 403
    client.force_login(coe_lead)
    assert client.get(url).status_code == 200


def test_run_detail_is_the_coes_only(client, tmp_path, maker, executive, coe_lead, unit):
    run = preview(tmp_path, template_csv([resource("r1", "App")]))
    url = run.get_absolute_url()
    assert client.get(url).status_code == 302
    for person in (maker, executive):
        client.force_login(person)
        assert client.get(url).status_code == 403
    client.force_login(coe_lead)
    page = client.get(url)
    assert page.status_code == 200
    assert b"Confirm and import" in page.content and b"App" in page.content


def test_upload_then_confirm_publishes_the_tasks_after_commit(
    client, coe_lead, unit, django_capture_on_commit_callbacks
):
    client.force_login(coe_lead)
    upload = SimpleUploadedFile("inv.csv", template_csv([resource("r1", "App")]), "text/csv")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("inventory:run_upload"), {"file": upload, "is_full": "on"})
    run = ImportRun.objects.get()
    assert response.url == run.get_absolute_url()
    assert (run.status, run.created_by, len(callbacks)) == ("pending", coe_lead, 1)
    services.run_preview(run_id=run.pk)  # what the published task does
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("inventory:run_confirm", kwargs={"uuid": run.uuid}))
    run.refresh_from_db()
    assert (run.status, run.confirmed_by, len(callbacks)) == ("committing", coe_lead, 1)
    services.run_commit(run_id=run.pk)
    assert Solution.objects.get().name == "App"


def test_upload_of_a_file_over_the_limit_shows_the_error_at_the_field(client, coe_lead, settings):
    settings.INVENTORY_MAX_FILE_BYTES = 100
    client.force_login(coe_lead)
    upload = SimpleUploadedFile("inv.csv", template_csv([resource("r1", "App")] * 5))
    response = client.post(reverse("inventory:run_upload"), {"file": upload})
    assert response.status_code == 200
    assert "larger than the limit" in response.context["form"].errors["file"][0]
    assert not ImportRun.objects.exists()


def test_confirming_a_rejected_run_says_why(client, tmp_path, coe_lead, unit):
    run = preview(tmp_path, template_csv([resource("r1", "")]))
    client.force_login(coe_lead)
    response = client.post(reverse("inventory:run_confirm", kwargs={"uuid": run.uuid}), follow=True)
    assert b"Only a previewed run" in response.content
    run.refresh_from_db()
    assert run.status == "rejected"


def test_progress_panel_polls_while_working_and_reloads_when_done(client, tmp_path, coe_lead, unit):
    run = preview(tmp_path, template_csv([resource("r1", "App")]))
    ImportRun.objects.filter(pk=run.pk).update(status="committing", lock="busy")
    client.force_login(coe_lead)
    url = reverse("inventory:run_progress", kwargs={"uuid": run.uuid})
    working = client.get(url, headers={"HX-Request": "true"})
    assert b'hx-trigger="every 2s"' in working.content and "HX-Refresh" not in working
    services.run_commit(run_id=run.pk)
    done = client.get(url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true" and b"hx-trigger" not in done.content


def test_template_download_is_a_csv_our_import_reads(client, coe_lead, tmp_path, unit):
    client.force_login(coe_lead)
    response = client.get(reverse("inventory:template_download"))
    assert response["Content-Type"].startswith("text/csv")
    run = preview(tmp_path, response.content)
    assert (run.status, run.file_format, run.new_count) == ("previewed", "template", 1)


def test_run_list_query_count(client, tmp_path, coe_lead, unit, django_assert_max_num_queries):
    for number in range(3):
        preview(tmp_path, template_csv([resource(f"r{number}", "App")]), name=f"{number}.csv")
    client.force_login(coe_lead)
    # session, user, groups (policy), count, page of runs with their people; navigation's policy
    with django_assert_max_num_queries(8):
        response = client.get(reverse("inventory:run_list"))
    assert len(response.context["object_list"]) == 3
