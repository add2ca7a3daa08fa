from django.contrib import admin

from sitetrack.geo.models import AdminArea


@admin.register(AdminArea)
class AdminAreaAdmin(admin.ModelAdmin):
    list_display = ["pcode", "name_en", "name_fr", "level", "parent", "population", "source"]
    list_filter = ["level"]
    search_fields = ["pcode", "name_en", "name_fr"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "min_lon", "min_lat", "max_lon", "max_lat", "updated_at"]
    # Boundaries are edited by importing a COD-AB layer (sitetrack import-admin-areas).
    exclude = ["boundary"]
