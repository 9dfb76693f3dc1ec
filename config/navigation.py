"""The main navigation and the home-page panels. Each app adds its entries here, so that the
base template and the home page never need to know which apps exist."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: str  # the policy action a user needs to see the entry
    section: str  # highlights the entry when the URL's namespace matches


NAV_ITEMS: list[NavItem] = [
    NavItem("Strategy", "strategy:plan_list", "strategy.view_plan", "strategy"),
]

# Home-page panels per role, as dotted paths to functions `panel(request) -> str | None` that
# return rendered HTML (or None to show nothing). The first role in ROLE_PRECEDENCE decides.
HOME_PANELS: dict[str, list[str]] = {
    "admin": ["accounts.home.organisation_panel"],
    "coe_lead": ["accounts.home.organisation_panel", "strategy.home.check_in_due_panel"],
    "executive": ["accounts.home.organisation_panel"],
    "maker": ["accounts.home.organisation_panel", "strategy.home.my_key_results_panel"],
}
