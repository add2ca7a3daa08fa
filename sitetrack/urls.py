from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from sitetrack.core.views import health

# Each app owns its API routes in <app>/api_urls.py and its pages in <app>/urls.py.
api_patterns = [
    path("", include("sitetrack.geo.api_urls")),
    path("", include("sitetrack.sites.api_urls")),
    path("", include("sitetrack.assessments.api_urls")),
    path("", include("sitetrack.intake.api_urls")),
    path("", include("sitetrack.accounts.api_urls")),
    path("", include("sitetrack.response.api_urls")),
    path("", include("sitetrack.returns.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]

urlpatterns = [
    path("health/", health, name="health"),
    path("api/", include(api_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("sitetrack.accounts.urls")),
    path("sites/", include("sitetrack.sites.urls")),
    path("geo/", include("sitetrack.geo.urls")),
    path("assessments/", include("sitetrack.assessments.urls")),
    path("intake/", include("sitetrack.intake.urls")),
    path("reports/monthly/", include("sitetrack.monthly.urls")),
    path("reports/", include("sitetrack.reports.urls")),
    path("operations/", include("sitetrack.core.urls")),
    path("response/", include("sitetrack.response.urls")),
    path("profiles/", include("sitetrack.profiles.urls")),
    path("returns/", include("sitetrack.returns.urls")),
    path("", include("sitetrack.web.urls")),
]

# Error pages in the site's layout, translated, with a way back (web app).
handler403 = "sitetrack.web.views.error_403"
handler404 = "sitetrack.web.views.error_404"
handler500 = "sitetrack.web.views.error_500"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
