"""The password hasher: Argon2id at one of OWASP's equivalent parameter sets (Password Storage Cheat Sheet:
m=7 MiB, t=5, p=1; the sheet lists it beside m=19 MiB, t=2 as giving the same defence, trading memory for passes).

Why this set and not the sheet's first: a gthread app server checks up to one password per thread at once, and
each check allocates its whole memory afresh. At 19 MiB glibc hands every check fresh pages from the kernel
(about 160 page faults and 6 ms more per check than the hashing itself, measured on this machine's cores:
24.6 against 18.1 ms of CPU with the allocator busy, as in a worker); at 7 MiB the memory is reused from the
heap, and 48 threads at once hold 340 MiB instead of 910. Django's own Argon2 defaults (100 MiB, eight lanes)
cost about seven times the CPU and PBKDF2 at a million rounds about fifteen times.

One lane lets every core verify a different student's password. The algorithm name stays "argon2", so the
stored hashes are standard PHC strings and Django re-hashes any older or differently tuned one (the earlier
m=19 MiB, t=2 included) at the next sign-in (must_update compares these parameters).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 5
    memory_cost = 7 * 1024  # KiB
    parallelism = 1
