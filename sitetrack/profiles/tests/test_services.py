"""Starting and running a batch of a round's profiles (the background task's work)."""

from __future__ import annotations

import zipfile
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError

from sitetrack.core.testing import BaseCase
from sitetrack.profiles.models import BatchStatus, ProfileBatch
from sitetrack.profiles.rendering import render_profile_pdf
from sitetrack.profiles.services import profile_batch_create, profile_batch_run, profile_batches_prune
from sitetrack.profiles.tests.fixtures import build_profile_fixture
from sitetrack.reports.tests.fixtures import make_round


class ProfileBatchServiceTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_profile_fixture(cls)

    def test_an_imo_starts_a_batch_that_the_task_renders(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            batch = profile_batch_create(round=self.round3, user=self.imani, language="fr")
        batch.refresh_from_db()
        self.assertEqual(batch.status, BatchStatus.DONE)
        self.assertEqual((batch.total, batch.done, batch.failed), (2, 2, 0))
        self.assertGreaterEqual(batch.workers, 1)
        self.assertTrue(batch.task_id)
        with batch.zip_file.open("rb") as fh:
            names = zipfile.ZipFile(fh).namelist()
        self.assertIn("site-profile-CF7111-S001-round-3-fr.pdf", names)
        self.assertIn("site-profiles-round-3-fr.pdf", names)

    def test_the_roles_that_may_not_publish_may_not_start_a_batch(self) -> None:
        for user in (self.fatou, self.paul, self.victor, self.olga):
            with self.assertRaises(PermissionDenied):
                profile_batch_create(round=self.round3, user=user)
        self.assertFalse(ProfileBatch.objects.exists())

    def test_a_weekly_round_has_no_profiles(self) -> None:
        weekly = make_round(self.operation, 1)
        with self.assertRaises(ValidationError):
            profile_batch_create(round=weekly, user=self.imani, enqueue=False)

    def test_an_unknown_language_is_refused(self) -> None:
        with self.assertRaises(ValidationError):
            profile_batch_create(round=self.round3, user=self.imani, language="xx", enqueue=False)

    def test_a_batch_already_running_is_not_started_twice(self) -> None:
        first = profile_batch_create(round=self.round3, user=self.imani, enqueue=False)
        again = profile_batch_create(round=self.round3, user=self.ada, enqueue=False)
        self.assertEqual(first.pk, again.pk)

    def test_a_batch_lost_long_ago_does_not_block_a_new_one(self) -> None:
        import datetime

        from django.utils import timezone

        lost = profile_batch_create(round=self.round3, user=self.imani, enqueue=False)
        ProfileBatch.objects.filter(pk=lost.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
        again = profile_batch_create(round=self.round3, user=self.imani, enqueue=False)
        self.assertNotEqual(lost.pk, again.pk)

    def test_a_site_that_fails_is_recorded_on_the_batch_and_the_others_kept(self) -> None:
        batch = profile_batch_create(round=self.round3, user=self.imani, enqueue=False)
        original = render_profile_pdf

        def render(profile):
            if profile.code == "CF7111-S001":
                raise RuntimeError("no fonts")
            return original(profile)

        with mock.patch("sitetrack.profiles.batch.render_profile_pdf", side_effect=render):
            profile_batch_run(batch=batch, workers=2)
        batch.refresh_from_db()
        self.assertEqual(batch.status, BatchStatus.DONE)
        self.assertEqual((batch.done, batch.failed), (1, 1))
        self.assertEqual(batch.errors[0]["code"], "CF7111-S001")
        self.assertIn("no fonts", batch.errors[0]["error"])
        with batch.zip_file.open("rb") as fh:
            archive = zipfile.ZipFile(fh)
            self.assertIn("site-profile-CF7131-S001-round-3-en.pdf", archive.namelist())
            self.assertIn("CF7111-S001", archive.read("errors.txt").decode())

    def test_a_batch_that_cannot_run_is_marked_failed_with_its_reason(self) -> None:
        batch = profile_batch_create(round=self.round3, user=self.imani, enqueue=False)
        with mock.patch("sitetrack.profiles.services.render_batch", side_effect=OSError("disk full")):
            profile_batch_run(batch=batch)
        batch.refresh_from_db()
        self.assertEqual(batch.status, BatchStatus.FAILED)
        self.assertIn("disk full", batch.error)


class ProfileBatchRetentionTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_profile_fixture(cls)

    def _finished(self, language: str, *, status: str = BatchStatus.DONE, age_days: int = 0) -> ProfileBatch:
        import datetime

        from django.core.files.base import ContentFile
        from django.utils import timezone

        batch = ProfileBatch.objects.create(round=self.round3, language=language, status=status)
        batch.zip_file.save(f"old-{batch.pk}.zip", ContentFile(b"PK old"), save=True)
        ProfileBatch.objects.filter(pk=batch.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=age_days)
        )
        return batch

    def test_a_new_batch_keeps_the_latest_ones_and_deletes_the_older_with_their_files(self) -> None:
        old = [self._finished("en", age_days=days) for days in (4, 3, 2)]
        french = self._finished("fr", age_days=9)
        running = ProfileBatch.objects.create(round=self.round3, language="en", status=BatchStatus.RUNNING)
        storage = old[0].zip_file.storage
        paths = [b.zip_file.name for b in old]
        with self.settings(SITETRACK_PROFILE_BATCHES_KEPT=2):
            batch = ProfileBatch.objects.create(round=self.round3, language="en")
            profile_batch_run(batch=batch, workers=1)
        batch.refresh_from_db()
        self.assertEqual(batch.status, BatchStatus.DONE)
        kept = set(ProfileBatch.objects.filter(round=self.round3).values_list("pk", flat=True))
        # The new one and the newest old one in English; the French one and the running
        # one are not touched.
        self.assertEqual(kept, {batch.pk, old[2].pk, french.pk, running.pk})
        self.assertEqual([storage.exists(p) for p in paths], [False, False, True])
        self.assertTrue(storage.exists(batch.zip_file.name))

    def test_a_batch_that_fails_deletes_nothing(self) -> None:
        old = [self._finished("en", age_days=days) for days in (3, 2)]
        batch = ProfileBatch.objects.create(round=self.round3, language="en")
        with (
            self.settings(SITETRACK_PROFILE_BATCHES_KEPT=1),
            mock.patch(
                "sitetrack.profiles.services.round_site_profiles", side_effect=RuntimeError("db gone")
            ),
        ):
            profile_batch_run(batch=batch)
        self.assertEqual(ProfileBatch.objects.filter(pk__in=[b.pk for b in old]).count(), 2)

    def test_the_default_keeps_three_and_never_fewer_than_one(self) -> None:
        batches = [self._finished("en", age_days=days) for days in (5, 4, 3, 2, 1)]
        self.assertEqual(profile_batches_prune(round=self.round3, language="en"), 2)
        self.assertEqual(set(ProfileBatch.objects.values_list("pk", flat=True)), {b.pk for b in batches[2:]})
        self.assertEqual(profile_batches_prune(round=self.round3, language="en", keep=0), 2)
        self.assertEqual(list(ProfileBatch.objects.values_list("pk", flat=True)), [batches[4].pk])
