from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from adoption.models import Assessment
from adoption.services import assessment_recommendations
from config.api import PolicyReadOnlyViewSet

from .serializers import AssessmentSerializer, RecommendationSerializer


class AssessmentViewSet(PolicyReadOnlyViewSet):
    """Assessments with their scores: the CoE sees all, executives submitted ones only,
    makers none (403). Answering happens on the pages."""

    serializer_class = AssessmentSerializer
    policy_actions = {"read": "adoption.view_assessment", "write": "adoption.edit_assessment"}
    filterset_fields = ["status", "subject__slug"]
    ordering_fields = ["submitted_at", "created_at"]

    def get_queryset(self):
        return (
            Assessment.objects.visible_to(self.request.user)
            .for_list()
            .with_answers()
            .order_by("-created_at")
        )

    @extend_schema(responses=RecommendationSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def recommendations(self, request, uuid=None):
        """Per area, weakest first: the next level's characteristics, its opportunities,
        the concrete steps from the answers, and the target with its gap."""
        assessment = self.get_object()
        data = RecommendationSerializer(assessment_recommendations(assessment), many=True).data
        return Response(data)
