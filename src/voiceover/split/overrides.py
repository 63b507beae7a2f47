"""`--speaker` overrides: fix a role, rename, or merge speakers the splitter found.

``LABEL=ROLE`` sets a role (narrator, interviewer, interviewee, other; any case);
``LABEL=Display Name`` renames (two labels renamed alike merge into one speaker);
``LABEL=Display Name:role`` does both. LABEL matches a speaker's name, id or any alias,
case-insensitively.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping

from ..errors import UsageError
from ..script import ROLES, Chapter, Script, Segment, Speaker
from .labels import form_key, slugify

EXAMPLE = "--speaker 'Al Jazeera=interviewer' or --speaker 'Q=Jane Doe:interviewer'"


def parse_overrides(items: list[str]) -> dict[str, str]:
    """CLI ``--speaker`` items → ``{label: value}``; malformed items raise `UsageError`."""
    out: dict[str, str] = {}
    for item in items:
        label, sep, value = item.partition("=")
        label, value = label.strip(), value.strip()
        if not sep or not label or not value:
            raise UsageError(f"--speaker {item!r}: expected LABEL=ROLE, LABEL=Name or LABEL=Name:role, e.g. {EXAMPLE}")
        _parse_value(label, value)  # validate now, so the error names the option
        key = form_key(label)
        for old, old_value in out.items():
            if form_key(old) == key and old_value != value:
                raise UsageError(f"--speaker {label!r} is given twice ({old_value!r} and {value!r}); keep one")
        out[label] = value
    return out


def _parse_value(label: str, value: str) -> tuple[str | None, str | None]:
    """(display name or None, role or None) from an override value."""
    if value.casefold() in ROLES:
        return None, value.casefold()
    name, colon, role = value.rpartition(":")
    if colon:
        name, role = name.strip(), role.strip().casefold()
        if role not in ROLES:
            raise UsageError(f"--speaker '{label}={value}': unknown role {role!r}; use one of {', '.join(ROLES)}")
        if not name:
            raise UsageError(f"--speaker '{label}={value}': the name before ':{role}' is empty")
        return name, role
    return " ".join(value.split()), None


def parse_override_map(overrides: Mapping[str, str]) -> dict[str, tuple[str | None, str | None]]:
    """Validated ``{label: (name, role)}``."""
    return {label.strip(): _parse_value(label, str(value).strip()) for label, value in overrides.items()}


def apply_to_records(speakers: list[dict], overrides: Mapping[str, tuple[str | None, str | None]]) -> list[dict]:
    """Apply renames and roles to speaker records, then merge records that now share a name.

    A record is ``{"keys": [...], "name", "role", "aliases": [...], "match": {form keys}}``;
    merged records pool their keys, so callers map every old key to the survivor.
    """
    for label, (name, role) in overrides.items():
        key = form_key(label)
        hits = [sp for sp in speakers if key in sp["match"] or key == form_key(sp.get("id", ""))]
        if not hits:
            found = ", ".join(sorted({a for sp in speakers for a in [sp["name"], *sp["aliases"]]})) or "none"
            raise UsageError(f"--speaker {label!r}: no speaker has that label (labels found: {found})")
        for sp in hits:
            if name and form_key(name) != form_key(sp["name"]):
                written = form_key(sp["name"]) in sp.get("written", {form_key(sp["name"])})
                if sp["name"] not in sp["aliases"] and sp["name"] != "Narrator" and written:
                    sp["aliases"].append(sp["name"])
                sp["name"] = name
                sp["aliases"] = [a for a in sp["aliases"] if form_key(a) != form_key(name)]
            if role:
                sp["role"] = role
                sp["role_set"] = True
    merged: list[dict] = []
    by_name: dict[str, dict] = {}
    for sp in speakers:
        first = by_name.get(form_key(sp["name"]))
        if first is None:
            by_name[form_key(sp["name"])] = sp
            merged.append(sp)
            continue
        first["keys"] = first["keys"] + sp["keys"]
        first["match"] = first["match"] | sp["match"]
        for a in sp["aliases"]:
            if form_key(a) not in {form_key(x) for x in first["aliases"]} and form_key(a) != form_key(first["name"]):
                first["aliases"].append(a)
        if (sp.get("role_set") and not first.get("role_set")) or (first["role"] == "other" and not first.get("role_set")):
            first["role"] = sp["role"]  # a role set or inferred for the merged label beats "other"
    for sp in merged:
        sp.pop("role_set", None)
    return merged


def apply_overrides(script: Script, overrides: Mapping[str, str]) -> Script:
    """The same overrides on an existing (possibly hand-edited) script.

    Roles and names change and same-named speakers merge; chapters are kept as they are, only
    segments are re-pointed. A renamed speaker gets a new id from its new name.
    """
    omap = parse_override_map(overrides)
    records = [
        {
            "keys": [sp.id], "id": sp.id, "name": sp.name, "role": sp.role, "aliases": list(sp.aliases),
            "match": {form_key(sp.id), form_key(sp.name), *(form_key(a) for a in sp.aliases)},
        }
        for sp in script.speakers
    ]
    originals = {sp.id: sp.name for sp in script.speakers}
    merged = apply_to_records(records, omap)
    taken = {r["id"] for r in merged if form_key(r["name"]) == form_key(originals[r["id"]])}
    for r in merged:
        if form_key(r["name"]) != form_key(originals[r["id"]]):
            base, n = slugify(r["name"]), 2
            sid = base
            while sid in taken:
                sid, n = f"{base}-{n}", n + 1
            r["id"] = sid
            taken.add(sid)
    new_id = {key: r["id"] for r in merged for key in r["keys"]}
    speakers = tuple(Speaker(r["id"], r["name"], r["role"], tuple(r["aliases"])) for r in merged)
    chapters = tuple(
        Chapter(c.id, c.title, tuple(Segment(g.id, new_id.get(g.speaker, g.speaker), g.text) for g in c.segments))
        for c in script.chapters
    )
    return replace(script, speakers=speakers, chapters=chapters)
