"""Password hashing (scrypt), strength rules and generated passwords.

Hashes are stored as ``scrypt$N$r$p$salt$digest`` (salt and digest in base64) so the cost can be raised later
without invalidating stored hashes: :func:`needs_rehash` tells the sign-in to re-hash with the current cost.
The cost follows OWASP's Password Storage Cheat Sheet (scrypt, N=2^17, r=8, p=1: 128 MiB, about a tenth of a
second per attempt on a server core).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

SCHEME = "scrypt"


@dataclass(frozen=True)
class Cost:
    n: int
    r: int
    p: int

    @property
    def maxmem(self) -> int:
        # scrypt needs 128 * N * r bytes; OpenSSL refuses unless maxmem leaves room above that.
        return 128 * self.n * self.r + 16 * 1024 * 1024


CURRENT_COST = Cost(n=2**17, r=8, p=1)
MIN_LENGTH = 10
# The most common passwords in Chinese leaks (and the platform's own name), refused whatever their length.
COMMON = frozenset(
    {
        "1234567890",
        "12345678910",
        "0123456789",
        "1111111111",
        "a123456789",
        "qwertyuiop",
        "1qaz2wsx3edc",
        "password123",
        "iloveyou520",
        "woaini1314",
        "5201314520",
        "abc1234567",
        "bangfu12345",
        "admin12345",
    }
)
# Unambiguous characters only (no 0/O, 1/l/I) so a password read aloud or copied from paper survives.
GENERATED_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
GENERATED_LENGTH = 14


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, cost: Cost | None = None) -> str:
    """A salted scrypt hash of ``password`` in the self-describing stored form (at the current cost by default)."""
    cost = cost or CURRENT_COST
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=cost.n, r=cost.r, p=cost.p,
                            maxmem=cost.maxmem, dklen=32)
    return f"{SCHEME}${cost.n}${cost.r}${cost.p}${_b64(salt)}${_b64(digest)}"


def _parse(stored: str) -> tuple[Cost, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return None
    try:
        cost = Cost(int(parts[1]), int(parts[2]), int(parts[3]))
        return cost, base64.b64decode(parts[4]), base64.b64decode(parts[5])
    except ValueError:
        return None


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the stored hash. A missing or malformed hash matches nothing, after the same
    work as a real check, so the answer's timing does not tell whether the account exists."""
    parsed = _parse(stored) if stored else None
    if parsed is None:
        hash_password(password)
        return False
    cost, salt, expected = parsed
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=cost.n, r=cost.r, p=cost.p,
                            maxmem=cost.maxmem, dklen=len(expected))
    return hmac.compare_digest(digest, expected)


def needs_rehash(stored: str) -> bool:
    """True when the stored hash was made with another cost than the current one."""
    parsed = _parse(stored)
    return parsed is None or parsed[0] != CURRENT_COST


def strength_problems(password: str, *, username: str = "") -> list[str]:
    """What is wrong with a new password, in Chinese; empty when it is strong enough.

    The rule: at least 10 characters, at least two kinds among letters, digits and other characters, not the
    user name and not one of the most common passwords (NIST SP 800-63B §5.1.1.2 favours length and a block
    list over composition rules; two kinds is kept because staff often pick all-digit dates).
    """
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"密码至少需要 {MIN_LENGTH} 个字符")
    kinds = sum(
        (
            any(c.isalpha() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if kinds < 2:
        problems.append("密码需同时包含字母、数字、符号中的至少两种")
    lowered = password.lower()
    if username and username.lower() in lowered:
        problems.append("密码不能包含用户名")
    if lowered in COMMON or len(set(password)) <= 2:
        problems.append("密码过于常见或简单，请换一个")
    return problems


def generate_password() -> str:
    """A random password that passes :func:`strength_problems` (letters and digits, 14 characters)."""
    while True:
        candidate = "".join(secrets.choice(GENERATED_ALPHABET) for _ in range(GENERATED_LENGTH))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate
