"""Reusable reads for assessments."""

from django.db import models

from accounts.policy import Role, has_role, is_coe


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AssessmentQuerySet":
        """CoE leads and admins see every assessment; executives see submitted ones only;
        everyone else sees none."""
        if is_coe(user):
            return self.all()
        if has_role(user, Role.EXECUTIVE):
            return self.submitted()
        return self.none()

    def submitted(self) -> "AssessmentQuerySet":
        return self.filter(status="submitted")

    def drafts(self) -> "AssessmentQuerySet":
        return self.filter(status="draft")

    def for_list(self) -> "AssessmentQuerySet":
        """With what list rows show: subject, unit and people, in one query."""
        return self.select_related(
            "subject__business_unit", "model_version", "started_by", "submitted_by"
        )

    def with_answers(self) -> "AssessmentQuerySet":
        """With answers (and their areas) prefetched, for scoring without a query per row."""
        return self.prefetch_related(
            models.Prefetch("answers", queryset=_answer_model().objects.select_related("area"))
        )


def _answer_model():
    from .models import Answer

    return Answer


class SubjectQuerySet(models.QuerySet):
    def with_last_submitted(self) -> "SubjectQuerySet":
        """Each subject with `last_submitted_at`: when its latest assessment was submitted."""
        return self.select_related("business_unit").annotate(
            last_submitted_at=models.Max(
                "assessments__submitted_at", filter=models.Q(assessments__status="submitted")
            )
        )
