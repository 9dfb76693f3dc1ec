import csv
import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from adoption import services
from adoption.models import Answer, Assessment, Target

from .factories import answer_all, start, submit


def urls_for(assessment):
    uuid = assessment.uuid
    slug = assessment.subject.slug
    return {
        "list": reverse("adoption:assessment_list"),
        "start": reverse("adoption:assessment_start"),
        "import": reverse("adoption:assessment_import"),
        "detail": reverse("adoption:assessment_detail", kwargs={"uuid": uuid}),
        "area": reverse("adoption:assessment_area", kwargs={"uuid": uuid, "area": "security"}),
        "csv": reverse("adoption:assessment_export", kwargs={"uuid": uuid, "fmt": "csv"}),
        "json": reverse("adoption:assessment_export", kwargs={"uuid": uuid, "fmt": "json"}),
        "subject": reverse("adoption:subject_detail", kwargs={"slug": slug}),
        "targets": reverse("adoption:subject_targets", kwargs={"slug": slug}),
        "subject_csv": reverse("adoption:subject_export", kwargs={"slug": slug, "fmt": "csv"}),
    }


def area_post(assessment, area_key, values, *, revision=None, button="save"):
    """POST data for an area page: values {question_key: "300" | "unsure" | ""}."""
    data = {"revision": assessment.revision if revision is None else revision, button: ""}
    for answer in assessment.answers.filter(area__key=area_key):
        data[f"q_{answer.question_key}"] = values.get(answer.question_key, "")
        data[f"note_{answer.question_key}"] = f"note for {answer.question_key}"
    return data


# --- Access per role ----------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in_everywhere(client, draft):
    for url in urls_for(draft).values():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))


def test_maker_gets_403_on_every_assessment_page(client, maker, draft):
    client.force_login(maker)
    for name, url in urls_for(draft).items():
        assert client.get(url).status_code == 403, name
    submit_url = reverse("adoption:assessment_submit", kwargs={"uuid": draft.uuid})
    assert client.post(submit_url).status_code == 403


def test_maker_does_not_see_the_assessments_menu(client, maker, content):
    client.force_login(maker)
    labels = [item["label"] for item in client.get("/").context["nav_items"]]
    assert "Maturity model" in labels and "Assessments" not in labels


def test_executive_reads_submitted_results_only(client, executive, draft, submitted):
    client.force_login(executive)
    response = client.get(reverse("adoption:assessment_list"))
    assert list(response.context["assessments"]) == [submitted]
    for name in ("detail", "csv", "json", "subject", "subject_csv"):
        assert client.get(urls_for(submitted)[name]).status_code == 200, name
    # the draft is not theirs to see
    assert client.get(urls_for(draft)["detail"]).status_code == 404
    assert client.get(urls_for(draft)["csv"]).status_code == 404


def test_executive_cannot_write_anything(client, executive, draft, submitted):
    client.force_login(executive)
    before = list(Answer.objects.order_by("pk").values_list("level", "note"))
    assert client.get(reverse("adoption:assessment_start")).status_code == 403
    assert client.post(reverse("adoption:assessment_start"), {"subject": ""}).status_code == 403
    assert client.get(urls_for(draft)["area"]).status_code == 403
    assert client.post(urls_for(draft)["area"], area_post(draft, "security", {})).status_code == 403
    for action in ("assessment_submit", "assessment_discard"):
        url = reverse(f"adoption:{action}", kwargs={"uuid": draft.uuid})
        assert client.post(url).status_code == 403
    assert client.get(urls_for(submitted)["targets"]).status_code == 403
    cadence = reverse("adoption:subject_cadence", kwargs={"slug": submitted.subject.slug})
    assert client.post(cadence, {"cadence_days": 30}).status_code == 403
    assert client.get(reverse("adoption:assessment_import")).status_code == 403
    assert list(Answer.objects.order_by("pk").values_list("level", "note")) == before
    assert Assessment.objects.count() == 2
    assert Target.objects.count() == 0


@pytest.mark.parametrize("persona", ["coe_lead", "admin_user"])
def test_coe_and_admin_open_every_page(client, request, persona, draft, submitted):
    client.force_login(request.getfixturevalue(persona))
    for name, url in urls_for(draft).items():
        if name == "subject_csv":
            continue
        assert client.get(url).status_code == 200, name
    for name, url in urls_for(submitted).items():
        if name == "area":
            continue
        assert client.get(url).status_code == 200, name


def test_submitted_assessment_cannot_be_edited(client, coe_lead, submitted):
    client.force_login(coe_lead)
    assert client.get(urls_for(submitted)["area"]).status_code == 403


def test_unknown_assessment_area_or_format_is_404(client, coe_lead, draft):
    client.force_login(coe_lead)
    url = reverse("adoption:assessment_area", kwargs={"uuid": draft.uuid, "area": "nothing"})
    assert client.get(url).status_code == 404
    url = reverse("adoption:assessment_export", kwargs={"uuid": draft.uuid, "fmt": "xlsx"})
    assert client.get(url).status_code == 404
    url = reverse("adoption:subject_detail", kwargs={"slug": "nobody"})
    assert client.get(url).status_code == 404


# --- Answering ----------------------------------------------------------------------------


def test_start_creates_a_draft_and_opens_the_first_area(client, coe_lead, content, unit):
    client.force_login(coe_lead)
    response = client.post(reverse("adoption:assessment_start"), {"subject": "finance"})
    assessment = Assessment.objects.get()
    assert assessment.subject.business_unit == unit
    assert response.url == reverse(
        "adoption:assessment_area", kwargs={"uuid": assessment.uuid, "area": "strategy_vision"}
    )


def test_start_with_an_unknown_unit_is_a_form_error(client, coe_lead, content):
    client.force_login(coe_lead)
    response = client.post(reverse("adoption:assessment_start"), {"subject": "no-such-unit"})
    assert response.status_code == 200
    assert "subject" in response.context["form"].errors
    assert Assessment.objects.count() == 0


def test_saving_an_area_stores_levels_notes_and_moves_on(client, coe_lead, draft):
    client.force_login(coe_lead)
    data = area_post(
        draft, "security", {"SE-1": "300", "SE-2": "unsure", "SE-3": "500"}, button="next"
    )
    response = client.post(urls_for(draft)["area"], data)
    assert response.url == reverse(
        "adoption:assessment_area", kwargs={"uuid": draft.uuid, "area": "governance"}
    )
    rows = {a.question_key: a for a in draft.answers.filter(area__key="security")}
    assert (rows["SE-1"].level, rows["SE-1"].note) == (300, "note for SE-1")
    assert rows["SE-2"].is_unsure and rows["SE-2"].level is None
    assert rows["SE-4"].is_open


def test_out_of_range_answer_is_an_error_next_to_the_question(client, coe_lead, draft):
    client.force_login(coe_lead)
    data = area_post(draft, "security", {"SE-1": "600", "SE-2": "300"})
    response = client.post(urls_for(draft)["area"], data)
    assert response.status_code == 200
    assert "q_SE-1" in response.context["form"].errors
    assert b'id="question-SE-1"' in response.content and b"invalid-feedback" in response.content
    assert not draft.answers.filter(level__isnull=False).exists()


def test_second_editor_is_told_and_keeps_what_they_typed(client, coe_lead, admin_user, draft):
    stale = draft.revision
    client.force_login(admin_user)
    client.post(urls_for(draft)["area"], area_post(draft, "security", {"SE-1": "200"}))
    client.force_login(coe_lead)
    data = area_post(draft, "security", {"SE-1": "400", "SE-5": "500"}, revision=stale)
    response = client.post(urls_for(draft)["area"], data)
    assert response.status_code == 409
    assert b"Someone else saved this assessment" in response.content
    form = response.context["form"]
    assert form["q_SE-1"].value() == "400" and form["q_SE-5"].value() == "500"
    assert b"Saved now: 200" in response.content
    # nothing of the second editor was written; the first editor's answer stands
    assert draft.answers.get(question_key="SE-1").level == 200
    assert draft.answers.get(question_key="SE-5").level is None
    # saving the same form again (it now carries the current revision) is accepted
    resubmit = dict(data, revision=form["revision"].value())
    assert client.post(urls_for(draft)["area"], resubmit).status_code == 302
    assert draft.answers.get(question_key="SE-1").level == 400


def test_submitting_an_incomplete_assessment_lists_the_open_questions(client, coe_lead, draft):
    answer_all(draft, 300)
    Answer.objects.filter(assessment=draft, question_key="GO-3").update(level=None)
    client.force_login(coe_lead)
    response = client.post(reverse("adoption:assessment_submit", kwargs={"uuid": draft.uuid}))
    assert response.status_code == 400
    assert [a.question_key for a in response.context["open_answers"]] == ["GO-3"]
    assert b"How are sharing and forgotten resources handled?" in response.content
    draft.refresh_from_db()
    assert draft.is_draft


def test_submitting_shows_levels_and_recommendations(client, coe_lead, draft):
    answer_all(draft, 200, by_area={"community": 400})
    client.force_login(coe_lead)
    response = client.post(reverse("adoption:assessment_submit", kwargs={"uuid": draft.uuid}))
    assert response.url == draft.get_absolute_url()
    page = client.get(response.url)
    # overall: (8 x 200 + 400) / 9 = 222 -> 200
    assert page.context["score"].overall_level == 200
    assert page.context["recommendations"][0].next_level.number == 300
    assert page.context["recommendations"][-1].area.key == "community"
    assert b"What 300 looks like here" in page.content
    assert b'id="assessment-radar-data"' in page.content
    # No target set: no target series, so the radar's legend has no "Target".
    assert page.context["chart"]["target"] is None
    assert b"adoption/charts.js" in page.content


def test_result_page_has_no_inline_script_without_nonce(client, coe_lead, submitted):
    client.force_login(coe_lead)
    html = client.get(submitted.get_absolute_url()).content.decode()
    for chunk in html.split("<script")[1:]:
        head = chunk.split(">", 1)[0]
        assert "src=" in head or 'type="application/json"' in head, head


# --- Targets, cadence, history -------------------------------------------------------------


def test_targets_form_saves_and_result_shows_the_gap(client, coe_lead, submitted):
    client.force_login(coe_lead)
    url = urls_for(submitted)["targets"] + "?from=result"
    response = client.post(url, {"level_security": "500", "date_security": "2027-06-30"})
    assert response.url == submitted.get_absolute_url()
    page = client.get(submitted.get_absolute_url())
    security = next(r for r in page.context["recommendations"] if r.area.key == "security")
    assert (security.target.level, security.gap) == (500, 200)
    assert page.context["chart"]["target"][2] == 500


def test_target_date_without_level_is_a_form_error(client, coe_lead, submitted):
    client.force_login(coe_lead)
    response = client.post(urls_for(submitted)["targets"], {"date_security": "2027-06-30"})
    assert response.status_code == 200
    assert "date_security" in response.context["form"].errors
    assert not Target.objects.exists()


def test_cadence_out_of_range_is_refused(client, coe_lead, submitted):
    client.force_login(coe_lead)
    url = reverse("adoption:subject_cadence", kwargs={"slug": submitted.subject.slug})
    response = client.post(url, {"cadence_days": 3})
    assert response.status_code == 400
    assert "cadence_days" in response.context["cadence_form"].errors
    assert client.post(url, {"cadence_days": 60}).status_code == 302
    submitted.subject.refresh_from_db()
    assert submitted.subject.cadence_days == 60


def test_history_page_shows_the_trend(client, coe_lead, content):
    first = start(user=coe_lead)
    answer_all(first, 100)
    submit(first, user=coe_lead, days_ago=120)
    second = start(user=coe_lead)
    answer_all(second, 300)
    submit(second, user=coe_lead)
    client.force_login(coe_lead)
    response = client.get(urls_for(second)["subject"])
    assert [s.overall_level for _, s in response.context["history"]] == [100, 300]
    assert response.context["chart"]["series"][0]["data"] == [100.0, 300.0]


def test_home_shows_due_panel_to_coe_only(client, coe_lead, maker, submitted):
    Assessment.objects.filter(pk=submitted.pk).update(
        submitted_at=submitted.submitted_at - datetime.timedelta(days=100)
    )
    client.force_login(coe_lead)
    assert b"Assessments due" in client.get("/").content
    assert b"overdue since" in client.get("/").content
    client.force_login(maker)
    assert b"Assessments due" not in client.get("/").content


# --- Export and import ----------------------------------------------------------------------


def test_csv_export_neutralises_formulas(client, coe_lead, content):
    assessment = start(user=coe_lead, title="=HYPERLINK(1)")
    answer_all(assessment, 200, note="@SUM(A1:A2)")
    Answer.objects.filter(assessment=assessment, question_key="SV-1").update(note="-2+3")
    submit(assessment, user=coe_lead)
    client.force_login(coe_lead)
    response = client.get(urls_for(assessment)["csv"])
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["assessment", "subject", "status"]
    assert len(rows) == 42
    notes = {row[5]: row[10] for row in rows[1:]}
    assert notes["SV-1"] == "'-2+3"
    assert notes["SV-2"] == "'@SUM(A1:A2)"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_json_export_then_import_gives_the_same_result(client, coe_lead, content, unit):
    original = start(user=coe_lead)
    answer_all(original, 300, by_area={"security": 100, "automation": "unsure"}, note="evidence")
    original = submit(original, user=coe_lead, days_ago=30)
    client.force_login(coe_lead)
    exported = client.get(urls_for(original)["json"]).content
    upload = SimpleUploadedFile("a.json", exported, content_type="application/json")
    response = client.post(
        reverse("adoption:assessment_import"), {"file": upload, "subject": "finance"}
    )
    imported = Assessment.objects.get(is_imported=True)
    assert response.url == imported.get_absolute_url()
    assert imported.subject.business_unit == unit
    assert imported.submitted_at == original.submitted_at
    a = services.assessment_score(original)
    b = services.assessment_score(imported)
    assert [(x.area.key, x.mean, x.level) for x in a.areas] == [
        (x.area.key, x.mean, x.level) for x in b.areas
    ]
    assert imported.answers.get(question_key="SE-1").note == "evidence"


@pytest.mark.parametrize(
    ("content_bytes", "message"),
    [
        (b"not json at all", "not valid JSON"),
        (b'{"format": "something else"}', "not an assessment exported"),
        (b"[1, 2, 3]", "not an assessment exported"),
    ],
)
def test_bad_import_file_is_a_clear_error_and_saves_nothing(
    client, coe_lead, content, content_bytes, message
):
    client.force_login(coe_lead)
    upload = SimpleUploadedFile("a.json", content_bytes)
    response = client.post(reverse("adoption:assessment_import"), {"file": upload})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert Assessment.objects.count() == 0


def test_import_rejects_out_of_range_levels(client, coe_lead, submitted):
    client.force_login(coe_lead)
    data = json.loads(client.get(urls_for(submitted)["json"]).content)
    data["answers"][3]["level"] = 350
    upload = SimpleUploadedFile("a.json", json.dumps(data).encode())
    response = client.post(reverse("adoption:assessment_import"), {"file": upload})
    assert "the level must be 100, 200, 300, 400, 500" in response.context["form"].errors["file"][0]
    assert Assessment.objects.count() == 1


def test_subject_json_export_holds_every_submission(client, executive, coe_lead, content):
    for days in (200, 10):
        assessment = start(user=coe_lead)
        answer_all(assessment, 200)
        submit(assessment, user=coe_lead, days_ago=days)
    start(user=coe_lead)  # a draft is not exported
    client.force_login(executive)
    url = reverse("adoption:subject_export", kwargs={"slug": "whole-organisation", "fmt": "json"})
    data = json.loads(client.get(url).content)
    assert len(data["assessments"]) == 2
    assert data["assessments"][0]["overall_level"] == 200


# --- Query counts -------------------------------------------------------------------------


def test_list_query_count(client, coe_lead, content, django_assert_max_num_queries):
    for _ in range(6):
        assessment = start(user=coe_lead)
        answer_all(assessment, 200)
        submit(assessment, user=coe_lead)
    start(user=coe_lead)
    client.force_login(coe_lead)
    # session, user, groups, count, page of assessments (+subject, unit, version, people),
    # answers prefetch, subjects with last submission
    with django_assert_max_num_queries(8):
        response = client.get(reverse("adoption:assessment_list"))
    assert len(response.context["assessments"]) == 7


def test_result_page_query_count(client, coe_lead, content, django_assert_max_num_queries):
    for days in (100, 0):
        assessment = start(user=coe_lead)
        answer_all(assessment, 300)
        assessment = submit(assessment, user=coe_lead, days_ago=days)
    client.force_login(coe_lead)
    # session, user, groups, assessment, answers; recommendations: levels, cells,
    # opportunities, subject targets; previous assessment and its answers
    with django_assert_max_num_queries(12):
        assert client.get(assessment.get_absolute_url()).status_code == 200


def test_history_page_query_count(client, coe_lead, content, django_assert_max_num_queries):
    for days in (300, 200, 100, 0):
        assessment = start(user=coe_lead)
        answer_all(assessment, 300)
        submit(assessment, user=coe_lead, days_ago=days)
    client.force_login(coe_lead)
    # session, user, groups, subject, assessments, answers, areas, targets, drafts
    with django_assert_max_num_queries(10):
        assert client.get(urls_for(assessment)["subject"]).status_code == 200


def test_executive_home_shows_the_latest_organisation_result(client, executive, content, coe_lead):
    client.force_login(executive)
    assert b"Adoption maturity" not in client.get("/").content
    first = start(user=coe_lead)
    answer_all(first, 200)
    submit(first, user=coe_lead, days_ago=100)
    second = start(user=coe_lead)
    answer_all(second, 300)
    submit(second, user=coe_lead)
    content_ = client.get("/").content.decode()
    assert "Adoption maturity" in content_ and "Previously 200." in content_


def test_result_page_links_to_plan_the_gap_for_each_open_plan(
    client, coe_lead, executive, submitted
):
    from strategy.tests.factories import PlanFactory

    plan = PlanFactory(title="Gap plan", status="active")
    PlanFactory(title="Old plan", status="closed")
    client.force_login(coe_lead)
    html = client.get(urls_for(submitted)["detail"]).content.decode()
    assert f"/strategy/plans/{plan.uuid}/plan-the-gap/?assessment={submitted.uuid}" in html
    assert "Old plan" not in html
    client.force_login(executive)
    assert "plan-the-gap" not in client.get(urls_for(submitted)["detail"]).content.decode()
