"""Demo success stories, a past show-and-tell session and a sent newsletter (idempotent).

Stories are looked up by title; nothing is created twice. Their pictures are drawn with Pillow
(stories.demo_pictures)."""

from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import BusinessUnit, User
from value.demo import MEASURED_BY_STORY_DAYS_AGO
from value.models import Solution

from .demo_pictures import story_pictures
from .models import (
    Newsletter,
    NewsletterDelivery,
    NewsletterItem,
    NewsletterSubscription,
    SessionSlot,
    ShowAndTellSession,
    Story,
    StoryEvent,
    StoryImage,
    StoryLike,
    StoryMetric,
    StoryQuote,
)
from .services.record_value import MetricConversion, default_months, story_value_record
from .services.story import _set_tags, story_refresh_search

P = Story.Status


STORIES = [
    {
        "title": "Supplier invoices approved in a day instead of a week",
        "author": "maker",
        "unit": "accounts-payable",
        "kind": "cloud_flow",
        "status": P.PUBLISHED,
        # value's demo stops its own records of this solution where the story's value starts.
        "days_ago": MEASURED_BY_STORY_DAYS_AGO["Invoice approvals"],
        "overview": (
            "Accounts Payable used to chase paper invoices around three offices. A cloud flow "
            "now reads each invoice from the shared mailbox, routes it to the right budget "
            "holder in Teams and posts the approval back to the finance system."
        ),
        "business_scenario": (
            "About 900 supplier invoices arrive each month. Late approvals meant missed early-"
            "payment discounts and an unhappy supplier help desk."
        ),
        "before_process": (
            "- Invoices printed and put in trays\n- Budget holders signed by hand, often days "
            "later\n- A clerk re-typed every approved invoice"
        ),
        "solution_summary": (
            "The flow picks up the PDF, extracts supplier, amount and cost centre, and sends an "
            "adaptive card to the approver. Approved invoices are written to the ledger without "
            "re-typing; rejected ones go back with the approver's note."
        ),
        "impact_summary": (
            "- **Approval time** down from six days to one\n- **Early-payment discounts** "
            "taken on most invoices\n- No more lost paper"
        ),
        "architecture": (
            "Outlook shared mailbox → Power Automate cloud flow → AI Builder invoice model → "
            "Teams adaptive card → Dataverse log → finance system connector."
        ),
        "meet_the_team": (
            "Morgan learned Power Automate in the CoE's maker bootcamp and built the flow in six "
            "weeks, with help from a pro developer for the finance connector."
        ),
        "highlights": [
            "Approval time cut from 6 days to 1",
            "12 hours a week of re-typing gone",
            "Built by an accounts payable specialist after the maker bootcamp",
        ],
        "team": "Morgan Maker, accounts payable\nPriya Shah, finance systems",
        "tags": ["invoices", "approvals", "finance"],
        "hours": Decimal("520"),
        "cost": Decimal("26000"),
        "metrics": [
            ("Time spent keying invoices", "hours", "12", "2", "per week"),
            ("Approval lead time", "days", "6", "1", "per invoice"),
            ("Early-payment discounts taken", "%", "20", "85", "of invoices"),
        ],
        "quotes": [
            ("Dana Okafor", "Head of Finance", "We pay on time now, and suppliers have noticed."),
        ],
        "likes": ["coe", "exec", "maker2"],
        "scores": (5, 5, 3, 4, 5),
        # The solution in the inventory, and the metric the CoE turned into monthly value:
        # (metric name, method, volume per month) - 10 hours a week x 4.33 weeks a month.
        "solution": "Invoice approvals",
        "value_from": [("Time spent keying invoices", "hours_per_period", "4.33")],
    },
    {
        "title": "Vehicle inspections on a phone, no more paper checklists",
        "author": "maker2",
        "unit": "fleet",
        "kind": "canvas_app",
        "status": P.PUBLISHED,
        "days_ago": 40,
        "overview": (
            "Drivers inspect their vans in a canvas app before every shift. Defects reach the "
            "workshop with photos straight away instead of days later on a paper form."
        ),
        "business_scenario": (
            "Fleet Services runs 240 vans. Paper checklists were filed weekly, so defects "
            "stayed unseen and some vans went out unsafe."
        ),
        "before_process": "Paper checklists in the glove box, collected once a week.",
        "solution_summary": (
            "A canvas app with a checklist per vehicle type, photos and offline mode. A flow "
            "opens a workshop job for every defect."
        ),
        "impact_summary": "- Defects reported the same hour\n- Around 400 paper forms a month gone",
        "architecture": "Canvas app (offline) → Dataverse → cloud flow → workshop planner.",
        "meet_the_team": "Sam, a fleet coordinator, built it with two drivers testing each week.",
        "highlights": [
            "Defects reach the workshop within hours, not days",
            "400 paper forms a month replaced",
        ],
        "team": "Sam Builder, fleet coordinator\nLee Carter, driver\nAna Lopes, driver",
        "tags": ["field work", "inspections", "paperless"],
        "hours": Decimal("310"),
        "cost": Decimal("9000"),
        "metrics": [
            ("Paper inspection forms", "forms", "400", "0", "per month"),
            ("Time to report a defect", "hours", "48", "4", ""),
        ],
        "quotes": [
            ("Lee Carter", "Driver", "Two minutes on the phone and the workshop already knows."),
        ],
        "likes": ["coe", "maker"],
        "scores": (4, 4, 5, 3, 4),
    },
    {
        "title": "One stock dashboard for every warehouse",
        "author": "maker2",
        "unit": "warehousing",
        "kind": "power_bi_report",
        "status": P.PUBLISHED,
        "days_ago": 15,
        "overview": (
            "Four warehouses kept stock in their own spreadsheets. A Power BI report now shows "
            "stock, reorder points and late deliveries for all of them, refreshed hourly."
        ),
        "business_scenario": "Stock-outs stopped orders while another site had plenty.",
        "before_process": "Weekly e-mails with spreadsheets that were out of date on arrival.",
        "solution_summary": "A shared dataset with one report page per role.",
        "impact_summary": "- Fewer stock-outs\n- Transfers between sites planned daily",
        "architecture": "Warehouse system → dataflow → Power BI dataset → report and alerts.",
        "meet_the_team": "Built by the warehousing planners with the CoE's data champion.",
        "highlights": ["Stock-outs down by more than two thirds", "All four sites in one view"],
        "team": "Sam Builder\nNoor Haddad, planner",
        "tags": ["inventory", "reporting", "operations"],
        "hours": Decimal("150"),
        "cost": Decimal("40000"),
        "metrics": [("Stock-outs", "incidents", "18", "5", "per quarter")],
        "quotes": [],
        "likes": ["exec"],
        "scores": (4, 4, 4, 4, 3),
    },
    {
        "title": "A Copilot agent that answers new starters' questions",
        "author": "maker",
        "unit": "people",
        "kind": "copilot_agent",
        "status": P.PUBLISHED,
        "days_ago": 5,
        "overview": (
            "New starters ask an agent in Teams about laptops, leave and their first week. "
            "People and Culture answers far fewer repeated questions by e-mail."
        ),
        "business_scenario": "Every month 30 new starters asked the same questions.",
        "before_process": "E-mails to a shared inbox, answered one by one.",
        "solution_summary": "A Copilot Studio agent grounded on the onboarding handbook.",
        "impact_summary": "- Most questions answered instantly\n- Happier first weeks",
        "architecture": "Copilot Studio agent → SharePoint handbook → Teams channel.",
        "meet_the_team": "Morgan built it as a second project, with the onboarding team.",
        "highlights": ["Answers in seconds, day or night", "Repeated e-mails down sharply"],
        "team": "Morgan Maker\nJo Evans, onboarding",
        "tags": ["onboarding", "agents", "people"],
        "hours": Decimal("200"),
        "cost": None,
        "metrics": [("Onboarding e-mails to the inbox", "e-mails", "160", "35", "per month")],
        "quotes": [("Jo Evans", "Onboarding lead", "We finally have time for the people.")],
        "likes": [],
        "scores": (4, 3, 5, 3, 4),
    },
    {
        "title": "A self-service portal for new suppliers",
        "author": "maker2",
        "unit": "procurement",
        "kind": "power_pages_site",
        "status": P.SUBMITTED,
        "days_ago": 2,
        "overview": (
            "Suppliers register themselves and upload certificates in a Power Pages site "
            "instead of sending forms back and forth by e-mail."
        ),
        "business_scenario": "Registering a supplier took three weeks of e-mail.",
        "before_process": "Word forms by e-mail, re-typed by procurement.",
        "solution_summary": "A portal with a guided form and document upload.",
        "impact_summary": "- Registration in days\n- Complete data first time",
        "architecture": "Power Pages → Dataverse → approval flow.",
        "meet_the_team": "Sam with the procurement team.",
        "highlights": ["Supplier registration in 3 days, not 3 weeks", "No re-typing"],
        "team": "Sam Builder",
        "tags": ["suppliers", "portal"],
        "hours": Decimal("180"),
        "cost": Decimal("7000"),
        "metrics": [("Time to register a supplier", "days", "21", "3", "")],
        "quotes": [],
        "likes": [],
        "scores": None,
    },
    {
        "title": "Reminders for unsubmitted expense claims",
        "author": "maker",
        "unit": "accounts-payable",
        "kind": "cloud_flow",
        "status": P.DRAFT,
        "days_ago": 1,
        "overview": "A flow reminds colleagues of expense claims left in draft for a week.",
        "business_scenario": "",
        "before_process": "",
        "solution_summary": "",
        "impact_summary": "",
        "architecture": "",
        "meet_the_team": "",
        "highlights": ["Month-end close no longer waits for late claims"],
        "team": "Morgan Maker",
        "tags": ["finance", "reminders"],
        "hours": None,
        "cost": None,
        "metrics": [],
        "quotes": [],
        "likes": [],
        "scores": None,
    },
]

TRAIL = {
    P.PUBLISHED: ["created", "submitted", "review_started", "approved", "published"],
    P.SUBMITTED: ["created", "submitted"],
    P.DRAFT: ["created"],
}
TO_STATUS = {
    "created": P.DRAFT,
    "submitted": P.SUBMITTED,
    "review_started": P.IN_REVIEW,
    "approved": P.APPROVED,
    "published": P.PUBLISHED,
}


def _story(spec: dict, users: dict, now) -> Story:
    existing = Story.objects.filter(title=spec["title"]).first()
    if existing is not None:
        return existing
    author = users[spec["author"]]
    coe = users["coe"]
    created = now - timedelta(days=spec["days_ago"] + 10)
    highlights = [*spec["highlights"], "", "", ""][:3]
    story = Story.objects.create(
        title=spec["title"],
        author=author,
        business_unit=BusinessUnit.objects.get(slug=spec["unit"]),
        solution_kind=spec["kind"],
        status=spec["status"],
        **{field: spec[field] for field in Story.SECTIONS},
        highlight_1=highlights[0],
        highlight_2=highlights[1],
        highlight_3=highlights[2],
        team_members=spec["team"],
        hours_saved_per_year=spec["hours"],
        cost_saved_per_year=spec["cost"],
        reviewer=coe if spec["status"] == P.PUBLISHED else None,
        submitted_at=None if spec["status"] == P.DRAFT else created + timedelta(days=3),
        published_at=now - timedelta(days=spec["days_ago"])
        if spec["status"] == P.PUBLISHED
        else None,
    )
    if spec["scores"]:
        for (field, _, _), value in zip(Story.CRITERIA, spec["scores"], strict=True):
            setattr(story, field, value)
        story.save()
    _set_tags(story, spec["tags"])
    for position, (name, unit, before, after, period) in enumerate(spec["metrics"]):
        StoryMetric.objects.create(
            story=story,
            name=name,
            unit=unit,
            before_value=Decimal(before),
            after_value=Decimal(after),
            period=period,
            position=position,
        )
    for position, (who, role, text) in enumerate(spec["quotes"]):
        StoryQuote.objects.create(story=story, who=who, role=role, text=text, position=position)
    if spec["status"] != P.DRAFT:
        for position, (caption, picture) in enumerate(story_pictures(spec)):
            image = StoryImage(story=story, caption=caption[:200], position=position)
            image.image.save(picture.name, picture, save=False)
            image.save()
    previous = ""
    for step, kind in enumerate(TRAIL[spec["status"]]):
        event = StoryEvent.objects.create(
            story=story,
            actor=author if kind in ("created", "submitted") else coe,
            kind=kind,
            from_status=previous,
            to_status=TO_STATUS[kind],
        )
        StoryEvent.objects.filter(pk=event.pk).update(created_at=created + timedelta(days=step * 2))
        previous = TO_STATUS[kind]
    for username in spec["likes"]:
        StoryLike.objects.get_or_create(story=story, user=users[username])
    story_refresh_search(story=story)
    return story


def _record_value(spec: dict, story: Story, coe: User) -> int:
    """Turn the story's chosen metrics into value records of its solution for the months since
    publication, as the CoE would from the story's page. The origin keys make a re-run add only
    months that have passed since. Returns the number of records created."""
    solution = Solution.objects.filter(name=spec.get("solution", "")).first()
    if solution is None or not story.is_published:
        return 0
    metrics = {metric.name: metric for metric in story.metrics.all()}
    month_from, month_to = default_months(story)
    result = story_value_record(
        story=story,
        actor=coe,
        conversions=[
            MetricConversion(metric=metrics[name], method=method, volume=Decimal(volume))
            for name, method, volume in spec["value_from"]
        ],
        month_from=month_from,
        month_to=month_to,
        solution=solution,
    )
    return len(result.created)


def seed() -> str:
    """Create the demo stories, session and newsletter when they are missing."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["coe", "exec", "maker", "maker2", "admin"])
    }
    now = timezone.now()
    stories = [_story(spec, users, now) for spec in STORIES]
    published = [s for s in stories if s.is_published]
    pairs = zip(STORIES, stories, strict=True)
    recorded = sum(_record_value(spec, story, users["coe"]) for spec, story in pairs)

    session, created = ShowAndTellSession.objects.get_or_create(
        title="Spring show and tell: paper out, phones in",
        defaults={
            "starts_at": (now - timedelta(days=10)).replace(hour=15, minute=0, second=0),
            "location": "Town hall, 3rd floor, and online",
            "meeting_url": "https://meet.example.org/show-and-tell",
            "host": users["coe"],
            "description": "Three makers show what they built in ten minutes each, then questions.",
            "recording_url": "https://video.example.org/show-and-tell-spring",
        },
    )
    if created:
        for i, story in enumerate(published[:3]):
            SessionSlot.objects.create(
                session=session,
                story=story,
                presenter=story.author,
                starts_at=time(15, 5 + i * 15),
                minutes=12,
            )

    for username in ("coe", "exec", "maker", "maker2"):
        NewsletterSubscription.objects.get_or_create(user=users[username])
    newsletter, created = Newsletter.objects.get_or_create(
        subject="Stories from the platform: issue 1",
        defaults={
            "intro": "Two teams that said goodbye to paper. Read how, and what it saved.",
            "status": Newsletter.Status.SENT,
            "created_by": users["coe"],
            "send_started_at": now - timedelta(days=30),
            "sent_at": now - timedelta(days=30),
        },
    )
    if created:
        for i, story in enumerate(published[:2]):
            NewsletterItem.objects.create(newsletter=newsletter, story=story, position=i)
        for username in ("coe", "exec", "maker", "maker2"):
            NewsletterDelivery.objects.create(
                newsletter=newsletter,
                recipient=users[username],
                email=users[username].email,
                status=NewsletterDelivery.Status.SENT,
                attempts=1,
                sent_at=now - timedelta(days=30),
            )
        newsletter.sent_count = 4
        newsletter.save(update_fields=["sent_count"])
    return f"{len(stories)} stories, 1 session, 1 newsletter, {recorded} value records from stories"
