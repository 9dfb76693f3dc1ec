"""Reusable reads for ideas and maker profiles."""

import re

from django.db import connections, models

from accounts.policy import is_coe, is_reader


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


class IdeaQuerySet(models.QuerySet):
    def visible_to(self, user) -> "IdeaQuerySet":
        """Everyone signed in reads the backlog; a draft only its author (and the CoE) sees."""
        if not _signed_in(user):
            return self.none()
        if is_coe(user):
            return self
        return self.filter(~models.Q(status="draft") | models.Q(author=user))

    def in_backlog(self) -> "IdeaQuerySet":
        return self.exclude(status="draft")

    def in_pipeline(self) -> "IdeaQuerySet":
        """Submitted ideas neither declined nor delivered yet."""
        return self.filter(status__in=["new", "under_review", "accepted", "in_build"])

    def for_list(self) -> "IdeaQuerySet":
        return self.select_related("business_unit", "author", "maturity_area").defer(
            "search_vector", "pain_point", "risk_today"
        )

    def by_score(self) -> "IdeaQuerySet":
        # Drafts (never submitted) after submitted ideas of the same score.
        return self.order_by("-score", models.F("submitted_at").desc(nulls_last=True), "-pk")

    def filtered(self, *, unit=None, status="", key_result=None, area=None) -> "IdeaQuerySet":
        """The backlog filters; each is optional."""
        qs = self
        if unit is not None:
            qs = qs.filter(business_unit=unit)
        if status:
            qs = qs.filter(status=status)
        if key_result is not None:
            qs = qs.filter(key_result_links__key_result=key_result)
        if area is not None:
            qs = qs.filter(maturity_area=area)
        return qs

    def similar_to(self, text: str, limit: int = 5) -> "IdeaQuerySet":
        """Ideas whose title or description resemble `text` (for duplicate suggestions while
        typing): PostgreSQL full-text search (every word) over the GIN-indexed vector, OR trigram
        similarity of the whole title (pg_trgm's `%`, its own GIN index); elsewhere a plain
        "title contains a word" match."""
        # Letters and digits only: the words go into a raw tsquery, where & | ! : ' are syntax.
        words = re.findall(r"\w{3,}", text or "")[:12]
        if not words:
            return self.none()
        if connections[self.db].vendor == "postgresql":
            from django.contrib.postgres.lookups import TrigramSimilar
            from django.contrib.postgres.search import (
                SearchQuery,
                SearchRank,
                TrigramSimilarity,
            )

            # Every word (stemmed) for the full-text match; a near duplicate that shares only
            # some words is found by the trigram similarity of its title instead.
            query = SearchQuery(" & ".join(words), search_type="raw", config="english")
            title = " ".join(words)[:200]
            return (
                self.annotate(
                    rank=SearchRank(models.F("search_vector"), query),
                    likeness=TrigramSimilarity("title", title),
                )
                .filter(
                    # The lookup as an expression: django.contrib.postgres is not installed,
                    # so `title__trigram_word_similar` is not registered on CharField.
                    models.Q(search_vector=query)
                    | models.Q(TrigramSimilar(models.F("title"), models.Value(title)))
                )
                .order_by("-likeness", "-rank")[:limit]
            )
        match = models.Q()
        for word in words[:5]:
            match |= models.Q(title__icontains=word)
        return self.filter(match).order_by("-score")[:limit]


class MakerProfileQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MakerProfileQuerySet":
        """Readers see every profile; others see their own and those not hidden from makers."""
        if not _signed_in(user):
            return self.none()
        if is_reader(user):
            return self
        return self.filter(models.Q(is_hidden_from_makers=False) | models.Q(user=user))
