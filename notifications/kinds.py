"""Every kind of notification the product sends, in one registry.

A kind says who it is for (people, Teams channels or both), whether its e-mail waits for the end of
the recipient's quiet hours (scheduled nudges do; answers to one's own action do not) and whether
people may choose a digest for it. Another app adds a kind with `register()` at import time of its
own `notifications.py`-style module (see README: "Adding a kind")."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PERSON, CHANNEL = "person", "channel"


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    description: str
    audiences: tuple[str, ...] = (PERSON,)
    quiet_hours: bool = True  # e-mail held back during the recipient's quiet hours
    digestible: bool = True  # people may collect it in a daily/weekly digest instead
    email_default: bool = True


CHECKIN_DUE = "checkin_due"
CHECKIN_OVERDUE = "checkin_overdue"
ASSESSMENT_DUE = "assessment_due"
COE_DIGEST = "coe_digest"
STORY_DECISION = "story_decision"
STORY_PUBLISHED = "story_published"
KR_OFF_TRACK = "kr_off_track"
WELCOME = "welcome"
CHANNEL_DISABLED = "channel_disabled"
DIGEST = "digest"  # a person's own daily/weekly digest e-mail
CHANNEL_TEST = "channel_test"

KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind to the registry (idempotent for the same key)."""
    KINDS[kind.key] = kind
    return kind


for _kind in (
    Kind(
        CHECKIN_DUE,
        _("Check-in due"),
        _("A key result you own needs a check-in soon."),
    ),
    Kind(
        CHECKIN_OVERDUE,
        _("Check-in overdue"),
        _("A gentle second nudge when a check-in is a few days late."),
    ),
    Kind(
        ASSESSMENT_DUE,
        _("Re-assessment due"),
        _("Your unit's maturity re-assessment is due by its cadence."),
        audiences=(PERSON, CHANNEL),
    ),
    Kind(
        COE_DIGEST,
        _("Weekly CoE digest"),
        _("Stories waiting for review, assessments due, failed reports (CoE leads)."),
        audiences=(PERSON, CHANNEL),
        digestible=False,
    ),
    Kind(
        STORY_DECISION,
        _("Decisions on your stories"),
        _("The CoE approved, published or asked for changes to your story."),
        quiet_hours=False,
    ),
    Kind(
        STORY_PUBLISHED,
        _("New published story"),
        _("A success story was published (Teams channels)."),
        audiences=(CHANNEL,),
    ),
    Kind(
        KR_OFF_TRACK,
        _("Key results off track"),
        _("Key results of a unit that are off track, once a week (Teams channels)."),
        audiences=(CHANNEL,),
    ),
    Kind(
        WELCOME,
        _("Welcome"),
        _("The welcome e-mail to a new maker."),
        quiet_hours=False,
        digestible=False,
    ),
    Kind(
        CHANNEL_DISABLED,
        _("Teams channel disabled"),
        _("A Teams webhook is gone and its channel was switched off (CoE leads)."),
        quiet_hours=False,
        digestible=False,
    ),
    Kind(DIGEST, _("Your digest"), _("Your daily or weekly digest."), digestible=False),
    Kind(
        CHANNEL_TEST,
        _("Test message"),
        _("A test message sent from the channel settings."),
        audiences=(CHANNEL,),
        quiet_hours=False,
        digestible=False,
    ),
):
    register(_kind)

# Kinds a person may switch on or off on the settings page (the digest itself is the vehicle).
INTERNAL = {DIGEST, CHANNEL_TEST}


def person_kinds() -> list[Kind]:
    return [k for k in KINDS.values() if PERSON in k.audiences and k.key not in INTERNAL]


def channel_kinds() -> list[Kind]:
    return [k for k in KINDS.values() if CHANNEL in k.audiences and k.key not in INTERNAL]


def get(key: str) -> Kind:
    return KINDS[key]


def label(key: str) -> str:
    kind = KINDS.get(key)
    return str(kind.label) if kind else key
