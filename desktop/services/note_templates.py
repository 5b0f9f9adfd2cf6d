"""Note templates: SOAP, DAP, BIRP, a physiotherapy assessment and the practice's own. A note
written in one keeps its sections in its text, each under a "## " heading line, so searching,
signing and addenda work as for any note; `note_sections` reads them back for headings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..db.tables import NoteTemplate
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .errors import Conflict, InvalidInput, NotFound
from .policy import may_keep_note_templates
from .principal import Principal
from .validation import clean_text

TEMPLATE_SAVED = "practice.note_template_saved"
#: how a section's heading line starts in a note's text.
HEADING = "## "
MAX_SECTIONS = 12


@dataclass(frozen=True)
class TemplateView:
    """A note template: its name and section headings, in order."""

    id: int
    name: str
    sections: tuple[str, ...]
    active: bool
    version: int


def _view(row: NoteTemplate) -> TemplateView:
    return TemplateView(row.id, row.name, tuple(row.sections.split("\n")), row.active, row.version)


def skeleton(sections: tuple[str, ...] | list[str]) -> str:
    """The text a new note starts with in a template: each heading, an empty line under it."""
    return "\n\n".join(f"{HEADING}{name}\n" for name in sections).rstrip("\n") + "\n"


def note_sections(body: str) -> list[tuple[str | None, str]]:
    """A note's text as (heading, text) pairs, in order; text before any heading (or a
    free-text note) has the heading None."""
    parts: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in body.split("\n"):
        if line.startswith(HEADING) and line[len(HEADING) :].strip():
            parts.append((line[len(HEADING) :].strip(), []))
        else:
            parts[-1][1].append(line)
    out = [(heading, "\n".join(lines).strip()) for heading, lines in parts]
    return [(h, t) for h, t in out if h is not None or t]


@checked
def list_templates(
    uow: UnitOfWork, principal: Principal, include_retired: bool = False
) -> list[TemplateView]:
    """The practice's templates by name; retired ones only when asked (for keeping them)."""
    with uow:
        query = select(NoteTemplate).order_by(NoteTemplate.name)
        if not include_retired:
            query = query.where(NoteTemplate.active.is_(True))
        return [_view(row) for row in uow.session.scalars(query)]


def _clean_sections(sections: list[str]) -> tuple[str, ...]:
    cleaned = []
    for section in sections:
        name = clean_text(section, "A section's heading", max_length=80, required=False)
        if name and name not in cleaned:
            cleaned.append(name)
    if not cleaned:
        raise InvalidInput("Give the template at least one section heading.", "sections")
    if len(cleaned) > MAX_SECTIONS:
        raise InvalidInput(f"A template has at most {MAX_SECTIONS} sections.", "sections")
    return tuple(cleaned)


@checked
def save_template(
    uow: UnitOfWork,
    principal: Principal,
    template_id: int | None,
    name: str,
    sections: list[str],
    active: bool = True,
    expected_version: int | None = None,
) -> TemplateView:
    """Add a template (`template_id` None) or change one (the Owner and Managers); audited.
    Notes already written keep their text: a template only shapes notes started after."""
    may_keep_note_templates(principal).require()
    name = clean_text(name, "The template's name", max_length=80, field="name")
    headings = _clean_sections(sections)
    with uow:
        if template_id is None:
            row = NoteTemplate(updated_at=uow.now())
            uow.session.add(row)
        else:
            row = uow.session.get(NoteTemplate, template_id)
            if row is None:
                raise NotFound("That template no longer exists. Close the list and open it again.")
            if expected_version is not None and row.version != expected_version:
                raise Conflict("Someone changed this template a moment ago; open it again.")
        row.name, row.sections, row.active = name, "\n".join(headings), bool(active)
        row.updated_at, row.updated_by = uow.now(), principal.staff_id
        try:
            uow.session.flush()
        except IntegrityError:
            raise Conflict(f"There is already a template called {name}.") from None
        except StaleDataError:
            raise Conflict("Someone changed this template a moment ago; open it again.") from None
        audit.record(
            uow,
            principal,
            TEMPLATE_SAVED,
            subject=f"note_template:{row.id}",
            details={"name": name, "sections": list(headings), "active": bool(active)},
        )
        view = _view(row)
        uow.commit()
        return view
