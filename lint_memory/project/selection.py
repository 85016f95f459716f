"""Which codes are reported: ``select`` / ``extend-select`` / ``ignore`` prefixes, as ruff does."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lint_memory.rules import BY_CODE, DEFAULT_CODES, DIAGNOSTIC_CODES, RULES

ALL_CODES = frozenset(BY_CODE)


class SelectionError(ValueError):
    pass


def expand(prefixes: Iterable[str]) -> set[str]:
    """Codes matched by prefixes (``LCM``, ``LCM1``, ``LCM100``, ``ALL``); unknown ones are an error."""
    codes: set[str] = set()
    for raw in prefixes:
        prefix = raw.strip().upper()
        if not prefix:
            continue
        if prefix == "ALL":
            codes |= ALL_CODES
            continue
        matched = {code for code in ALL_CODES if code.startswith(prefix)}
        if not matched:
            raise SelectionError(f"unknown rule selector `{raw.strip()}`")
        codes |= matched
    return codes


def resolve(
    select: Iterable[str] | None = None,
    extend_select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> frozenset[str]:
    """The enabled codes. Diagnostics about unreadable input (LCM9xx) stay on unless ignored."""
    return resolve_layers([(select, extend_select, ignore)])


def resolve_layers(layers: Sequence[tuple[Iterable[str] | None, Iterable[str], Iterable[str]]]) -> frozenset[str]:
    """The enabled codes after each ``(select, extend_select, ignore)`` layer, as ruff layers the
    configuration file under the command line: a later ``select`` starts over (the earlier
    layers' selections and ignores no longer count), ``extend-select`` adds, ``ignore`` removes.
    LCM9xx diagnostics stay on unless a layer that still counts ignores them."""
    enabled = set(DEFAULT_CODES)
    ignored: set[str] = set()
    for select, extend_select, ignore in layers:
        if select is not None:
            enabled, ignored = expand(select), set()
        removed = expand(ignore)
        enabled = (enabled | expand(extend_select)) - removed
        ignored |= removed
    return frozenset(enabled | (DIAGNOSTIC_CODES - ignored))


def rule_names() -> dict[str, str]:
    return {rule.code: rule.name for rule in RULES}
