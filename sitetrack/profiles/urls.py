from django.urls import path

from sitetrack.profiles import views

app_name = "profiles"
urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("round/<int:number>/", views.round_page, name="round"),
    path("round/<int:number>/batch/", views.batch_start, name="batch-start"),
    path("round/<int:number>/batch/<int:pk>/", views.batch_status, name="batch-status"),
    path("round/<int:number>/batch/<int:pk>/zip/", views.batch_download, name="batch-download"),
    path("round/<int:number>/site/<str:code>/", views.profile, name="profile"),
    path("round/<int:number>/site/<str:code>/pdf/", views.profile_pdf, name="profile-pdf"),
]
