"""Every URL pattern the project defines, read from the resolver so that a new view cannot escape the tests."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str | None  # "namespace:name" as reverse() takes it
    route: str  # the pattern text, prefixes joined, for messages and the allow-list
    converters: tuple[str, ...]  # keyword names the URL needs


def _walk(patterns, prefix: str, namespace: str | None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            # The i18n prefix resolver's pattern prints as the language code of the moment; it adds no path.
            text = "" if entry.pattern.__class__.__name__ == "LocalePrefixPattern" else str(entry.pattern)
            yield from _walk(entry.url_patterns, prefix + text, ns)
        elif isinstance(entry, URLPattern):
            name = entry.name
            if name and namespace:
                name = f"{namespace}:{name}"
            converters = tuple(getattr(entry.pattern, "converters", {}) or ())
            yield Route(name=name, route=prefix + str(entry.pattern), converters=converters)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "", None))
