"""Group ids for a person when their token had too many groups to carry them (groups overage)."""

import logging

from django.conf import settings

from .errors import ProviderUnavailable
from .provider import fetch_json

logger = logging.getLogger(__name__)


def has_groups_overage(claims: dict) -> bool:
    """Entra leaves out `groups` past 200 and points to Graph instead (`_claim_names`)."""
    return "groups" not in claims and (
        "groups" in (claims.get("_claim_names") or {}) or bool(claims.get("hasgroups"))
    )


def groups_of(claims: dict, access_token: str | None) -> list[str]:
    """The person's group object ids: from the token, or on overage from Microsoft Graph's
    `getMemberObjects` with the person's own access token. When Graph cannot answer, no groups
    (roles then come from app roles only) and a warning in the log."""
    if not has_groups_overage(claims):
        return [str(group) for group in claims.get("groups") or []]
    oid = claims["oid"]
    if not access_token:
        logger.warning(
            "Entra sign-in: groups overage for oid=%s and no access token; "
            "roles from app roles only",
            oid,
        )
        return []
    url = f"{settings.OIDC_GRAPH_URL.rstrip('/')}/v1.0/users/{oid}/getMemberObjects"
    try:
        answer = fetch_json(
            url,
            method="POST",
            json={"securityEnabledOnly": True},
            headers={"Authorization": f"Bearer {access_token}"},
        )
    except ProviderUnavailable as exc:
        logger.warning(
            "Entra sign-in: groups overage for oid=%s; Graph getMemberObjects failed (%s); "
            "roles from app roles only",
            oid,
            exc,
        )
        return []
    groups = [str(group) for group in answer.get("value") or []]
    logger.info(
        "Entra sign-in: groups overage for oid=%s; %d groups read from Graph", oid, len(groups)
    )
    return groups
