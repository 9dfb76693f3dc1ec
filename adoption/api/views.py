"""The assessments API: read results, and answer a draft through the same services and policy
as the pages (start, save answers with the revision check, submit, discard)."""

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from adoption import services
from adoption.models import Assessment
from config.api import CONFLICT, Conflict, PolicyModelViewSet, refused

from .serializers import (
    AssessmentAnswersInputSerializer,
    AssessmentAnswersSerializer,
    AssessmentSerializer,
    AssessmentStartInputSerializer,
    RecommendationSerializer,
)

STALE_REVISION = OpenApiResponse(
    description="Someone saved the draft after its revision was read (the body holds the "
    "current revision), or the assessment is no longer a draft; nothing was written."
)


class AssessmentViewSet(PolicyModelViewSet):
    """Assessments with their scores: the CoE sees all, executives submitted ones only,
    makers none (403). The CoE starts, answers, submits and discards drafts."""

    serializer_class = AssessmentSerializer
    http_method_names = ["get", "post", "delete", "head", "options"]
    policy_actions = {
        "read": "adoption.view_assessment",
        "write": "adoption.edit_assessment",
        "create": "adoption.create_assessment",
    }
    filterset_fields = ["status", "subject__slug"]
    ordering_fields = ["submitted_at", "created_at"]

    def policy_object(self, assessment):
        # Writing: the policy judges the role (may this user write assessments at all); that a
        # submitted assessment no longer changes is its state, which the service refuses (409).
        return assessment if self.request.method in SAFE_METHODS else None

    def get_queryset(self):
        return (
            Assessment.objects.visible_to(self.request.user)
            .for_list()
            .with_answers()
            .order_by("-created_at")
        )

    def _read(self, assessment, code=status.HTTP_200_OK):
        assessment = self.get_queryset().get(pk=assessment.pk)
        return Response(self.get_serializer(assessment).data, status=code)

    @extend_schema(request=AssessmentStartInputSerializer, responses={201: AssessmentSerializer})
    def create(self, request, *args, **kwargs):
        """Start a draft with every question open, like the start page."""
        payload = AssessmentStartInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            assessment = services.assessment_start(
                subject=services.subject_for(payload.validated_data.get("business_unit")),
                user=request.user,
                title=payload.validated_data["title"],
            )
        except services.AssessmentError as error:
            raise refused(error) from None
        return self._read(assessment, status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 409: CONFLICT})
    def destroy(self, request, *args, **kwargs):
        """Discard a draft; submitted assessments are kept (409)."""
        assessment = self.get_object()
        try:
            services.assessment_discard(assessment=assessment, user=request.user)
        except services.AssessmentError as error:
            raise refused(error) from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["GET"], request=None, responses={200: AssessmentAnswersSerializer})
    @extend_schema(
        methods=["POST"],
        request=AssessmentAnswersInputSerializer,
        responses={200: AssessmentAnswersSerializer, 409: STALE_REVISION},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def answers(self, request, uuid=None):
        """GET: every answer and the draft's revision. POST: set or clear answers of a draft
        (a level, `not_sure`, or neither); send the revision you read. A stale revision, or
        an assessment no longer a draft, is a 409 and writes nothing."""
        assessment = self.get_object()
        if request.method == "POST":
            try:
                self._save_answers(assessment, request)
            except services.AssessmentConflict as conflict:
                return Response(
                    {"detail": str(conflict), "revision": conflict.current_revision},
                    status=status.HTTP_409_CONFLICT,
                )
        assessment.refresh_from_db(fields=["revision"])
        answers = assessment.answers.select_related("area").order_by("area__order", "order")
        body = {"revision": assessment.revision, "answers": answers}
        return Response(AssessmentAnswersSerializer(body).data)

    def _save_answers(self, assessment, request) -> None:
        payload = AssessmentAnswersInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        areas = {answer.question_key: answer.area for answer in services.answers_of(assessment)}
        unknown = [
            item["question_key"]
            for item in payload.validated_data["answers"]
            if item["question_key"] not in areas
        ]
        if unknown:
            raise ValidationError(
                {
                    "answers": _("This assessment has no question %(keys)s.")
                    % {"keys": ", ".join(unknown)}
                }
            )
        # The page saves one area at a time; here each area is one save, all in one
        # transaction, so a conflict in any of them writes nothing.
        by_area: dict = {}
        for item in payload.validated_data["answers"]:
            by_area.setdefault(areas[item["question_key"]], {})[item["question_key"]] = (
                services.AnswerInput(
                    level=item["level"], is_unsure=item["not_sure"], note=item["note"].strip()
                )
            )
        revision = payload.validated_data["revision"]
        try:
            with transaction.atomic():
                for area, answers in by_area.items():
                    assessment = services.assessment_save_area(
                        assessment=assessment,
                        area=area,
                        answers=answers,
                        revision=revision,
                        user=request.user,
                    )
                    revision = assessment.revision
        except services.AssessmentConflict:
            raise
        except services.AssessmentError as error:
            raise refused(error) from None

    @extend_schema(request=None, responses={200: AssessmentSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def submit(self, request, uuid=None):
        """Fix a draft as a submitted result; every question needs a level or "not sure"
        (else 409 listing the open ones). Submitting again is a 409 too."""
        assessment = self.get_object()
        try:
            services.assessment_submit(assessment=assessment, user=request.user)
        except services.AssessmentIncomplete as incomplete:
            raise Conflict(
                {
                    "detail": _("Not submitted: %(reason)s") % {"reason": incomplete},
                    "open_questions": [a.question_key for a in incomplete.open_answers],
                }
            ) from None
        except services.AssessmentError as error:
            raise refused(error) from None
        return self._read(assessment)

    @extend_schema(responses=RecommendationSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def recommendations(self, request, uuid=None):
        """Per area, weakest first: the next level's characteristics, its opportunities,
        the concrete steps from the answers, and the target with its gap."""
        assessment = self.get_object()
        data = RecommendationSerializer(
            services.assessment_recommendations(assessment), many=True
        ).data
        return Response(data)
