from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from openpyxl import load_workbook

from sitetrack.core.testing import BaseCase
from sitetrack.reports.models import SendLog, SendStatus, Subscription
from sitetrack.reports.services import round_publish, subscription_create
from sitetrack.reports.tests.fixtures import build_weekly_fixture


class FailingBackend:
    """A mail backend whose server refuses everything."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def open(self):
        return True

    def close(self) -> None:
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server refused the connection")


class RoundPublishTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_weekly_fixture(cls)
        op = cls.operation
        cls.whole = Subscription.objects.create(operation=op, name="Ocha IMO", email="ocha@example.org")
        cls.wash = Subscription.objects.create(
            operation=op, name="Awa", email="wash@example.org", sector="wash", language="fr"
        )
        cls.protection = Subscription.objects.create(
            operation=op, name="Pat", email="protection@example.org", sector="protection"
        )
        Subscription.objects.create(
            operation=op, name="Gone", email="gone@example.org", sector="health", active=False
        )

    def by_recipient(self):
        return {m.to[0]: m for m in mail.outbox}

    def test_each_active_subscriber_gets_exactly_their_sector_email_once(self):
        result = round_publish(round=self.round2, user=self.imani)
        self.assertEqual(len(result.sent), 3)
        self.assertEqual(len(mail.outbox), 3)
        sent = self.by_recipient()
        self.assertEqual(set(sent), {"ocha@example.org", "wash@example.org", "protection@example.org"})

        wash = sent["wash@example.org"]
        self.assertIn("Rapport hebdomadaire des besoins des sites — cycle 2", wash.subject)
        self.assertIn("Chiffres clés", wash.body)
        self.assertIn("2\u00a0450", wash.body)
        self.assertIn("CF7111-S001", wash.body)  # M'Poko misses the water threshold
        self.assertIn("CF7131-S001", wash.body)  # Boy-Rabe misses the latrine threshold
        self.assertNotIn("CF7111-S002", wash.body)  # Don Bosco meets WASH thresholds
        names = [a[0] for a in wash.attachments]
        self.assertEqual(
            names,
            [
                "weekly-report-car-bangui-2014-round-2-wash-fr.pdf",
                "weekly-report-car-bangui-2014-round-2-wash-fr.xlsx",
                "weekly-report-car-bangui-2014-round-2-fr.hxl.csv",
            ],
        )
        book = load_workbook(__import__("io").BytesIO(wash.attachments[1][1]), read_only=True)
        self.assertEqual(len(book.sheetnames), 2)  # the report's figures and the WASH gap list

        protection = sent["protection@example.org"]
        self.assertIn("Protection", protection.subject)
        self.assertIn("CF7131-S001", protection.body)
        self.assertNotIn("CF7111-S001", protection.body)

        whole = sent["ocha@example.org"]
        self.assertIn("Most frequent priority needs", whole.body)
        self.assertEqual(len(whole.attachments), 3)
        book = load_workbook(__import__("io").BytesIO(whole.attachments[1][1]), read_only=True)
        self.assertEqual(len(book.sheetnames), 11)

        self.round2.refresh_from_db()
        self.assertIsNotNone(self.round2.published_at)
        logs = SendLog.objects.filter(round=self.round2)
        self.assertEqual(logs.count(), 3)
        self.assertTrue(all(log.status == SendStatus.SENT and log.sent_by == self.imani for log in logs))

    def test_publishing_again_does_not_resend_unless_asked(self):
        round_publish(round=self.round2, user=self.imani)
        first = self.round2.__class__.objects.get(pk=self.round2.pk).published_at
        again = round_publish(round=self.round2, user=self.imani)
        self.assertEqual(len(mail.outbox), 3)
        self.assertEqual((len(again.sent), again.skipped), (0, 3))
        self.assertEqual(self.round2.__class__.objects.get(pk=self.round2.pk).published_at, first)

        Subscription.objects.create(operation=self.operation, name="New", email="new@example.org")
        round_publish(round=self.round2, user=self.imani)
        self.assertEqual([m.to[0] for m in mail.outbox[3:]], ["new@example.org"])

        round_publish(round=self.round2, user=self.imani, resend=True)
        self.assertEqual(len(mail.outbox), 8)

    def test_a_failed_email_is_logged_and_retried_on_the_next_publication(self):
        with override_settings(EMAIL_BACKEND="sitetrack.reports.tests.test_publish.FailingBackend"):
            result = round_publish(round=self.round2, user=self.imani)
        self.assertEqual(len(result.failed), 3)
        failed = SendLog.objects.filter(round=self.round2, status=SendStatus.FAILED)
        self.assertEqual(failed.count(), 3)
        self.assertIn("mail server refused", failed.first().error)
        round_publish(round=self.round2, user=self.imani)
        self.assertEqual(len(mail.outbox), 3)

    def test_publishing_in_the_background_sends_the_same_emails(self):
        with self.captureOnCommitCallbacks(execute=True):
            result = round_publish(round=self.round2, user=self.imani, background=True)
        self.assertTrue(result.queued)
        self.assertEqual(len(mail.outbox), 3)

    def test_only_those_who_may_publish_can_publish(self):
        for user in (self.paul, self.victor, self.fatou, self.olga):
            with self.assertRaises(PermissionDenied):
                round_publish(round=self.round2, user=user)
        self.assertEqual(len(mail.outbox), 0)

    def test_it_rejects_a_second_subscription_of_the_same_address_to_the_same_report(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError) as caught:
            subscription_create(
                operation=self.operation, user=self.imani, name="Awa", email="WASH@example.org", sector="wash"
            )
        self.assertIn("email", caught.exception.message_dict)
