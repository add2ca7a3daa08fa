from django.urls import path

from sitetrack.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("weekly/<int:number>/", views.weekly, name="weekly"),
    path("weekly/<int:number>/download/<str:fmt>/", views.download, name="weekly-download"),
    path("weekly/<int:number>/publish/", views.publish, name="weekly-publish"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/<int:pk>/", views.subscription_edit, name="subscription-edit"),
]
