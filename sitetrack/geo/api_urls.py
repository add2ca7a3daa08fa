from rest_framework.routers import SimpleRouter

from sitetrack.geo.apis import AdminAreaViewSet

router = SimpleRouter()
router.register("admin-areas", AdminAreaViewSet, basename="admin-area")

urlpatterns = router.urls
