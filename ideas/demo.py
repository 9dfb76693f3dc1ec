"""Demo backlog: 24 ideas across the units (some accepted, built and delivered with value), votes,
comments, badges, two maker portfolios and the champions list. Idempotent: ideas are found by
title, value records by origin key, badges and votes by their unique constraints."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import BusinessUnit, User
from stories.models import Story
from strategy.models import KeyResult, Plan
from value.figures import month_start
from value.models import Solution, ValueRecord
from value.services import value_record_create

from . import services
from .badges import badges_award_all
from .models import Champion, Idea, IdeaComment, IdeaVote, MakerProfile

# (title, unit slug, author, process, pain point, people, times, period, minutes now → after,
#  status, effort, risk)
IDEAS = [
    (
        "Supplier invoices read from the shared mailbox",
        "accounts-payable",
        "maker",
        "Invoice intake",
        "Every invoice is opened, printed and typed into the ERP by hand.",
        6,
        40,
        "day",
        6,
        1,
        "delivered",
        "m",
        1,
    ),
    (
        "Vehicle inspections on a phone",
        "fleet",
        "maker2",
        "Daily vehicle checks",
        "Paper checklists get lost and faults are found late.",
        120,
        1,
        "day",
        4,
        2,
        "delivered",
        "s",
        1,
    ),
    (
        "Holiday requests approved in Teams",
        "people",
        "maker",
        "Leave requests",
        "Requests go by e-mail and managers forget to answer.",
        900,
        2,
        "year",
        15,
        2,
        "delivered",
        "s",
        0,
    ),
    (
        "Purchase requests with budget check",
        "procurement",
        "maker",
        "Purchase requests",
        "Requests bounce between three people before anyone checks the budget.",
        150,
        2,
        "month",
        30,
        8,
        "in_build",
        "m",
        2,
    ),
    (
        "Warehouse cycle counts on scanners",
        "warehousing",
        "maker2",
        "Stock counts",
        "Counts are written on paper and typed in at the end of the shift.",
        25,
        1,
        "day",
        45,
        20,
        "in_build",
        "l",
        2,
    ),
    (
        "Visitor sign-in on a tablet",
        "operations",
        "exec",
        "Reception",
        "A paper visitor book, no record of who is on site in an emergency.",
        4,
        30,
        "day",
        3,
        1,
        "accepted",
        "s",
        1,
    ),
    (
        "Expense claims without paper receipts",
        "finance",
        "maker",
        "Expense claims",
        "Receipts are stapled to forms and posted to Finance.",
        400,
        1,
        "month",
        25,
        5,
        "accepted",
        "m",
        1,
    ),
    (
        "Sales quotes from a template app",
        "sales",
        "exec",
        "Quoting",
        "Every quote is copied from an old one and prices go out of date.",
        35,
        3,
        "week",
        40,
        10,
        "under_review",
        "",
        0,
    ),
    (
        "New starter laptop requests",
        "it",
        "coe",
        "Onboarding",
        "IT learns about new starters on their first day.",
        12,
        4,
        "month",
        60,
        15,
        "under_review",
        "",
        0,
    ),
    (
        "Mileage claims calculated from the route",
        "finance",
        "maker2",
        "Mileage claims",
        "Drivers estimate distances and Finance checks them by hand.",
        200,
        2,
        "month",
        12,
        3,
        "under_review",
        "",
        0,
    ),
    (
        "Shift swaps without phone calls",
        "warehousing",
        "maker2",
        "Shift rota",
        "Supervisors spend an hour a day phoning people to cover shifts.",
        8,
        1,
        "day",
        60,
        15,
        "new",
        "",
        0,
    ),
    (
        "Customer complaints tracked in one place",
        "sales",
        "maker",
        "Complaints",
        "Complaints sit in personal mailboxes; nobody sees the trend.",
        60,
        5,
        "week",
        10,
        4,
        "new",
        "",
        0,
    ),
    (
        "Contract renewal reminders",
        "procurement",
        "maker",
        "Contract management",
        "Contracts renew automatically because nobody saw the date.",
        10,
        2,
        "month",
        90,
        10,
        "new",
        "",
        0,
    ),
    (
        "Safety incident reports from the yard",
        "fleet",
        "maker2",
        "Incident reporting",
        "Near misses are rarely reported because the form is in the office.",
        150,
        1,
        "month",
        20,
        5,
        "new",
        "",
        0,
    ),
    (
        "Meeting room bookings with catering",
        "operations",
        "exec",
        "Room bookings",
        "Reception takes bookings by phone and catering by e-mail.",
        300,
        2,
        "month",
        8,
        2,
        "new",
        "",
        0,
    ),
    (
        "Training records for forklift licences",
        "warehousing",
        "maker2",
        "Licence tracking",
        "Expiry dates are in a spreadsheet that one person updates.",
        40,
        1,
        "month",
        15,
        2,
        "new",
        "",
        0,
    ),
    (
        "Overtime approval in one click",
        "people",
        "maker",
        "Overtime",
        "Overtime forms wait days for a signature and pay runs are corrected.",
        250,
        2,
        "month",
        10,
        2,
        "new",
        "",
        0,
    ),
    (
        "Asset register with QR codes",
        "it",
        "coe",
        "IT assets",
        "Nobody knows which laptop is where.",
        5,
        10,
        "week",
        15,
        3,
        "new",
        "",
        0,
    ),
    (
        "Refund requests routed by amount",
        "sales",
        "exec",
        "Refunds",
        "Every refund, however small, goes to the sales director.",
        20,
        4,
        "week",
        20,
        5,
        "new",
        "",
        0,
    ),
    (
        "Delivery notes photographed at the door",
        "fleet",
        "maker2",
        "Proof of delivery",
        "Signed delivery notes come back crumpled days later.",
        80,
        6,
        "day",
        2,
        1,
        "new",
        "",
        0,
    ),
    (
        "Minutes of the weekly ops meeting by Copilot",
        "operations",
        "exec",
        "Meeting minutes",
        "Someone types notes for an hour after every meeting.",
        1,
        1,
        "week",
        60,
        15,
        "new",
        "",
        0,
    ),
    (
        "A second supplier portal",
        "procurement",
        "maker",
        "Supplier onboarding",
        "Suppliers send the same documents twice.",
        5,
        2,
        "month",
        30,
        20,
        "declined",
        "",
        0,
    ),
    (
        "Printing the invoice backlog",
        "accounts-payable",
        "maker2",
        "Invoice archive",
        "We keep paper copies just in case.",
        2,
        1,
        "week",
        30,
        25,
        "declined",
        "",
        0,
    ),
    (
        "Team birthday calendar",
        "people",
        "maker",
        "Team life",
        "We forget birthdays.",
        30,
        1,
        "year",
        5,
        1,
        "draft",
        "",
        0,
    ),
]

DECLINE_REASONS = {
    "A second supplier portal": "Our procurement suite covers this; we will switch it on.",
    "Printing the invoice backlog": "Invoices are archived digitally; paper copies are not needed.",
}
# Published demo stories about a delivered idea's solution (the story links back to the idea).
STORY_OF = {
    "Vehicle inspections on a phone": "Vehicle inspections on a phone, no more paper checklists"
}
# Delivered ideas: months live and the share of the estimate each month actually delivered.
DELIVERED = {
    "Supplier invoices read from the shared mailbox": (5, "0.9"),
    "Vehicle inspections on a phone": (4, "1.15"),
    "Holiday requests approved in Teams": (3, "0.7"),
}
KINDS = {
    "Supplier invoices read from the shared mailbox": Solution.Kind.CLOUD_FLOW,
    "Vehicle inspections on a phone": Solution.Kind.CANVAS_APP,
    "Holiday requests approved in Teams": Solution.Kind.COPILOT_AGENT,
    "Purchase requests with budget check": Solution.Kind.MODEL_DRIVEN_APP,
    "Warehouse cycle counts on scanners": Solution.Kind.CANVAS_APP,
    "Visitor sign-in on a tablet": Solution.Kind.CANVAS_APP,
    "Expense claims without paper receipts": Solution.Kind.CANVAS_APP,
}
COMMENTS = [
    (
        "Expense claims without paper receipts",
        "maker2",
        "Fleet would use this too: drivers lose **half** their receipts.",
    ),
    ("Shift swaps without phone calls", "maker", "Could this reuse the holiday approvals agent?"),
    (
        "Sales quotes from a template app",
        "coe",
        "Let's check the CRM first: quotes may be a setting there.",
    ),
]
PROFILES = {
    "maker": (
        "Accounts payable specialist who automates the boring bits",
        "Power Automate\nAI Builder document processing\nDataverse\nCopilot Studio",
        "PL-900 Power Platform Fundamentals\nApp in a Day\nPL-200 (studying)",
    ),
    "maker2": (
        "Fleet coordinator, builds apps for the yard",
        "Power Apps canvas apps\nSharePoint lists\nPower BI",
        "App in a Day\nPL-100 App Maker",
    ),
}


def _months_back(today: date, count: int) -> list[date]:
    months, current = [], month_start(today)
    for _ in range(count):
        current = month_start(current - timedelta(days=1))
        months.insert(0, current)
    return months


def _key_results() -> list[KeyResult]:
    return list(
        KeyResult.objects.alive()
        .filter(objective__plan__status=Plan.Status.ACTIVE)
        .order_by("objective__plan_id", "objective__order", "order", "pk")[:6]
    )


def seed() -> str:
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["admin", "coe", "exec", "maker", "maker2"])
    }
    units = {u.slug: u for u in BusinessUnit.objects.all()}
    coe = users.get("coe")
    if coe is None or not units:
        return "ideas: skipped (no demo organisation)"
    key_results = _key_results()
    today = timezone.localdate()
    created = 0
    for index, row in enumerate(IDEAS):
        (
            title,
            unit,
            author,
            process,
            pain,
            people,
            times,
            period,
            now,
            after,
            status,
            effort,
            risk,
        ) = row
        idea = Idea.objects.filter(title=title).first()
        if idea is None:
            links = []
            if key_results and status != "draft":
                kr = key_results[index % len(key_results)]
                links = [services.KeyResultLink(key_result=kr, how="Less manual work")]
            idea = services.idea_save(
                idea=Idea(),
                actor=users[author],
                data={
                    "title": title,
                    "business_unit": units[unit],
                    "process": process,
                    "pain_point": pain,
                    "people_affected": people,
                    "occurrences": times,
                    "period": period,
                    "minutes_now": now,
                    "minutes_after": after,
                },
                key_results=links,
                submit=status != "draft",
            )
            created += 1
        _vote(idea, users, index)
        _advance(idea, status, effort, risk, coe, today)
    for title, author, body in COMMENTS:
        idea = Idea.objects.filter(title=title).first()
        if idea and not IdeaComment.objects.filter(idea=idea, author=users[author]).exists():
            services.idea_comment(idea=idea, author=users[author], body=body)
    for username, (headline, skills, learning) in PROFILES.items():
        MakerProfile.objects.update_or_create(
            user=users[username],
            defaults={"headline": headline, "skills": skills, "learning": learning},
        )
    for username, note in (
        ("maker", "Finance's go-to for flows"),
        ("maker2", "Runs the Operations maker meet-up"),
    ):
        Champion.objects.get_or_create(
            user=users[username], defaults={"note": note, "added_by": coe}
        )
    awarded = badges_award_all()
    return f"ideas: {created} created, {awarded} badges awarded"


def _vote(idea: Idea, users: dict, index: int) -> None:
    if not idea.is_open_for_votes:
        return
    voters = [u for name, u in sorted(users.items()) if u != idea.author][: (index * 7) % 5]
    for voter in voters:
        if not IdeaVote.objects.filter(idea=idea, user=voter).exists():
            services.idea_vote(idea=idea, user=voter)


def _advance(idea: Idea, status: str, effort: str, risk: int, coe: User, today: date) -> None:
    """Take a demo idea through the CoE's steps up to `status` (each step only once)."""
    idea.refresh_from_db()
    if status in ("draft", "new") or idea.status == status:
        if status in DELIVERED:
            _record_value(idea, coe, today)
        return
    if idea.status == Idea.Status.NEW and status == "declined":
        services.idea_decline(idea=idea, actor=coe, reason=DECLINE_REASONS[idea.title])
        return
    if idea.status == Idea.Status.NEW:
        idea = services.idea_review(idea=idea, actor=coe, effort=effort or "m", risk=risk)
    if status == "under_review":
        return
    if idea.solution_id is None:
        idea = services.idea_accept(idea=idea, actor=coe, kind=KINDS[idea.title])
    if status == "accepted":
        return
    if idea.status == Idea.Status.ACCEPTED:
        idea = services.idea_advance(idea=idea, actor=coe)
    if status == "in_build":
        return
    months, _share = DELIVERED[idea.title]
    Solution.objects.filter(pk=idea.solution_id).update(
        status=Solution.Status.LIVE, go_live_on=_months_back(today, months)[0]
    )
    idea.refresh_from_db()
    if idea.status == Idea.Status.IN_BUILD:
        services.idea_advance(idea=idea, actor=coe)
    _record_value(idea, coe, today)


def _record_value(idea: Idea, coe: User, today: date) -> None:
    months, share = DELIVERED[idea.title]
    solution = Solution.objects.get(pk=idea.solution_id)
    monthly_hours = (idea.potential_hours_year / 12 * Decimal(share)).quantize(Decimal("0.1"))
    for month in _months_back(today, months):
        key = f"idea-demo:{idea.uuid}:{month:%Y-%m}"
        if ValueRecord.objects.filter(origin_key=key).exists():
            continue
        value_record_create(
            solution=solution,
            month=month,
            actor=coe,
            source=ValueRecord.Source.MEASURED,
            hours_saved=monthly_hours,
            note=f"Measured after go-live of “{idea.title}”",
            origin_key=key,
        )
    if idea.title in STORY_OF:
        # The demo story was written before the idea existed; link it to the idea's solution.
        Story.objects.filter(title=STORY_OF[idea.title], solution__isnull=True).update(
            solution=idea.solution_id
        )
