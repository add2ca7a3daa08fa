from django.urls import path

from sitetrack.response import apis, apis_gaps, apis_works

urlpatterns = [
    path("activities/", apis.ActivityListApi.as_view(), name="api-activities"),
    path("activities/<int:pk>/", apis.ActivityDetailApi.as_view(), name="api-activity"),
    path("activities/<int:pk>/reports/", apis.ActivityReportsApi.as_view(), name="api-activity-reports"),
    path("organisations/", apis.OrganisationListApi.as_view(), name="api-organisations"),
    path("organisations/<int:pk>/", apis.OrganisationDetailApi.as_view(), name="api-organisation"),
    path("referrals/", apis.ReferralListApi.as_view(), name="api-referrals"),
    path("referrals/<int:pk>/status/", apis.ReferralStatusApi.as_view(), name="api-referral-status"),
]
urlpatterns += [
    path("gaps/", apis_gaps.GapMatrixApi.as_view(), name="api-gaps"),
]
urlpatterns += [
    path("facilities/", apis_works.FacilityListApi.as_view(), name="api-facilities"),
    path("facilities/<int:pk>/", apis_works.FacilityDetailApi.as_view(), name="api-facility"),
    path("work-orders/", apis_works.WorkOrderListApi.as_view(), name="api-work-orders"),
    path("work-orders/<int:pk>/", apis_works.WorkOrderDetailApi.as_view(), name="api-work-order"),
]
