"""The unit registry: units.csv in the shared folder, and matching report names to units.

Reports name a unit in many ways (钟村街, 钟村街道, 钟村街道办事处,
广州市番禺区人民政府钟村街道办事处). Names are reduced to a core key (钟村) by removing the
city, the district and 人民政府 in front and the organisational suffix behind; a name matches a
unit when its key equals the key of the unit's name or of one of its aliases. When several units
share a key (the same 街道 name in two districts), the report's district decides.

Each registry load stores every unit name and alias normalised and keyed (`unit_name_key`), so a
report's name is matched by index lookups, whatever the size of the registry. A key depends on
the districts known (a leading district is stripped); the stored keys are cut with the registry's
districts, which is exact unless a report states a district the registry does not list: then the
keys are recomputed from the whole registry, as they always were before the table existed.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from selfeval.errors import RegistryError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.sql import ColumnElement

# Header names accepted for each field: English or the Chinese the district team uses.
_HEADERS = {
    "name": ("name", "单位名称", "单位"),
    "aliases": ("aliases", "别名"),
    "district": ("district", "所属区", "区"),
    "emails": ("emails", "联系邮箱", "邮箱"),
}
_SEPARATORS = re.compile(r"[;；、]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CITY = re.compile(r"^(?:广东省)?[^\s市]{1,6}市")
_GOVERNMENT_PREFIX = re.compile(r"^[^\s区县]{1,6}[区县]人民政府")
_SUFFIXES = ("办事处", "人民政府", "街道", "街", "镇", "乡")
# The finding on a report whose unit name matches no registry unit: held for review.
UNIT_UNKNOWN = "unit.unknown"


@dataclass(frozen=True, slots=True)
class RegistryUnit:
    """One row of units.csv."""

    name: str
    aliases: tuple[str, ...]
    district: str | None
    emails: tuple[str, ...]


def normalise(name: str) -> str:
    """NFKC-folded with all whitespace removed: how names are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def name_key(name: str, districts: Iterable[str] = ()) -> str:
    """The core of a unit name: 广州市番禺区人民政府钟村街道办事处 → 钟村."""
    key = normalise(name)
    known = sorted({normalise(d) for d in districts if d}, key=len, reverse=True)
    city = _CITY.match(key)
    place = key.endswith(_SUFFIXES)  # a 街道 / 镇 / 乡 under its government, not its office
    if city:
        # Only a city in front of a district or a government (not 城市管理局), and before a
        # government only where a 街道, 镇 or 乡 follows (安陆市人民政府办公室 keeps its city)
        rest = key[city.end() :]
        government = rest.startswith("人民政府") or _GOVERNMENT_PREFIX.match(rest)
        if rest.startswith(tuple(known)) or (government and place):
            key = rest
    for district in known:
        if key.startswith(district) and len(key) > len(district):
            key = key[len(district) :]
            break
    if place:
        key = _GOVERNMENT_PREFIX.sub("", key, count=1) or key
    if key.startswith("人民政府") and len(key) > 4 and place:
        key = key[4:]
    # Strip organisational suffixes until none applies, keeping at least two characters.
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and len(key) - len(suffix) >= 2:
                key = key[: -len(suffix)]
                changed = True
                break
    return key


def _heads(normalised: str) -> set[str]:
    """Every leading part of a normalised name, also after a leading city: the only districts
    `name_key` can strip from it (or let a city be stripped for)."""
    city = _CITY.match(normalised)
    starts = (0, city.end()) if city else (0,)
    return {normalised[s:e] for s in starts for e in range(s + 1, len(normalised) + 1)}


def name_key_rows(
    units: Iterable[tuple[int, str, str | None]], aliases: Iterable[tuple[int, str]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`unit_name_key` and `unit_district` rows for (unit_id, name, district) units and
    (unit_id, alias) aliases."""
    district_of = {unit_id: normalise(d) if d else None for unit_id, _, d in units}
    districts = {d for d in district_of.values() if d}
    names = [(unit_id, name) for unit_id, name, _ in units] + list(aliases)
    keyed = [
        {
            "unit_id": unit_id,
            "name": name,
            "normalised": normalise(name),
            "name_key": name_key(name, districts),
            "district": district_of[unit_id] or None,
        }
        for unit_id, name in names
    ]
    return keyed, [{"district": d} for d in sorted(districts)]


def read_units_csv(path: Path) -> list[RegistryUnit]:
    """Parse units.csv (UTF-8, with or without BOM); RegistryError names the line and the reason."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise RegistryError(f"{path}: the unit registry does not exist") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{path}: cannot read the unit registry as UTF-8 text: {exc}") from exc
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise RegistryError(f"{path}: line 1: the file is empty (expected a header row)")
    header = [normalise(h).lower() for h in rows[0]]
    columns: dict[str, int] = {}
    for field, names in _HEADERS.items():
        for i, h in enumerate(header):
            if h in names:
                columns[field] = i
                break
    if "name" not in columns:
        raise RegistryError(
            f"{path}: line 1: no unit-name column (expected one of: name, 单位名称); "
            f"found {', '.join(rows[0]) or 'nothing'}"
        )
    units: list[RegistryUnit] = []
    seen: dict[str, int] = {}
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise RegistryError(
                f"{path}: line {line_no}: {len(row)} fields but the header has {len(header)}"
                " (quote a field that contains a comma)"
            )

        def cell(field: str, row: list[str] = row) -> str:
            i = columns.get(field)
            return row[i].strip() if i is not None and i < len(row) else ""

        name = cell("name")
        if not name:
            raise RegistryError(f"{path}: line {line_no}: the unit name is empty")
        if name in seen:
            raise RegistryError(
                f"{path}: line {line_no}: unit {name!r} is listed twice (also line {seen[name]})"
            )
        seen[name] = line_no
        emails = tuple(e.strip() for e in _SEPARATORS.split(cell("emails")) if e.strip())
        for email in emails:
            if not _EMAIL.match(email):
                raise RegistryError(f"{path}: line {line_no}: {email!r} is not an e-mail address")
        aliases = tuple(
            dict.fromkeys(a.strip() for a in _SEPARATORS.split(cell("aliases")) if a.strip())
        )
        units.append(RegistryUnit(name, aliases, cell("district") or None, emails))
    return units


def load_units(engine: Engine, csv_path: Path) -> int:
    """Load units.csv into `unit` / `unit_alias` in one transaction; returns the number of units.

    Units are matched by name: existing ones are updated, new ones inserted, and units no longer
    listed are kept (submissions refer to them) but marked inactive. Only what changed is
    written (every intake run loads the registry again, usually unchanged). When names changed,
    the reports held for review (their unit was not in the registry) are matched again in the
    same transaction (`rematch_held`): a report counts from the load that lists its unit.
    """
    from sqlalchemy import delete, insert, select, update

    from selfeval.warehouse.schema import unit, unit_alias

    units = read_units_csv(Path(csv_path))
    with engine.begin() as conn:
        columns = (unit.c.unit_id, unit.c.district, unit.c.contact_emails, unit.c.active)
        existing = {row.name: row for row in conn.execute(select(unit.c.name, *columns))}
        aliases_of: dict[int, list[str]] = {}
        for unit_id, alias in conn.execute(
            select(unit_alias.c.unit_id, unit_alias.c.alias).order_by(unit_alias.c.alias_id)
        ):
            aliases_of.setdefault(unit_id, []).append(alias)
        listed: set[int] = set()
        changed = False
        for u in units:
            values = {
                "district": u.district,
                "contact_emails": ";".join(u.emails) or None,
                "active": True,
            }
            row = existing.get(u.name)
            if row is None:
                unit_id = conn.execute(
                    insert(unit).values(name=u.name, **values).returning(unit.c.unit_id)
                ).scalar_one()
            else:
                unit_id = row.unit_id
                if (row.district, row.contact_emails, bool(row.active)) != tuple(values.values()):
                    conn.execute(update(unit).where(unit.c.unit_id == unit_id).values(**values))
                    changed = True
                if tuple(aliases_of.get(unit_id, ())) == u.aliases:
                    listed.add(unit_id)
                    continue
                conn.execute(delete(unit_alias).where(unit_alias.c.unit_id == unit_id))
            changed = True
            listed.add(unit_id)
            if u.aliases:
                conn.execute(
                    insert(unit_alias), [{"unit_id": unit_id, "alias": a} for a in u.aliases]
                )
        gone = {row.unit_id for row in existing.values() if row.active} - listed
        if gone:
            conn.execute(update(unit).where(unit.c.unit_id.in_(gone)).values(active=False))
        if changed:  # not for deactivations: an inactive unit still matches the reports it sent
            _rebuild_name_keys(conn)
            rematch_held(conn)
    return len(units)


def rematch_held(conn: Connection) -> tuple[int, ...]:
    """Match again every submission held for review (no unit, a unit name stated) against the
    registry as it now is; returns the ids that found their unit.

    A re-matched report loses its `unit.unknown` finding and joins its unit's versions for the
    year, numbered again by arrival (the latest is current, the others superseded), as if it had
    matched when it was loaded. Cross-year findings are not recomputed for it. A rejected file
    only gets its unit (its unit's page then lists it).
    """
    from sqlalchemy import delete, select, update

    from selfeval.warehouse.schema import finding, submission
    from selfeval.warehouse.versions import renumber_versions

    held = conn.execute(
        select(
            submission.c.submission_id,
            submission.c.reported_unit_name,
            submission.c.reported_district,
            submission.c.fiscal_year,
            submission.c.status,
        )
        .where(submission.c.unit_id.is_(None), submission.c.reported_unit_name.is_not(None))
        .order_by(submission.c.submission_id)
    ).all()
    matched: list[int] = []
    groups: set[tuple[int, int | None]] = set()
    for row in held:
        unit_id = match_unit(conn, row.reported_unit_name, row.reported_district)
        if unit_id is None:
            continue
        versioned = row.status in ("accepted", "superseded")
        # A negative version keeps the (unit, year, version) key unique until the renumbering.
        values: dict[str, Any] = {"unit_id": unit_id}
        if versioned:
            values["version"] = -row.submission_id
            groups.add((unit_id, row.fiscal_year))
        conn.execute(
            update(submission)
            .where(submission.c.submission_id == row.submission_id)
            .values(**values)
        )
        conn.execute(
            delete(finding).where(
                finding.c.submission_id == row.submission_id, finding.c.check_id == UNIT_UNKNOWN
            )
        )
        matched.append(row.submission_id)
    for unit_id, year in sorted(groups, key=lambda g: (g[0], g[1] or 0)):
        renumber_versions(conn, unit_id, year)
    return tuple(matched)


def _rebuild_name_keys(conn: Connection) -> None:
    """Derive `unit_name_key` and `unit_district` again: a new district may change any key."""
    from sqlalchemy import delete, insert, select

    from selfeval.warehouse.schema import unit, unit_alias, unit_district, unit_name_key

    units = conn.execute(select(unit.c.unit_id, unit.c.name, unit.c.district)).tuples().all()
    aliases = conn.execute(select(unit_alias.c.unit_id, unit_alias.c.alias)).tuples().all()
    conn.execute(delete(unit_name_key))
    conn.execute(delete(unit_district))
    names, districts = name_key_rows(units, aliases)
    if names:
        conn.execute(insert(unit_name_key), names)
    if districts:
        conn.execute(insert(unit_district), districts)


def match_unit(conn: Connection, name: str | None, district: str | None = None) -> int | None:
    """The unit a report names, or None when no unit (or more than one, undecided) matches."""
    from selfeval.warehouse.schema import unit_name_key as names

    if not name or not name.strip():
        return None
    wanted = normalise(name)
    found = _named(conn, names.c.normalised == wanted) or _keyed(conn, name, district, wanted)
    district_of = {uid: d or "" for uid, d in found}  # unit_id → its normalised district
    candidates = set(district_of)
    if len(candidates) > 1 and district:
        in_district = {uid for uid in candidates if district_of[uid] == normalise(district)}
        candidates = in_district or candidates
    if len(candidates) > 1 and not district:
        # The district may be written into the name (番禺区…钟村街道).
        in_name = {uid for uid in candidates if district_of[uid] and district_of[uid] in wanted}
        candidates = in_name or candidates
    return next(iter(candidates)) if len(candidates) == 1 else None


def _named(conn: Connection, condition: ColumnElement[bool]) -> list[tuple[int, str | None]]:
    """(unit_id, district) of the unit names that meet `condition` (an indexed equality)."""
    from sqlalchemy import select

    from selfeval.warehouse.schema import unit_name_key as names

    query = select(names.c.unit_id, names.c.district).where(condition)
    return list(conn.execute(query).tuples())


def _keyed(
    conn: Connection, name: str, district: str | None, wanted: str
) -> list[tuple[int, str | None]]:
    """The unit names whose key is the key of `name`, with the registry's and the report's
    districts (only those that could be stripped from `name` are looked up)."""
    from sqlalchemy import select

    from selfeval.warehouse.schema import unit_district
    from selfeval.warehouse.schema import unit_name_key as names

    stated = normalise(district) if district else None
    heads = _heads(wanted) | ({stated} if stated is not None else set())
    listed = unit_district.c.district
    known = set(conn.execute(select(listed).where(listed.in_(heads))).scalars().all())
    districts = known | ({district} if district else set())
    if stated is None or stated in known:
        return _named(conn, names.c.name_key == name_key(name, districts))
    # A district the registry does not list may be stripped from registry names too: their
    # stored keys do not hold for this report, so every key is computed again (a scan).
    everything = conn.execute(select(names.c.unit_id, names.c.name, names.c.district)).all()
    districts |= {d for _, _, d in everything if d}
    key = name_key(name, districts)
    return [(uid, d) for uid, n, d in everything if name_key(n, districts) == key]


def unit_of_file(conn: Connection, relative: str) -> int | None:
    """The unit an unreadable file belongs to, by where it was dropped and what it is called:
    a sub-folder of the inbox named after the unit (`inbox/钟村街道/…`), else the file name
    (`钟村街道2024年自评报告.pdf`) — the one registry name (or alias) it contains. None when no
    unit, or more than one, fits."""
    from sqlalchemy import select

    from selfeval.warehouse.schema import unit_name_key as names

    parts = [p for p in relative.replace("\\", "/").split("/") if p]
    if not parts:
        return None
    stem = parts[-1].rsplit(".", 1)[0]
    for folder in reversed(parts[:-1]):
        found = match_unit(conn, folder)
        if found is not None:
            return found
    # A file name holds a name among other words: the registry names it contains (a scan of
    # the registry, for unreadable files only).
    text = normalise(stem)
    contained = {
        uid
        for uid, name in conn.execute(select(names.c.unit_id, names.c.normalised)).tuples()
        if name and len(name) >= 2 and name in text
    }
    return next(iter(contained)) if len(contained) == 1 else None


def held_for_review(engine: Engine, fiscal_year: int) -> tuple[str, ...]:
    """The unit names current reports of the year give that the registry lacks (held for review,
    in no total until units.csv lists the unit or an alias), sorted."""
    from sqlalchemy import select

    from selfeval.warehouse.schema import submission

    with engine.connect() as conn:
        names = conn.execute(
            select(submission.c.reported_unit_name).where(
                submission.c.unit_id.is_(None),
                submission.c.status == "accepted",
                submission.c.fiscal_year == fiscal_year,
            )
        ).scalars()
        return tuple(sorted({n or "（未识别到单位名称）" for n in names}))
