from django.urls import path

from sitetrack.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.rounds_view, name="rounds"),
    path("rounds/<int:pk>/", views.board_view, name="board"),
    path("rounds/<int:pk>/close/", views.round_close_view, name="round_close"),
    path("rounds/<int:round_pk>/sites/<str:code>/", views.assessment_form_view, name="form"),
    path("<int:pk>/", views.assessment_detail_view, name="detail"),
    path("<int:pk>/submit/", views.submit_view, name="submit"),
    path("<int:pk>/validate/", views.validate_view, name="validate"),
    path("<int:pk>/return/", views.return_view, name="return"),
    path("catalogue/", views.catalogue_view, name="catalogue"),
]
