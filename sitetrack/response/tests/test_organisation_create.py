"""organisation_create and aliases: the names 3W files are matched on."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from sitetrack.core.testing import BaseCase
from sitetrack.response.cleaning import Errors
from sitetrack.response.models import OrganisationReview
from sitetrack.response.services import organisation_alias_add, organisation_create, organisation_merge
from sitetrack.response.services.activities import resolve_organisation
from sitetrack.response.tests.helpers import make_activity


class OrganisationCreateTests(BaseCase):
    def test_an_imo_creates_a_community_based_organisation_with_aliases(self):
        org = organisation_create(
            operation=self.operation,
            user=self.imani,
            name="Association des Femmes de Boy-Rabe",
            acronym="AFBR",
            kind="Community-based organisation",
            aliases=["Asso. Femmes Boy Rabe"],
        )
        self.assertEqual(org.kind, "cbo")
        errors = Errors()
        self.assertEqual(
            resolve_organisation("ASSO FEMMES BOY-RABÉ", "organisation", errors, required=True), org
        )
        self.assertFalse(errors)

    def test_a_partner_cannot_create_organisations(self):
        with self.assertRaises(PermissionDenied):
            organisation_create(operation=self.operation, user=self.paul, name="New NGO")

    def test_it_refuses_a_name_or_acronym_already_known(self):
        with self.assertRaises(ValidationError) as caught:
            organisation_create(
                operation=self.operation,
                user=self.imani,
                name="danish refugee council",
                acronym="drc",
                kind="x",
            )
        self.assertEqual(set(caught.exception.message_dict), {"name", "acronym", "kind"})

    def test_an_alias_cannot_lead_to_two_organisations(self):
        other = organisation_create(operation=self.operation, user=None, name="Conseil Danois", acronym="CD")
        organisation_alias_add(
            organisation=self.ngo,
            name="Conseil danois pour les réfugiés",
            user=None,
            operation=self.operation,
        )
        with self.assertRaises(ValidationError):
            organisation_alias_add(
                organisation=other,
                name="CONSEIL DANOIS POUR LES REFUGIES",
                user=None,
                operation=self.operation,
            )

    def test_merging_a_reviewed_organisation_moves_its_activities(self):
        dup = organisation_create(
            operation=self.operation, user=None, name="Danish Ref. Council", review_source="3w.csv"
        )
        activity = make_activity(self, dup)
        review = OrganisationReview.objects.get(organisation=dup)
        organisation_merge(review=review, into=self.ngo, user=self.imani)
        activity.refresh_from_db()
        self.assertEqual(activity.organisation, self.ngo)
        errors = Errors()
        self.assertEqual(
            resolve_organisation("Danish Ref Council", "organisation", errors, required=True), self.ngo
        )
