"""The reminder run (beat, every 15 minutes): who is due a nudge now, put in the outbox in bulk.

Selection reads a constant number of queries whatever the number of people (one for key results
with their owners and last check-in, one for the owners' choices, one insert), and the rules
themselves are the pure functions of notifications.rules. Running it twice, or in two beat
processes at once, inserts nothing twice: the outbox's unique constraints decide."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.languages import in_language_of, language_of
from config.jobs import enqueue_on_commit

from .. import digest, kinds, rules
from ..models import Notification, NotificationPreference, TeamsChannel
from .delivery import absolute
from .outbox import bulk_insert, coe_leads, initial_state, preferences_for

DIGEST_HOUR = 8  # local hour from which daily/weekly digests and the CoE digest go out
EARLIEST = dt_timezone(timedelta(hours=-12))
LATEST = dt_timezone(timedelta(hours=14))


def _person_row(user, kind, preference, now, **fields) -> Notification:
    state = initial_state(user, kind, preference, now)
    return Notification(recipient=user, kind=kind, created_at=now, **fields, **state)


# Check-ins -------------------------------------------------------------------------------------


CANDIDATE_FIELDS = [
    "uuid", "title", "kind", "unit", "currency", "baseline", "target", "current", "starts_on",
    "due_on", "check_in_frequency", "deleted_at", "owner__id", "owner__email", "owner__time_zone",
    "owner__language", "owner__first_name", "owner__last_name", "owner__username",
    "objective__plan__title", "objective__plan__status",
]  # fmt: skip


def check_in_candidates(now: datetime):
    """Live key results of active plans, with an active owner, whose check-in could be due (or
    overdue) today somewhere on Earth: the SQL side of notifications.rules.check_in_reminder;
    the exact rule (owner's time zone, done) is applied in Python."""
    from strategy.models import FREQUENCY_DAYS, KeyResult

    earliest, latest = now.astimezone(EARLIEST).date(), now.astimezone(LATEST).date()
    due = Q()
    for frequency, days in FREQUENCY_DAYS.items():
        cutoff = latest + timedelta(days=rules.CHECKIN_DUE_LEAD_DAYS - days)
        due |= Q(check_in_frequency=frequency) & (
            Q(last_check_in_at__date__lte=cutoff)
            | Q(last_check_in_at__isnull=True, starts_on__lte=cutoff)
        )
    return (
        KeyResult.objects.alive()
        .filter(
            objective__plan__status="active",
            owner__isnull=False,
            owner__is_active=True,
            starts_on__lte=latest,
            due_on__gte=earliest,
        )
        .with_latest_check_in()
        .filter(due)
        .select_related("owner", "objective__plan")
        .only(*CANDIDATE_FIELDS)
        .order_by("pk")
    )


def check_in_rows(now: datetime) -> list[Notification]:
    """The check-in due / overdue notifications owed at `now` (not yet inserted)."""
    from strategy.models import FREQUENCY_DAYS

    key_results = list(check_in_candidates(now))
    preferences = preferences_for(
        {kr.owner_id for kr in key_results}, [kinds.CHECKIN_DUE, kinds.CHECKIN_OVERDUE]
    )
    # Texts and the link pattern once per run and language, not per key result (thousands of
    # rows); each owner reads theirs in their own language.
    texts: dict[str, dict] = {}

    def text_in(language: str) -> dict:
        if language not in texts:
            with translation.override(language):
                texts[language] = {
                    kinds.CHECKIN_DUE: _("Check-in due: %s"),
                    kinds.CHECKIN_OVERDUE: _("Check-in overdue: %s"),
                    "body": _("Record the latest value and your confidence: it takes a minute."),
                    "plan": _("Plan"),
                    "due_on": _("Check-in due on"),
                    "current": _("Current value"),
                    "target": _("Target"),
                }
        return texts[language]

    placeholder = "00000000-0000-0000-0000-000000000000"
    link = reverse("strategy:check_in_create", kwargs={"uuid": placeholder})
    rows = []
    for kr in key_results:
        today = rules.local_today(now, kr.owner.time_zone)
        last_on = timezone.localdate(kr.last_check_in_at) if kr.last_check_in_at else None
        decision = rules.check_in_reminder(
            today=today,
            frequency_days=FREQUENCY_DAYS[kr.check_in_frequency],
            starts_on=kr.starts_on,
            ends_on=kr.due_on,
            last_check_in_on=last_on,
            is_done=kr.status(today) == "done",
            is_deleted=kr.is_deleted,
            plan_active=kr.objective.plan.status == "active",
        )
        if decision is None:
            continue
        kind, due_on = decision
        language = language_of(kr.owner)
        text = text_in(language)
        with translation.override(language):
            facts = [
                [text["plan"], kr.objective.plan.title],
                [text["due_on"], date_format(due_on, "DATE_FORMAT")],
                [text["current"], kr.format(kr.value)],
                [text["target"], kr.format(kr.target)],
            ]
        rows.append(
            _person_row(
                kr.owner,
                kind,
                preferences.get((kr.owner_id, kind)),
                now,
                subject_key=f"key_result:{kr.uuid}",
                due_on=due_on,
                title=(text[kind] % kr.title)[:300],
                body=text["body"],
                link=link.replace(placeholder, str(kr.uuid)),
                data={"facts": facts},
            )
        )
    return rows


# Assessments -----------------------------------------------------------------------------------


def assessment_rows(now: datetime) -> list[Notification]:
    """Re-assessment due notifications for each subject's owner: its unit's leader, else the
    person who submitted its last assessment."""
    from adoption.models import Assessment, Subject
    from adoption.services import next_due_on

    last = Assessment.objects.filter(subject=OuterRef("pk"), status="submitted").order_by(
        "-submitted_at"
    )
    subjects = list(
        Subject.objects.with_last_submitted()
        .filter(last_submitted_at__isnull=False)
        .annotate(
            last_submitter_id=Subquery(last.values("submitted_by_id")[:1]),
            has_draft=Exists(Assessment.objects.filter(subject=OuterRef("pk"), status="draft")),
        )
        .select_related("business_unit")
    )
    owner_ids = {
        (s.business_unit.leader_id if s.business_unit_id and s.business_unit.leader_id else None)
        or s.last_submitter_id
        for s in subjects
    } - {None}
    owners = get_user_model().objects.filter(pk__in=owner_ids, is_active=True).in_bulk()
    preferences = preferences_for(owners, [kinds.ASSESSMENT_DUE])
    rows = _assessment_channel_rows(now, subjects)
    for subject in subjects:
        owner_id = (
            subject.business_unit.leader_id if subject.business_unit_id else None
        ) or subject.last_submitter_id
        owner = owners.get(owner_id)
        if owner is None:
            continue
        due_on = next_due_on(subject, subject.last_submitted_at)
        today = rules.local_today(now, owner.time_zone)
        if not rules.assessment_reminder(today=today, due_on=due_on, has_draft=subject.has_draft):
            continue
        overdue = due_on < today
        last_on = timezone.localdate(subject.last_submitted_at)
        with in_language_of(owner):
            rows.append(
                _person_row(
                    owner,
                    kinds.ASSESSMENT_DUE,
                    preferences.get((owner.pk, kinds.ASSESSMENT_DUE)),
                    now,
                    subject_key=f"subject:{subject.slug}",
                    due_on=due_on,
                    title=(
                        (_("Re-assessment overdue: %s") if overdue else _("Re-assessment due: %s"))
                        % subject
                    )[:300],
                    body=_("Every %(days)s days the unit's maturity is assessed again.")
                    % {"days": subject.cadence_days},
                    link=subject.get_absolute_url(),
                    data={
                        "facts": [
                            [_("Unit"), str(subject)],
                            [_("Due on"), date_format(due_on, "DATE_FORMAT")],
                            [_("Last assessed"), date_format(last_on, "DATE_FORMAT")],
                        ]
                    },
                )
            )
    return rows


def _assessment_channel_rows(now: datetime, subjects) -> list[Notification]:
    """Re-assessments due, posted to the channels routed for them: a unit's own channel and the
    programme-wide ones, from a week before the due date (the installation's date)."""
    from adoption.services import next_due_on

    channels = list(TeamsChannel.objects.with_route(kinds.ASSESSMENT_DUE))
    today = timezone.localdate(now)
    rows = []
    for subject in subjects if channels else []:
        due_on = next_due_on(subject, subject.last_submitted_at)
        if not rules.assessment_reminder(today=today, due_on=due_on, has_draft=subject.has_draft):
            continue
        for channel in channels:
            if channel.business_unit_id not in (None, subject.business_unit_id):
                continue
            rows.append(
                Notification(
                    channel=channel,
                    kind=kinds.ASSESSMENT_DUE,
                    subject_key=f"subject:{subject.slug}",
                    due_on=due_on,
                    created_at=now,
                    deliver_after=now,
                    title=(_("Re-assessment due: %s") % subject)[:300],
                    body=_("Every %(days)s days the unit's maturity is assessed again.")
                    % {"days": subject.cadence_days},
                    link=subject.get_absolute_url(),
                    data={
                        "facts": [
                            [_("Unit"), str(subject)],
                            [_("Due on"), date_format(due_on, "DATE_FORMAT")],
                        ]
                    },
                )
            )
    return rows


# Channels: key results off track, once a week ----------------------------------------------------


def off_track_channel_rows(now: datetime) -> list[Notification]:
    """For each channel routed "key results off track": its unit's (or, programme-wide, every)
    live key result of an active plan that is off track, once per week."""
    from strategy.models import KeyResult

    channels = list(TeamsChannel.objects.with_route(kinds.KR_OFF_TRACK))
    if not channels:
        return []
    today = timezone.localdate(now)
    off_track = defaultdict(list)
    for kr in (
        KeyResult.objects.alive()
        .filter(objective__plan__status="active", starts_on__lte=today)
        .select_related("objective__plan")
        .order_by("due_on", "pk")
    ):
        if kr.status(today) == "off_track":
            off_track[kr.objective.plan.business_unit_id].append(kr)
    week = rules.week_start(today)
    rows = []
    for channel in channels:
        if channel.business_unit_id:
            found = off_track.get(channel.business_unit_id, [])
        else:
            found = [kr for krs in off_track.values() for kr in krs]
        if not found:
            continue
        rows.append(
            Notification(
                channel=channel,
                kind=kinds.KR_OFF_TRACK,
                subject_key=f"off_track:{channel.business_unit_id or 'all'}",
                due_on=week,
                created_at=now,
                deliver_after=now,
                title=ngettext(
                    "%(n)s key result off track in %(scope)s",
                    "%(n)s key results off track in %(scope)s",
                    len(found),
                )
                % {"n": len(found), "scope": channel.scope_label},
                link=reverse("strategy:plan_list"),
                data={
                    "facts": [
                        [kr.title[:80], f"{kr.format(kr.value)} / {kr.format(kr.target)}"]
                        for kr in found[:15]
                    ]
                },
            )
        )
    return rows


# Digests -----------------------------------------------------------------------------------------


def coe_digest_rows(now: datetime) -> list[Notification]:
    """The weekly CoE digest for each CoE lead and admin, from 08:00 on Monday in their own time
    zone (later in the week if the run was missed), and for routed channels; keyed by the week."""
    leads = list(coe_leads())
    channels = list(TeamsChannel.objects.with_route(kinds.COE_DIGEST))
    if not leads and not channels:
        return []
    preferences = preferences_for([u.pk for u in leads], [kinds.COE_DIGEST])
    computed: dict[str, list[dict]] = {}  # the sections, once per run and language
    rows = []

    def content(week, language: str):
        with translation.override(language):
            if language not in computed:
                computed[language] = digest.sections(now)
            return {
                "title": _("CoE digest for the week of %s") % date_format(week, "DATE_FORMAT"),
                "body": _("What is waiting for the CoE this week."),
                "link": reverse("home"),
                "data": {"sections": computed[language]},
            }

    for lead in leads:
        local = now.astimezone(rules.zone(lead.time_zone))
        if local.weekday() == 0 and local.hour < DIGEST_HOUR:
            continue
        week = rules.week_start(local.date())
        rows.append(
            _person_row(
                lead,
                kinds.COE_DIGEST,
                preferences.get((lead.pk, kinds.COE_DIGEST)),
                now,
                subject_key="coe_digest",
                due_on=week,
                **content(week, language_of(lead)),
            )
        )
    local = timezone.localtime(now)
    if channels and not (local.weekday() == 0 and local.hour < DIGEST_HOUR):
        week = rules.week_start(local.date())
        for channel in channels:
            rows.append(
                Notification(
                    channel=channel,
                    kind=kinds.COE_DIGEST,
                    subject_key="coe_digest",
                    due_on=week,
                    created_at=now,
                    deliver_after=now,
                    **content(week, settings.LANGUAGE_CODE),
                )
            )
    return rows


def personal_digests(now: datetime) -> int:
    """Gather each person's held notifications into their daily digest (every day from 08:00
    local) or weekly digest (Mondays from 08:00 local). The digest row is unique per person and
    day/week; held rows are claimed into it with a conditional update, so a second run at once
    gathers nothing twice. Returns the number of digests made."""
    held = (
        Notification.objects.filter(status=Notification.Status.HELD, recipient__isnull=False)
        .select_related("recipient")
        .only("pk", "kind", "title", "link", "created_at", "recipient")
        .order_by("recipient_id", "created_at")
    )
    by_person = defaultdict(list)
    for row in held:
        by_person[row.recipient].append(row)
    if not by_person:
        return 0
    choices = {
        (p.user_id, p.kind): p.digest
        for p in NotificationPreference.objects.filter(
            user_id__in=[u.pk for u in by_person], digest__in=["daily", "weekly"]
        )
    }
    made = 0
    for person, items in by_person.items():
        local = now.astimezone(rules.zone(person.time_zone))
        if local.hour < DIGEST_HOUR:
            continue
        for frequency in ("daily", "weekly"):
            if frequency == "weekly" and local.weekday() != 0:
                continue
            # A held row whose kind's choice is gone (changed back to "off") goes in the daily one.
            chosen = [r.pk for r in items if choices.get((person.pk, r.kind), "daily") == frequency]
            if chosen and _digest_make(person, frequency, local.date(), chosen, now):
                made += 1
    return made


@transaction.atomic
def _digest_make(person, frequency: str, day, ids: list[int], now) -> bool:
    due_on = day if frequency == "daily" else rules.week_start(day)
    with in_language_of(person):
        title = _("Your daily digest, %s") if frequency == "daily" else _("Your weekly digest, %s")
        title = title % date_format(day, "DATE_FORMAT")
    try:
        with transaction.atomic():
            row = Notification.objects.create(
                recipient=person,
                kind=kinds.DIGEST,
                subject_key=f"digest:{frequency}",
                due_on=due_on,
                title=title,
                link=reverse("notifications:notification_list"),
                created_at=now,
                **initial_state(person, kinds.DIGEST, None, now),
            )
    except IntegrityError:
        return False  # today's (this week's) digest exists already
    Notification.objects.filter(pk__in=ids, status=Notification.Status.HELD).update(
        status=Notification.Status.DIGESTED, digest=row
    )
    with in_language_of(person):
        items = [
            {"title": n.title, "kind": str(kinds.label(n.kind)), "link": absolute(n.link)}
            for n in Notification.objects.filter(digest=row).order_by("created_at", "pk")
        ]
    if not items:
        row.delete()
        return False
    row.data = {"items": items}
    row.save(update_fields=["data"])
    return True


# The run -----------------------------------------------------------------------------------------


def reminders_run(*, now: datetime | None = None) -> dict[str, int]:
    """Insert every notification owed at `now` (check-ins, re-assessments, off-track posts, the
    CoE digest), gather personal digests, then publish a delivery batch after commit. Idempotent;
    safe in two processes at once. Returns how many rows each part proposed."""
    now = now or timezone.now()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    counts = {}
    for name, build in (
        ("check_ins", check_in_rows),
        ("assessments", assessment_rows),
        ("off_track", off_track_channel_rows),
        ("coe_digest", coe_digest_rows),
    ):
        rows = build(now)
        with transaction.atomic():
            bulk_insert(rows)
        counts[name] = len(rows)
    counts["digests"] = personal_digests(now)
    from ..tasks import notifications_deliver_task

    with transaction.atomic():
        enqueue_on_commit(notifications_deliver_task)
    return counts
