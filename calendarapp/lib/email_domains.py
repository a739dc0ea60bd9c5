"""Email domains: which a customer may have, and which are ours or free mail.

A customer's `email_domains` tell whose people an email address is (the calendar's attendees,
the attendee suggestions); a domain anyone can get an address at, or our own, would make
strangers or colleagues into the customer's people, so those are refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError

# Free mail, as data: exact domains, and brands that exist under many countries' endings
# (gmx.de, yahoo.co.uk, hotmail.dk). Short on purpose: the common ones in our markets.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "mail.com",
        "web.de",
        "t-online.de",
        "mail.dk",
        "yandex.com",
        "zoho.com",
    }
)
FREE_MAIL_BRANDS = frozenset({"gmx", "hotmail", "outlook", "live", "yahoo", "yandex"})

# One host name: labels of letters, digits and hyphens (not at either end, at most 63), the
# last one starting with a letter. As written, so also the API's pattern: any letter case, an
# "@" before it and a dot after it allowed (both dropped).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TOP = r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
DOMAIN_PATTERN = rf"^@?(?:{_LABEL}\.)+{_TOP}\.?$"
_DOMAIN = re.compile(rf"(?:{_LABEL}\.)+{_TOP}\Z")
DOMAIN_MAX = 253
# An ending under a brand: "com", "net", a country's "de", "co.uk", "com.au".
_COUNTRY_ENDING = re.compile(r"(?:com|net|(?:(?:co|com)\.)?[a-z]{2})\Z")


FIELD_ERROR_LIST = 'Give the domains as a list of text, for example ["acme.com"].'


def domain_problem(domain: str) -> str | None:
    """Why `domain` (lower-case, stripped) is not one host name, or None."""
    if "@" in domain:
        return f"“{domain}” is an email address: give only what follows the @."
    if "://" in domain or "/" in domain:
        return f"“{domain}” is a web address: give only the domain, such as acme.com."
    if len(domain) > DOMAIN_MAX or not _DOMAIN.match(domain):
        return f"“{domain}” is not a domain such as acme.com."
    return None


def ascii_domain(domain: str) -> str:
    """An international domain in the ASCII form mail carries (blåbær.dk: xn--blbr-roah.dk)."""
    if domain.isascii():
        return domain
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain  # domain_problem says it is not a domain


def is_under(domain: str, parents: Iterable[str]) -> bool:
    """Whether `domain` is one of `parents` or under one (mail.acme.com under acme.com)."""
    return any(domain == parent or domain.endswith("." + parent) for parent in parents)


def is_free_mail(domain: str) -> bool:
    """Whether anyone can get an address at `domain` (gmail.com, gmx.de, yahoo.co.uk)."""
    if is_under(domain, FREE_MAIL_DOMAINS):
        return True
    brand, _, ending = domain.partition(".")
    return brand in FREE_MAIL_BRANDS and bool(_COUNTRY_ENDING.match(ending))


def our_domains() -> list[str]:
    """Our own email domains, from the setting OUR_EMAIL_DOMAINS."""
    domains: list[str] = settings.OUR_EMAIL_DOMAINS
    return domains


def is_ours(domain: str) -> bool:
    """Whether `domain` is one of ours or under one (mail.example.com under example.com)."""
    return is_under(domain, our_domains())


def domain_of(email: str) -> str:
    """The lower-case domain of an email address ("" when it has none)."""
    _, at, domain = email.strip().rpartition("@")
    return ascii_domain(domain.strip().lower().rstrip(".")) if at else ""


def split_domains(text: str) -> list[str]:
    """Domains written in one line of text, separated by ";", "," or spaces."""
    return [part for part in re.split(r"[;,\s]+", text) if part]


def join_domains(domains: Iterable[str]) -> str:
    """Domains as one line of text ("acme.com; acme.de"), as the spreadsheet and history say."""
    return "; ".join(domains)


def clean_email_domains(value: object) -> list[str]:
    """The domains lower-cased, stripped and without repeats, in the order given.

    Raises ValidationError (every problem, one sentence each) for anything but a list of
    host names, for free-mail domains and for ours.
    """
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(FIELD_ERROR_LIST)
    domains: list[str] = []
    problems: list[str] = []
    for item in value:
        domain = item.strip().lower().rstrip(".")
        if domain.startswith("@"):
            domain = domain[1:]  # "@acme.com" as people write it in address books
        domain = ascii_domain(domain)
        if not domain or domain in domains:
            continue
        if problem := domain_problem(domain):
            problems.append(problem)
        elif is_ours(domain):
            problems.append(f"“{domain}” is our own domain: our people are not the customer's.")
        elif is_free_mail(domain):
            problems.append(
                f"“{domain}” is free mail anyone can use: give the customer's own domain."
            )
        else:
            domains.append(domain)
    if problems:
        raise ValidationError(problems)
    return domains
