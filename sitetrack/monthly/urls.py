from django.urls import path

from sitetrack.monthly import views

app_name = "monthly"
urlpatterns = [
    path("", views.home, name="home"),
    path("<str:month>/", views.report, name="report"),
    path("<str:month>/pdf/", views.pdf, name="pdf"),
]
