"""Missing-value tokens, header normalisation and numbers, as the shared reader reads them."""

from decimal import Decimal

import pytest

from sitetrack.core.tabular import NumberProblem, clean, is_missing, normalise, parse_number


@pytest.mark.parametrize("token", ["NULL", "null", "N/A", "n/a", "-", "#N/A", "", "  ", None, " N/A "])
def test_the_tokens_people_type_for_no_value_are_missing(token):
    assert is_missing(token)
    assert clean(token) == ""


@pytest.mark.parametrize("value", ["0", "none", "NA", "Camp 1", "—x"])
def test_real_values_are_not_missing(value):
    assert not is_missing(value)
    assert clean(value) == value


def test_headers_compare_without_case_accents_punctuation_or_spaces():
    assert normalise("  Nom du Site (FR) ") == "nom du site fr"
    assert normalise("Localité") == normalise("LOCALITE")
    assert normalise("M'Poko") == "mpoko"
    assert normalise("#loc+name") == "#loc+name"


@pytest.mark.parametrize(
    ("text", "whole", "expected"),
    [
        (" 1,475 ", True, 1475),
        ("1 475", True, 1475),
        ("1\u202f475", True, 1475),
        ("1,475,000", True, 1475000),
        ("1.475.000", True, 1475000),
        ("1,475.50", False, Decimal("1475.50")),
        ("1.475,5", False, Decimal("1475.5")),
        ("1 475,5", False, Decimal("1475.5")),
        ("0,5", False, Decimal("0.5")),
        ("4.3986", False, Decimal("4.3986")),
        ("-3.25", False, Decimal("-3.25")),
        (1475.0, True, 1475),
        ("1475.0", True, 1475),
        ("N/A", True, None),
        ("", False, None),
    ],
)
def test_it_reads_numbers_as_people_write_them(text, whole, expected):
    assert parse_number(text, whole=whole) == expected


@pytest.mark.parametrize("text", ["12,34", "4,3986", "1234,567"])
def test_a_comma_that_could_be_decimal_or_a_typo_is_ambiguous_and_says_both_readings(text):
    with pytest.raises(NumberProblem) as caught:
        parse_number(text)
    assert caught.value.rule == "ambiguous_number"
    integer, fraction = text.split(",")
    assert f"{integer}.{fraction}" in caught.value.message
    assert integer + fraction in caught.value.message


def test_a_column_known_to_use_decimal_commas_reads_them():
    assert parse_number("12,34", decimal=",") == Decimal("12.34")
    assert parse_number("1,475", decimal=",") == Decimal("1.475")
    assert parse_number("1.475", decimal=",") == 1475


@pytest.mark.parametrize(
    ("text", "rule"),
    [("12.5", "not_whole"), ("abc", "not_a_number"), ("12,34,5", "not_a_number"), ("1 4", "not_a_number")],
)
def test_it_refuses_what_is_not_a_count(text, rule):
    with pytest.raises(NumberProblem) as caught:
        parse_number(text, whole=True)
    assert caught.value.rule == rule
    assert text in caught.value.message


def test_nan_and_infinity_from_a_spreadsheet_are_not_numbers():
    for value in (float("nan"), float("inf")):
        with pytest.raises(NumberProblem):
            parse_number(value)
