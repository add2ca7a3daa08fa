from django.urls import path

from sitetrack.assessments import apis

urlpatterns = [
    path("rounds/", apis.RoundListView.as_view(), name="api-rounds"),
    path("rounds/<int:pk>/", apis.RoundDetailView.as_view(), name="api-round"),
    path("rounds/<int:pk>/close/", apis.RoundCloseView.as_view(), name="api-round-close"),
    path("assessments/", apis.AssessmentListView.as_view(), name="api-assessments"),
    path("assessments/<int:pk>/", apis.AssessmentDetailView.as_view(), name="api-assessment"),
    path(
        "assessments/<int:pk>/submit/",
        apis.AssessmentActionView.as_view(action_name="submit"),
        name="api-assessment-submit",
    ),
    path(
        "assessments/<int:pk>/validate/",
        apis.AssessmentActionView.as_view(action_name="validate"),
        name="api-assessment-validate",
    ),
    path(
        "assessments/<int:pk>/return/",
        apis.AssessmentActionView.as_view(action_name="return"),
        name="api-assessment-return",
    ),
    path("catalogue/", apis.CatalogueView.as_view(), name="api-catalogue"),
]
