"""Demo-data registry: each app registers a seeder in ready(); `seed_demo` runs them in order.

A seeder is `func(ctx: SeedContext) -> None`, must be idempotent (get_or_create by natural keys), and may
add demo logins to `ctx.logins` and objects to `ctx.shared` for later seeders.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SeedContext:
    stdout: object
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, username, password)
    shared: dict = field(default_factory=dict)

    def say(self, text: str) -> None:
        self.stdout.write(text)


_seeders: list[tuple[int, str, Callable]] = []


def register_seeder(order: int, name: str, func: Callable) -> None:
    if all(existing != name for _, existing, _ in _seeders):
        _seeders.append((order, name, func))


def seeders() -> list[tuple[int, str, Callable]]:
    return sorted(_seeders, key=lambda item: item[0])
