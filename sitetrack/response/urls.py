from django.urls import path

from sitetrack.response import views

app_name = "response"
urlpatterns = [
    path("", views.activity_list_view, name="activities"),
]
urlpatterns += [
    path("referrals/", views.referral_list_view, name="referrals"),
]
urlpatterns += [
    path("gaps/", views.gap_matrix_view, name="gaps"),
]
urlpatterns += [
    path("3w.csv", views.threew_hxl_view, name="hxl"),
]
