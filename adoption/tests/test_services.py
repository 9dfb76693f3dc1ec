import datetime

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from adoption import services
from adoption.loader import load_question_bank
from adoption.models import Answer, Assessment, Question, QuestionOption, Subject
from maturity.models import Area, Opportunity

from .factories import answer_all, start, submit


def test_start_copies_every_active_question_with_its_texts(draft):
    assert draft.answers.count() == 41
    answer = draft.answers.get(question_key="SV-1")
    assert answer.question_text == "Has the organisation written down a vision for the platform?"
    assert answer.option_texts["100"] == "No, every team makes up its own mind"
    assert sorted(answer.option_texts) == ["100", "200", "300", "400", "500"]
    assert draft.model_version.is_current
    assert AuditEvent.objects.filter(verb="assessment_started").count() == 1


def test_start_leaves_out_inactive_questions(content, coe_lead):
    Question.objects.filter(key="AU-4").update(is_active=False)
    assert start(user=coe_lead).answers.count() == 40


def test_start_without_content_is_refused(db, coe_lead):
    with pytest.raises(services.AssessmentError):
        start(user=coe_lead)
    assert Assessment.objects.count() == 0


def test_changing_the_bank_never_changes_a_submitted_assessment(submitted):
    Question.objects.filter(key="SV-1").update(text="Reworded question")
    QuestionOption.objects.filter(question__key="SV-1", level=300).update(text="Reworded option")
    Question.objects.filter(key="SV-2").delete()
    answer = submitted.answers.get(question_key="SV-1")
    assert answer.question_text == "Has the organisation written down a vision for the platform?"
    assert answer.chosen_text == "Yes, and a named executive sponsor sets the direction"
    assert submitted.answers.count() == 41  # SV-2's answer stays, its question link is cleared
    assert submitted.answers.get(question_key="SV-2").question_id is None


def test_reloading_the_bank_is_idempotent(content):
    before = (Question.objects.count(), QuestionOption.objects.count())
    assert load_question_bank().endswith("unchanged")
    load_question_bank(force=True)
    assert (Question.objects.count(), QuestionOption.objects.count()) == before == (41, 205)


def test_subject_for_the_organisation_is_one_row(db, unit):
    assert services.subject_for(None) == services.subject_for(None)
    assert services.subject_for(unit).slug == "unit-finance"
    assert Subject.objects.count() == 2


def _inputs(level=None, unsure=False, note=""):
    return services.AnswerInput(level=level, is_unsure=unsure, note=note)


def test_save_area_writes_answers_and_bumps_the_revision(draft, coe_lead):
    area = Area.objects.get(key="automation")
    saved = services.assessment_save_area(
        assessment=draft,
        area=area,
        answers={"AU-1": _inputs(300, note="Forms for requests"), "AU-2": _inputs(unsure=True)},
        revision=0,
        user=coe_lead,
    )
    assert saved.revision == 1
    rows = {a.question_key: a for a in draft.answers.filter(area=area)}
    assert (rows["AU-1"].level, rows["AU-1"].note) == (300, "Forms for requests")
    assert (rows["AU-2"].level, rows["AU-2"].is_unsure) == (None, True)
    assert rows["AU-3"].is_open


def test_second_editor_with_a_stale_revision_is_refused_and_nothing_is_lost(draft, coe_lead):
    area = Area.objects.get(key="automation")
    # Both editors opened the page at revision 0; the first saves.
    services.assessment_save_area(
        assessment=draft, area=area, answers={"AU-1": _inputs(200)}, revision=0, user=coe_lead
    )
    with pytest.raises(services.AssessmentConflict) as conflict:
        services.assessment_save_area(
            assessment=draft, area=area, answers={"AU-1": _inputs(500)}, revision=0, user=coe_lead
        )
    assert conflict.value.current_revision == 1
    assert draft.answers.get(question_key="AU-1").level == 200
    # Saving again with the current revision is accepted.
    services.assessment_save_area(
        assessment=draft, area=area, answers={"AU-1": _inputs(500)}, revision=1, user=coe_lead
    )
    assert draft.answers.get(question_key="AU-1").level == 500


def test_submit_refuses_open_questions_and_lists_them(draft, coe_lead):
    answer_all(draft, 200)
    Answer.objects.filter(assessment=draft, question_key__in=["SE-2", "FT-4"]).update(level=None)
    with pytest.raises(services.AssessmentIncomplete) as incomplete:
        services.assessment_submit(assessment=draft, user=coe_lead)
    assert sorted(a.question_key for a in incomplete.value.open_answers) == ["FT-4", "SE-2"]
    draft.refresh_from_db()
    assert draft.is_draft


def test_submit_accepts_not_sure_and_fixes_the_assessment(draft, coe_lead):
    answer_all(draft, 200, by_area={"security": "unsure"})
    result = services.assessment_submit(assessment=draft, user=coe_lead)
    assert result.status == "submitted" and result.submitted_at and result.submitted_by == coe_lead
    with pytest.raises(services.AssessmentError):
        services.assessment_submit(assessment=draft, user=coe_lead)
    with pytest.raises(services.AssessmentError):
        services.assessment_save_area(
            assessment=result,
            area=Area.objects.get(key="security"),
            answers={"SE-1": _inputs(500)},
            revision=result.revision,
            user=coe_lead,
        )


def test_deltas_compare_with_the_previous_submission_of_the_same_subject(content, coe_lead, unit):
    first = start(user=coe_lead)
    answer_all(first, 200)
    first = submit(first, user=coe_lead, days_ago=200)
    # another subject in between must not count as "previous"
    other = start(user=coe_lead, unit=unit)
    answer_all(other, 500)
    submit(other, user=coe_lead, days_ago=100)
    second = start(user=coe_lead)
    answer_all(second, 300, by_area={"security": 100, "automation": "unsure"})
    second = submit(second, user=coe_lead)

    previous, deltas = services.assessment_deltas(second)
    assert previous == first
    by_key = {d.area.key: d for d in deltas}
    assert by_key["strategy_vision"].level_change == 100
    assert by_key["strategy_vision"].mean_change == 100.0
    assert by_key["security"].level_change == -100
    assert by_key["automation"].level_change is None  # insufficient data now
    first_previous, first_deltas = services.assessment_deltas(first)
    assert first_previous is None
    assert all(d.level_change is None for d in first_deltas)


def test_recommendations_weakest_first_with_next_level_content(content, coe_lead):
    assessment = start(user=coe_lead)
    answer_all(
        assessment,
        300,
        by_area={"automation": 100, "security": 200, "community": 500, "support": "unsure"},
    )
    Answer.objects.filter(assessment=assessment, question_key="SV-1").update(level=200)
    assessment = submit(assessment, user=coe_lead)
    services.targets_set(
        subject=assessment.subject,
        targets={Area.objects.get(key="automation"): (300, datetime.date(2027, 6, 30))},
        user=coe_lead,
    )

    recommendations = services.assessment_recommendations(assessment)
    keys = [r.area.key for r in recommendations]
    # automation 100, security 200, then the 300s in model order (strategy_vision's mean is
    # 280 -> 200 with SV-1 at 200: (200 + 4*300)/5 = 280), community 500, support unknown
    assert keys[:3] == ["automation", "security", "strategy_vision"]
    assert keys[-2:] == ["community", "support"]

    automation = recommendations[0]
    assert automation.reached_level == 100
    assert automation.next_level.number == 200
    assert automation.characteristics == ["Processes are standard but still run by hand"]
    assert automation.opportunities == list(
        Opportunity.objects.filter(area__key="automation", level__number=200)
    )
    assert [a.question_key for a in automation.actions] == ["AU-1", "AU-2", "AU-3", "AU-4"]
    assert automation.actions[0].action == "Standardised but manual"
    assert (automation.target.level, automation.gap) == (300, 200)

    strategy = recommendations[2]
    assert strategy.next_level.number == 300
    # only SV-1 was answered below 300; its 300 option is the concrete step
    assert [(a.question_key, a.action) for a in strategy.actions] == [
        ("SV-1", "Yes, and a named executive sponsor sets the direction")
    ]
    community = recommendations[-2]
    assert community.next_level is None and community.opportunities == []
    support = recommendations[-1]
    assert support.reached_level is None and support.next_level is None


def test_recommendations_query_count(submitted, django_assert_num_queries):
    assessment = Assessment.objects.get(pk=submitted.pk)
    # answers+areas, levels, area-level cells, opportunities, subject, targets
    with django_assert_num_queries(6):
        services.assessment_recommendations(assessment)


def test_targets_set_updates_removes_and_audits(submitted, coe_lead):
    subject = submitted.subject
    security = Area.objects.get(key="security")
    services.targets_set(subject=subject, targets={security: (400, None)}, user=coe_lead)
    services.targets_set(
        subject=subject, targets={security: (500, datetime.date(2027, 1, 1))}, user=coe_lead
    )
    target = subject.targets.get()
    assert (target.level, target.target_on) == (500, datetime.date(2027, 1, 1))
    services.targets_set(
        subject=subject, targets={security: (500, target.target_on)}, user=coe_lead
    )
    assert AuditEvent.objects.filter(verb="assessment_targets_set").count() == 2
    services.targets_set(subject=subject, targets={security: (None, None)}, user=coe_lead)
    assert not subject.targets.exists()


def test_due_list_uses_the_last_submission_and_the_cadence(content, coe_lead, unit):
    organisation = start(user=coe_lead)
    answer_all(organisation, 200)
    submit(organisation, user=coe_lead, days_ago=85)  # due in 5 days (90-day cadence)
    finance = start(user=coe_lead, unit=unit)
    answer_all(finance, 200)
    submit(finance, user=coe_lead, days_ago=40)  # due in 50 days: not listed
    services.subject_set_cadence(
        subject=services.subject_for(unit), days=30, user=coe_lead
    )  # now overdue by 10 days
    start(user=coe_lead, unit=unit)  # a draft is open

    due = services.due_subjects(within_days=14)
    today = timezone.localdate()
    assert [(d.subject.slug, d.due_on - today, d.is_overdue, d.has_draft) for d in due] == [
        ("unit-finance", datetime.timedelta(days=-10), True, True),
        ("whole-organisation", datetime.timedelta(days=5), False, False),
    ]


def test_discard_deletes_drafts_only(draft, submitted, coe_lead):
    services.assessment_discard(assessment=draft, user=coe_lead)
    assert not Assessment.objects.filter(pk=draft.pk).exists()
    with pytest.raises(services.AssessmentError):
        services.assessment_discard(assessment=submitted, user=coe_lead)


def test_demo_seed_is_idempotent(db):
    from accounts.demo import seed as accounts_seed
    from adoption.demo import seed

    accounts_seed()
    seed()
    counts = (Assessment.objects.count(), Answer.objects.count(), Subject.objects.count())
    seed()
    assert (Assessment.objects.count(), Answer.objects.count(), Subject.objects.count()) == counts
    assert Assessment.objects.submitted().count() == 3
    assert Assessment.objects.drafts().count() == 1
    organisation = services.subject_for(None)
    latest = organisation.assessments.submitted().order_by("-submitted_at").first()
    assert services.assessment_score(latest).overall_level == 200
    assert services.assessment_deltas(latest)[0] is not None
