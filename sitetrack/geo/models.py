"""Admin areas: the COD P-code hierarchy, admin0 (country) to admin3."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class AdminAreaQuerySet(models.QuerySet):
    def countries(self) -> AdminAreaQuerySet:
        return self.filter(level=0)

    def within(self, area: AdminArea) -> AdminAreaQuerySet:
        """The area itself and everything below it (by parent links, not code prefix,
        because real COD tables break the prefix rule)."""
        return self.filter(path__startswith=area.path)


class AdminArea(models.Model):
    pcode = models.CharField(_("P-code"), max_length=20, unique=True)
    level = models.PositiveSmallIntegerField(_("admin level"), db_index=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    # Names in every language the COD tables give, by ISO 639-1 code: {"ar": "عدن", "en": "Aden"}.
    names = models.JSONField(_("names by language"), default=dict, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Materialised ancestry "/CF/CF12/CF124/CF1251/" so "everything under an area" is
    # one indexed prefix filter, whatever the codes look like.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    # GeoJSON geometry (Polygon / MultiPolygon, WGS84) when the COD-AB layer is loaded.
    boundary = models.JSONField(null=True, blank=True)
    # Bounding box of the boundary, or of the country for admin0 when no boundary is known.
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=250, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AdminAreaQuerySet.as_manager()

    class Meta:
        ordering = ["pcode"]
        verbose_name = _("admin area")
        verbose_name_plural = _("admin areas")

    def __str__(self) -> str:
        return f"{self.name} ({self.pcode})"

    def save(self, *args, **kwargs) -> None:
        self.path = self.compute_path()
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        """The name in the active language when known, else the English name."""
        language = (get_language() or "en")[:2]
        if language == "fr" and self.name_fr:
            return self.name_fr
        return (self.names or {}).get(language) or self.name_en

    def name_in(self, language: str) -> str:
        """The name in one language ("" when the tables gave none)."""
        if language == "en":
            return self.name_en
        if language == "fr" and self.name_fr:
            return self.name_fr
        return (self.names or {}).get(language, "")

    @property
    def country_pcode(self) -> str:
        return self.path.strip("/").split("/")[0]

    def compute_path(self) -> str:
        return f"{self.parent.path if self.parent_id else '/'}{self.pcode}/"
