"""User YAML is read without expanding aliases, without deep recursion, and only in the
shape the caller expects."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from sitetrack.core.safe_yaml import UserYamlError, load_user_yaml, load_user_yaml_mapping
from sitetrack.intake.mapping import parse_mapping_text


class SafeYamlTests(SimpleTestCase):
    def test_it_reads_plain_data(self):
        self.assertEqual(load_user_yaml("a: 1\nb: [x, y]\n"), {"a": 1, "b": ["x", "y"]})

    def test_it_refuses_anchors_and_aliases_with_their_position(self):
        with self.assertRaisesMessage(UserYamlError, "line 1, column 4"):
            load_user_yaml("a: &x [1, 2]\nb: *x\n")

    def test_it_refuses_a_billion_laughs_before_expanding_it(self):
        text = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        with self.assertRaises(UserYamlError):
            load_user_yaml(text)

    def test_it_refuses_deep_nesting(self):
        with self.assertRaisesMessage(UserYamlError, "nested more than"):
            load_user_yaml("[" * 5000 + "]" * 5000)

    def test_it_refuses_a_huge_document(self):
        with self.assertRaisesMessage(UserYamlError, "larger than"):
            load_user_yaml("a: " + "x" * (2 * 1024 * 1024))

    def test_a_mapping_is_required_where_one_is_expected(self):
        for text, kind in (("15", "a single value"), ("- a\n- b", "a list"), ("", "nothing")):
            with self.subTest(text=text), self.assertRaisesMessage(UserYamlError, kind):
                load_user_yaml_mapping(text)

    def test_a_broken_document_is_a_user_yaml_error_with_the_parsers_position(self):
        with self.assertRaisesMessage(UserYamlError, "line 1"):
            load_user_yaml("a: [1, 2\n")

    def test_the_intake_mapping_upload_refuses_aliases_as_a_clear_error(self):
        with self.assertRaises(ValidationError) as raised:
            parse_mapping_text("fields: &f {a: b}\nrepeats: *f\n", filename="m.yaml")
        self.assertIn("Anchors and aliases", str(raised.exception.message_dict["file"]))
