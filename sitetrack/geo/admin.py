from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sitetrack.geo.models import AdminArea


@admin.register(AdminArea)
class AdminAreaAdmin(admin.ModelAdmin):
    list_display = ["pcode", "name_en", "name_fr", "other_names", "level", "parent", "population", "source"]
    list_filter = ["level"]
    search_fields = ["pcode", "name_en", "name_fr"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "min_lon", "min_lat", "max_lon", "max_lat", "updated_at"]
    # Boundaries are edited by importing a COD-AB layer (sitetrack import-admin-areas).
    exclude = ["boundary"]

    @admin.display(description=_("other names"))
    def other_names(self, area: AdminArea) -> str:
        """Names in the languages other than English and French, "ar: عدن; so: …"."""
        names = area.names or {}
        return "; ".join(f"{lang}: {names[lang]}" for lang in sorted(names) if lang not in ("en", "fr"))
