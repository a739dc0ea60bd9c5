"""A customer's email domains: one host name each, lower-cased, no repeats; free mail and our own
domains refused, each problem said in a sentence."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from calendarapp.lib.email_domains import (
    clean_email_domains,
    domain_of,
    is_free_mail,
    join_domains,
    split_domains,
)


def problems(value) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        clean_email_domains(value)
    return caught.value.messages


def test_domains_are_lower_cased_stripped_and_repeats_dropped_in_the_order_given():
    cleaned = clean_email_domains([" Acme.COM ", "acme.de", "acme.com", "@acme.se", "acme.dk.", ""])
    assert cleaned == ["acme.com", "acme.de", "acme.se", "acme.dk"]


def test_an_international_domain_is_kept_in_the_ascii_form_mail_carries():
    assert clean_email_domains(["Blåbær.dk"]) == ["xn--blbr-roah.dk"]
    assert domain_of("Ole@BLÅBÆR.dk") == "xn--blbr-roah.dk"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("anna@acme.com", "“anna@acme.com” is an email address: give only what follows the @."),
        ("https://acme.com", "“https://acme.com” is a web address: give only the domain"),
        ("acme.com/contact", "“acme.com/contact” is a web address"),
        ("acme", "“acme” is not a domain such as acme.com."),
        ("acme..com", "“acme..com” is not a domain"),
        ("-acme.com", "“-acme.com” is not a domain"),
        ("acme corp.com", "“acme corp.com” is not a domain"),
        ("10.0.0.1", "“10.0.0.1” is not a domain"),
        ("a" * 64 + ".com", "is not a domain"),
    ],
)
def test_anything_but_one_host_name_is_refused_saying_why(value, expected):
    assert expected in problems([value])[0]


@pytest.mark.parametrize(
    "domain",
    ["gmail.com", "GMAIL.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com",
     "proton.me", "mail.dk", "gmx.de", "gmx.net", "yahoo.co.uk", "hotmail.dk", "live.se"],
)  # fmt: skip
def test_free_mail_is_refused_naming_it(domain):
    assert problems([domain]) == [
        f"“{domain.lower()}” is free mail anyone can use: give the customer's own domain."
    ]


@pytest.mark.parametrize(
    "domain", ["acme.com", "gmxsolutions.de", "livestock.dk", "yahoo-partners.com", "mail.acme.dk"]
)
def test_a_company_domain_that_only_looks_like_free_mail_is_not_free_mail(domain):
    assert not is_free_mail(domain)
    assert clean_email_domains([domain]) == [domain]


@override_settings(OUR_EMAIL_DOMAINS=["ourco.com", "ourco.dk"])
def test_our_own_domains_and_those_under_them_are_refused():
    assert problems(["ourco.dk", "mail.ourco.com", "acme.com"]) == [
        "“ourco.dk” is our own domain: our people are not the customer's.",
        "“mail.ourco.com” is our own domain: our people are not the customer's.",
    ]
    assert clean_email_domains(["notourco.com"]) == ["notourco.com"]


@pytest.mark.parametrize("value", ["acme.com", [1], None, {"acme.com": True}])
def test_anything_but_a_list_of_text_is_refused(value):
    assert problems(value) == ['Give the domains as a list of text, for example ["acme.com"].']


def test_one_line_of_text_splits_on_semicolons_commas_and_spaces_and_joins_with_semicolons():
    assert split_domains(" acme.com; acme.de,acme.se  acme.dk ;") == [
        "acme.com",
        "acme.de",
        "acme.se",
        "acme.dk",
    ]
    assert join_domains(["acme.com", "acme.de"]) == "acme.com; acme.de"


_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


@given(st.lists(st.lists(_LABEL, min_size=1, max_size=3), max_size=5), _LABEL)
def test_cleaning_again_changes_nothing_and_the_text_form_reads_back_the_same(labels, top):
    domains = [".".join([*parts, "x" + top]) for parts in labels]
    domains = [d for d in domains if not is_free_mail(d)]
    cleaned = clean_email_domains(domains)
    assert clean_email_domains(cleaned) == cleaned
    assert clean_email_domains(split_domains(join_domains(cleaned))) == cleaned


def test_the_domain_of_an_address_is_lower_case_and_empty_without_an_at():
    assert domain_of(" Anna.Holm@Acme.COM ") == "acme.com"
    assert domain_of("no address") == ""
