"""The entity base: shipped TOML files plus the user's own, with an alias index and a matcher.

See ``src/suanli/data/kb/README.md`` for the file format. An entity in a user file replaces a
shipped entity with the same ``id``; an ``[[alias]]`` table adds names to an existing entity.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from suanli.errors import ConfigError

from .aliases import AliasMatcher, spelling_variants
from .models import ENTITY_TYPES, Entity, EntityType, Listing, Spec

logger = logging.getLogger(__name__)

SPEC_NAMES = ("memory_gb", "bandwidth_tbps", "fp16_tflops", "fp8_tflops", "power_w")
_ENTITY_KEYS = frozenset(
    "id type name_zh name_en aliases weak_aliases exclude listings vendor parent country specs context "
    "note".split()
)
_ALIAS_KEYS = frozenset({"entity", "aliases", "weak_aliases"})
_A_SHARE = re.compile(r"^(\d{6})\.(SH|SZ|BJ)$")


@dataclass(frozen=True, slots=True)
class AliasTarget:
    """Entities one spelling may name; ``weak_ids`` need confirmation by the context."""

    entity_ids: tuple[str, ...]
    weak_ids: frozenset[str] = frozenset()


class KnowledgeBase:
    """Entities by id, an alias index and the compiled alias matcher. Build it with :func:`load_kb`."""

    __slots__ = ("_entities", "_targets", "_folded", "_children", "matcher", "excluded")

    def __init__(
        self,
        entities: Iterable[Entity],
        *,
        extra_aliases: Mapping[str, Iterable[str]] | None = None,
        excluded: Iterable[str] = (),
    ) -> None:
        self._entities: dict[str, Entity] = {e.entity_id: e for e in entities}
        self._targets: dict[str, AliasTarget] = {}
        self._folded: dict[str, set[str]] = {}
        self._children: dict[str, tuple[str, ...]] = {}
        for entity in self._entities.values():
            for ref in {entity.parent, entity.vendor} - {None}:
                self._children[str(ref)] = (*self._children.get(str(ref), ()), entity.entity_id)
        self._index(extra_aliases or {})
        # Phrases that contain an alias but name nothing (北京东路 is no JD.com, 高通胀 no Qualcomm).
        self.excluded = frozenset(s for p in excluded for s in spelling_variants(p) if s not in self._targets)
        self.matcher = AliasMatcher(list(self._targets) + list(self.excluded))

    def __len__(self) -> int:
        return len(self._entities)

    def __iter__(self) -> Iterator[Entity]:
        return iter(self._entities.values())

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._entities

    def __getitem__(self, entity_id: str) -> Entity:
        return self._entities[entity_id]

    def get(self, entity_id: str | None) -> Entity | None:
        return self._entities.get(entity_id) if entity_id else None

    def by_type(self, *types: EntityType) -> tuple[Entity, ...]:
        return tuple(e for e in self._entities.values() if e.type in types)

    def children(self, entity_id: str) -> tuple[str, ...]:
        """Ids of the entities whose ``parent`` or ``vendor`` is ``entity_id``."""
        return self._children.get(entity_id, ())

    def target(self, spelling: str) -> AliasTarget | None:
        """Entities of one exact spelling as found by the matcher (``None`` for excluded phrases)."""
        return self._targets.get(spelling)

    def lookup(self, name: str) -> tuple[Entity, ...]:
        """Entities named ``name``: an id, a name, an alias or a listing code, compared case-insensitively.

        Example:
            >>> [e.entity_id for e in load_kb().lookup("英伟达")]
            ['nvidia']
        """
        key = " ".join(name.split()).casefold()
        ids = set(self._folded.get(key, ()))
        if key in self._entities:
            ids.add(key)
        return tuple(self._entities[i] for i in sorted(ids))

    def _index(self, extra_aliases: Mapping[str, Iterable[str]]) -> None:
        targets: dict[str, dict[str, bool]] = {}

        def add(name: str, entity_id: str, *, weak: bool) -> None:
            self._folded.setdefault(" ".join(name.split()).casefold(), set()).add(entity_id)
            for spelling in spelling_variants(name):
                slot = targets.setdefault(spelling, {})
                slot[entity_id] = slot.get(entity_id, True) and weak

        for entity in self._entities.values():
            weak_names = set(entity.weak_aliases)
            names = [
                entity.name_zh,
                entity.name_en,
                *entity.aliases,
                *extra_aliases.get(entity.entity_id, ()),
            ]
            for name in names:
                if name:
                    add(name, entity.entity_id, weak=name in weak_names)
            for name in entity.weak_aliases:
                add(name, entity.entity_id, weak=True)
            for listing in entity.listings:
                for code in _code_aliases(listing.code):
                    add(code, entity.entity_id, weak=False)
        self._targets = {
            spelling: AliasTarget(
                tuple(sorted(slot)), frozenset(entity_id for entity_id, weak in slot.items() if weak)
            )
            for spelling, slot in targets.items()
        }


def _code_aliases(code: str) -> list[str]:
    match = _A_SHARE.match(code)
    if match:
        return [code, match.group(1)]
    if "." in code or len(code) >= 3:
        return [code]
    return []  # Two-letter tickers (MU, JD) are too common as plain letters.


def load_kb(extra_paths: Iterable[str | Path] = ()) -> KnowledgeBase:
    """The shipped entity base plus the entities and aliases of ``extra_paths`` (TOML files).

    Raises:
        ConfigError: a file cannot be read or has a bad entry; the message names the file and entry.

    Example:
        >>> kb = load_kb()
        >>> kb["cambricon"].listings[0].code
        '688256.SH'
    """
    entities: dict[str, Entity] = {}
    excludes: set[str] = set()
    extra_aliases: dict[str, list[str]] = {}
    weak_extra: dict[str, list[str]] = {}
    # 1. Shipped files, in name order, then the user's files in the order given.
    shipped = resources.files("suanli") / "data" / "kb"
    sources: list[tuple[str, str]] = [
        (f"kb/{item.name}", item.read_text(encoding="utf-8"))
        for item in sorted(shipped.iterdir(), key=lambda i: i.name)
        if item.name.endswith(".toml")
    ]
    for raw in extra_paths:
        path = Path(raw).expanduser()
        try:
            sources.append((str(path), path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"Entity file '{path}' cannot be read as UTF-8 text: {exc}") from exc
    # 2. Parse every entry; later files replace earlier entities with the same id.
    for origin, text in sources:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"Entity file '{origin}' is not valid TOML: {exc}") from exc
        unknown = set(data) - {"entity", "alias"}
        if unknown:
            raise ConfigError(
                f"Entity file '{origin}' has unknown table '{sorted(unknown)[0]}'; "
                "use [[entity]] or [[alias]]"
            )
        for number, item in enumerate(data.get("entity", []), start=1):
            entity, exclude = _parse_entity(item, origin, number)
            if entity.entity_id in entities and origin.startswith("kb/"):
                raise ConfigError(f"Entity file '{origin}' repeats the shipped id '{entity.entity_id}'")
            entities[entity.entity_id] = entity
            excludes.update(exclude)
        for number, item in enumerate(data.get("alias", []), start=1):
            _parse_alias(item, origin, number, extra_aliases, weak_extra)
    # 3. Check references once everything is loaded.
    for entity in entities.values():
        for field in ("vendor", "parent"):
            ref = getattr(entity, field)
            if ref is not None and ref not in entities:
                raise ConfigError(
                    f"Entity '{entity.entity_id}' in '{entity.origin}' has {field} '{ref}', "
                    "which is no entity id"
                )
    for entity_id in list(extra_aliases) + list(weak_extra):
        if entity_id not in entities:
            raise ConfigError(f"An [[alias]] table names entity '{entity_id}', which is no entity id")
    for entity_id, names in weak_extra.items():
        e = entities[entity_id]
        entities[entity_id] = replace(e, weak_aliases=e.weak_aliases + tuple(names))
    logger.debug("Loaded %d entities from %d files", len(entities), len(sources))
    return KnowledgeBase(entities.values(), extra_aliases=extra_aliases, excluded=excludes)


def _parse_entity(item: Any, origin: str, number: int) -> tuple[Entity, list[str]]:
    where = f"entry {number} of '{origin}'"
    if not isinstance(item, dict):
        raise ConfigError(f"The {where} is not a table")
    unknown = set(item) - _ENTITY_KEYS
    if unknown:
        raise ConfigError(
            f"The {where} has unknown key '{sorted(unknown)[0]}'; "
            f"known keys: {', '.join(sorted(_ENTITY_KEYS))}"
        )
    entity_id = _text(item, "id", where, required=True)
    if not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", entity_id):
        raise ConfigError(f"The {where} has id '{entity_id}'; use lowercase letters, digits and '-'")
    where = f"entity '{entity_id}' in '{origin}'"
    kind = _text(item, "type", where, required=True)
    if kind not in ENTITY_TYPES:
        raise ConfigError(f"The {where} has type '{kind}'; accepted types: {', '.join(ENTITY_TYPES)}")
    name_zh, name_en = _text(item, "name_zh", where), _text(item, "name_en", where)
    if not (name_zh or name_en):
        raise ConfigError(f"The {where} needs 'name_zh' or 'name_en'")
    listings = tuple(
        Listing(_text(x, "code", where, required=True), _text(x, "exchange", where, required=True))
        for x in _tables(item, "listings", where)
    )
    specs = tuple(_parse_spec(x, where) for x in _tables(item, "specs", where))
    entity = Entity(
        entity_id=entity_id,
        type=kind,
        name_zh=name_zh,
        name_en=name_en,
        aliases=_names(item, "aliases", where),
        weak_aliases=_names(item, "weak_aliases", where),
        listings=listings,
        vendor=_text(item, "vendor", where) or None,
        parent=_text(item, "parent", where) or None,
        country=_text(item, "country", where) or None,
        specs=specs,
        context=_names(item, "context", where),
        note=_text(item, "note", where),
        origin=origin,
    )
    return entity, list(_names(item, "exclude", where))


def _parse_spec(item: dict[str, Any], where: str) -> Spec:
    name = _text(item, "name", where, required=True)
    value = item.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"Spec '{name}' of {where} needs a number 'value', got '{value}'")
    source = _text(item, "source", where)
    if not source:
        raise ConfigError(f"Spec '{name}' of {where} needs a 'source' note saying where the value is public")
    return Spec(name, float(value), _text(item, "unit", where, required=True), source)


def _parse_alias(
    item: Any, origin: str, number: int, extra: dict[str, list[str]], weak: dict[str, list[str]]
) -> None:
    where = f"[[alias]] {number} of '{origin}'"
    if not isinstance(item, dict) or set(item) - _ALIAS_KEYS:
        raise ConfigError(f"The {where} must be a table with keys {', '.join(sorted(_ALIAS_KEYS))}")
    entity_id = _text(item, "entity", where, required=True)
    extra.setdefault(entity_id, []).extend(_names(item, "aliases", where))
    if item.get("weak_aliases"):
        weak.setdefault(entity_id, []).extend(_names(item, "weak_aliases", where))


def _text(item: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
    value = item.get(key, "")
    if not isinstance(value, str):
        raise ConfigError(f"Key '{key}' of {where} must be a string, got '{value}'")
    if required and not value.strip():
        raise ConfigError(f"The {where} needs a '{key}'")
    return value.strip()


def _names(item: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"Key '{key}' of {where} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _tables(item: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"Key '{key}' of {where} must be a list of tables")
    return value
