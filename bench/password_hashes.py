"""Time one log-in's password hash with each hasher at Django's defaults.

A log-in burst is bounded by the hash: 50 members logging in at once on 2
cores wait for 25 hashes each core. Prints, for Django's default PBKDF2 and
for Argon2id (argon2-cffi, Django's default costs), the time of one hash
(best and median of 10, this process alone) and the time for 50 hashes
over as many processes as the machine has cores, which is the floor for a
burst of 50 log-ins however many gunicorn workers there are.
Run: .venv/bin/python bench/password_hashes.py
"""

import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402  (sets Django up first)

# isort: split
from django.contrib.auth.hashers import (  # noqa: E402
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
)

PASSWORD = "synthetic-bench-password"  # noqa: S105
HASHERS = {"PBKDF2 (Django's default)": PBKDF2PasswordHasher, "Argon2id": Argon2PasswordHasher}


def _encoded(name: str) -> str:
    hasher = HASHERS[name]()
    return hasher.encode(PASSWORD, hasher.salt())


def _check(name: str, encoded: str) -> float:
    """One log-in's hash: the verification of the stored password."""
    hasher = HASHERS[name]()
    start = time.perf_counter()
    if not hasher.verify(PASSWORD, encoded):
        raise SystemExit(f"{name} did not verify its own hash")
    return time.perf_counter() - start


def main() -> None:
    print(_common.machine())
    cores = os.cpu_count() or 1
    for name, hasher in HASHERS.items():
        encoded = _encoded(name)
        one = sorted(_check(name, encoded) for _ in range(10))
        with ProcessPoolExecutor(cores) as pool:
            list(pool.map(_check, [name] * cores, [encoded] * cores))  # workers started
            start = time.perf_counter()
            list(pool.map(_check, [name] * 50, [encoded] * 50))
            burst = time.perf_counter() - start
        print(
            f"{name:<26} {hasher().algorithm:<14} one log-in: best {one[0] * 1000:5.0f} ms, "
            f"median {statistics.median(one) * 1000:5.0f} ms; 50 log-ins on {cores} cores: "
            f"{burst:5.1f} s"
        )


if __name__ == "__main__":
    main()
