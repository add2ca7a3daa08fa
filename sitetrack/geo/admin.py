from django.contrib import admin

from sitetrack.geo.models import AdminArea


@admin.register(AdminArea)
class AdminAreaAdmin(admin.ModelAdmin):
    list_display = ["pcode", "name_en", "name_fr", "level", "parent", "population"]
    list_filter = ["level"]
    search_fields = ["pcode", "name_en", "name_fr"]
    raw_id_fields = ["parent"]
    exclude = ["boundary"]
