"""The main navigation and the home-page panels. Each app adds its entries here, so that the
base template and the home page never need to know which apps exist."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise  # translated when the page is rendered
    url_name: str
    action: str  # the policy action a user needs to see the entry
    section: str  # highlights the entry when the URL's namespace matches


NAV_ITEMS: list[NavItem] = [
    NavItem(_("Dashboard"), "dashboard:dashboard", "reports.view_dashboard", "dashboard"),
    NavItem(_("Maturity model"), "maturity:model_matrix", "maturity.view_model", "maturity"),
    NavItem(_("Assessments"), "adoption:assessment_list", "adoption.view_assessment", "adoption"),
    NavItem(_("Strategy"), "strategy:plan_list", "strategy.view_plan", "strategy"),
    NavItem(_("Value"), "value:solution_list", "value.list_solutions", "value"),
    NavItem(_("Stories"), "stories:story_list", "stories.view_story", "stories"),
    NavItem(_("Ideas"), "ideas:idea_list", "ideas.view_idea", "ideas"),
    NavItem(_("Reports"), "reports:definition_list", "reports.view_reports", "reports"),
    NavItem(_("App catalog"), "inventory:catalog", "inventory.view_catalog", "inventory"),
    NavItem(_("Inventory"), "inventory:run_list", "inventory.manage_imports", "inventory"),
]

# Home-page panels: a dotted path to a function `panel(request) -> str | None` that returns
# rendered HTML (or None to show nothing), the roles whose home page shows it, and whether it is
# the same for every reader of a role (SHARED: nothing of the reader but their role shows, so the
# home page keeps its HTML per role, language and day under the figures version; OWN: rendered
# for each reader). The user's highest role (accounts.policy.ROLE_PRECEDENCE) decides. One line
# per panel, in page order.
EVERYONE = ("admin", "coe_lead", "executive", "maker")
SHARED, OWN = True, False

HOME_PANELS: list[tuple[str, tuple[str, ...], bool]] = [
    ("reports.dashboard_home.dashboard_panel", ("admin", "coe_lead", "executive"), SHARED),
    ("accounts.home.organisation_panel", EVERYONE, OWN),
    ("adoption.home.due_panel", ("admin", "coe_lead"), SHARED),
    ("adoption.home.latest_results_panel", ("executive",), SHARED),
    ("strategy.home.check_in_due_panel", ("admin", "coe_lead"), SHARED),
    ("strategy.home.plans_panel", ("executive",), SHARED),
    ("strategy.home.my_key_results_panel", ("maker",), OWN),
    ("value.home.value_panel", ("admin", "coe_lead", "executive"), SHARED),
    ("stories.home.review_panel", ("admin", "coe_lead"), SHARED),
    ("stories.home.latest_panel", ("executive",), SHARED),
    ("stories.home.my_stories_panel", ("maker",), OWN),
]

# Panels a higher app shows on a lower app's page, so that the lower app never imports it:
# page name → dotted paths of `panel(request, obj) -> str | None` (rendered HTML or None).
# A page renders them with `{% load panels %}{% page_panels "page name" obj %}`.
PAGE_PANELS: dict[str, list[str]] = {
    "value.solution_detail": ["ideas.views.solution_idea_panel"],
    "stories.story_detail": ["ideas.views.story_idea_panel"],
    "stories.newsletter_form": ["ideas.views.newsletter_badge_panel"],
}
