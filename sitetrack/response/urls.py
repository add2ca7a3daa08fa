from django.urls import path

from sitetrack.response import views

app_name = "response"
urlpatterns = [
    path("", views.activity_list_view, name="activities"),
]
urlpatterns += [
    path("referrals/", views.referral_list_view, name="referrals"),
]
