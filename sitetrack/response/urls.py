from django.urls import path

from sitetrack.response import views, views_import, views_strategy, views_works

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
urlpatterns += [
    path("new/", views.activity_create_view, name="activity-create"),
    path("<int:pk>/", views.activity_detail_view, name="activity"),
    path("<int:pk>/edit/", views.activity_edit_view, name="activity-edit"),
    path("referrals/new/", views.referral_create_view, name="referral-create"),
    path("referrals/<int:pk>/", views.referral_detail_view, name="referral"),
]
urlpatterns += [
    path("works/", views_works.work_order_list_view, name="work-orders"),
    path("works/new/", views_works.work_order_create_view, name="work-order-create"),
    path("works/<int:pk>/", views_works.work_order_view, name="work-order"),
    path("sites/<str:code>/facilities/", views_works.site_facilities_view, name="site-facilities"),
    path("facilities/<int:pk>/edit/", views_works.facility_edit_view, name="facility-edit"),
]
urlpatterns += [
    path("strategy/", views_works.strategy_view, name="strategy"),
    path("strategy/<int:pk>/edit/", views_strategy.objective_edit_view, name="objective-edit"),
    path("strategy/<int:pk>/delete/", views_strategy.objective_delete_view, name="objective-delete"),
]
urlpatterns += [
    path("import/", views_import.import_view, name="import"),
]
