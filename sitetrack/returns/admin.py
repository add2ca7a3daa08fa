from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sitetrack.returns.models import Survey


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin):
    list_display = ("operation", "month", "sampling_method", "target_per_site", "small_cell_threshold")
    list_filter = ("operation", "sampling_method")


# Households are personal data: they are read on the restricted page of the survey
# (IMOs and administrators), not listed in the admin.
