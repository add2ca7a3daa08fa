from django.test import SimpleTestCase

from sitetrack.core.tabular import UndecodableText, cell_text, decode_text, sniff_delimiter


class TabularTests(SimpleTestCase):
    def test_it_reads_utf8_with_and_without_bom(self):
        self.assertEqual(decode_text("Mambéré".encode()), ("Mambéré", "utf-8"))
        self.assertEqual(decode_text("\ufeffMambéré".encode()), ("Mambéré", "utf-8-sig"))

    def test_it_falls_back_to_windows_1252_like_the_real_cod_tables(self):
        self.assertEqual(decode_text("Zémio".encode("cp1252")), ("Zémio", "cp1252"))

    def test_it_refuses_binary_content_with_the_position(self):
        with self.assertRaisesMessage(UndecodableText, "position 3"):
            decode_text(b"abc\x00def")

    def test_it_refuses_bytes_that_no_accepted_encoding_knows(self):
        with self.assertRaisesMessage(UndecodableText, "0x81"):
            decode_text(b"ab\x81\xff")

    def test_it_finds_the_separator_french_excel_uses(self):
        self.assertEqual(sniff_delimiter("code;name;pcode"), ";")
        self.assertEqual(sniff_delimiter("code,name"), ",")
        self.assertEqual(sniff_delimiter("code"), ",")

    def test_whole_numbers_from_spreadsheets_lose_their_decimal_point(self):
        self.assertEqual(cell_text(12000.0), "12000")
        self.assertEqual(cell_text(4.5), "4.5")
        self.assertEqual(cell_text(None), "")
