"""The demo organisation: business units and one user per role (idempotent)."""

from django.contrib.auth.models import Group

from .models import BusinessUnit, Organisation, User
from .policy import ROLE_GROUPS, Role

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed for the local demo only

# (slug, name, parent slug)
UNITS = [
    ("finance", "Finance", None),
    ("accounts-payable", "Accounts Payable", "finance"),
    ("procurement", "Procurement", "finance"),
    ("operations", "Operations", None),
    ("fleet", "Fleet Services", "operations"),
    ("warehousing", "Warehousing", "operations"),
    ("people", "People and Culture", None),
    ("sales", "Sales", None),
    ("it", "Information Technology", None),
]

# (username, first, last, job title, unit slug, role)
USERS = [
    ("admin", "Alex", "Admin", "Platform administrator", "it", Role.ADMIN),
    ("coe", "Casey", "Lead", "Head of the Power Platform CoE", "it", Role.COE_LEAD),
    ("exec", "Erin", "Sponsor", "Chief Operating Officer", "operations", Role.EXECUTIVE),
    ("maker", "Morgan", "Maker", "Accounts payable specialist", "accounts-payable", Role.MAKER),
    ("maker2", "Sam", "Builder", "Fleet coordinator", "fleet", Role.MAKER),
    ("maker-de", "Jonas", "Becker", "Referent Einkauf", "procurement", Role.MAKER),
]
# Demo users who read the product in another language than the browser's.
LANGUAGES = {"maker-de": "de"}


def seed() -> list[tuple[str, str]]:
    """Create or update the demo organisation; returns (username, role label) of demo users."""
    organisation = Organisation.current()
    if organisation.name == "Our organisation":
        organisation.name = "Harbourline Group"
        organisation.save(update_fields=["name"])
    units: dict[str, BusinessUnit] = {}
    for slug, name, parent in UNITS:
        units[slug], _ = BusinessUnit.objects.update_or_create(
            slug=slug, defaults={"name": name, "parent": units.get(parent)}
        )
    logins = []
    for username, first, last, title, unit, role in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "job_title": title,
                "business_unit": units[unit],
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
                "language": LANGUAGES.get(username, ""),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name=ROLE_GROUPS[role])[0])
        logins.append((username, role.label))
    BusinessUnit.objects.filter(slug="it", leader__isnull=True).update(
        leader=User.objects.get(username="coe")
    )
    BusinessUnit.objects.filter(slug="operations", leader__isnull=True).update(
        leader=User.objects.get(username="exec")
    )
    return logins
