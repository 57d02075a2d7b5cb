"""Masking ID and phone numbers wherever an import talks back: messages, the JSON summary and the error
report. The masked forms are those of :mod:`jobs.people.identity` (``430124********4513``, ``138****5678``);
text that is neither (a mistyped number) keeps only its first and last characters."""

from __future__ import annotations

import re

from jobs.people.identity import InvalidValue, mask_id, mask_phone

__all__ = ["SENSITIVE_KEYS", "mask_number", "mask_numbers_in"]

# The list columns that hold personal numbers (PIPL art. 28: ID numbers are sensitive personal data).
SENSITIVE_KEYS = frozenset({"id_number", "phone", "contact_phone"})
# A run of digits long enough to identify someone (7 or more, with the separators people type).
_DIGIT_RUN = re.compile(r"\d(?:[\d\s\-]*[\dXx])?")


def mask_number(text: str) -> str:
    """``text`` masked as an ID number, else as a phone number, else keeping its first 3 and last 2 of
    at least 7 characters (shorter text is all stars)."""
    compact = re.sub(r"[\s\-]", "", text)
    if len(compact) == 18:
        try:
            return mask_id(compact)
        except InvalidValue:
            pass
    try:
        return mask_phone(text)
    except InvalidValue:
        pass
    if len(compact) < 7:
        return "*" * len(compact)
    return compact[:3] + "*" * (len(compact) - 5) + compact[-2:]


def mask_numbers_in(text: str) -> str:
    """``text`` with every run of 7 or more digits in it masked (an ID or phone number quoted in a
    message)."""

    def replace(found: re.Match) -> str:
        run = found.group(0)
        digits = sum(ch.isdigit() for ch in run)
        return mask_number(run) if digits >= 7 else run

    return _DIGIT_RUN.sub(replace, text)
