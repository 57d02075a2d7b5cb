"""People pages, shared by county staff (the people of their area) and brokers (the people of the areas they
serve): the search, a person's page, and revealing a masked ID number or phone with a reason (audited).
Which people each user sees is the permission module's rule, applied by the named queries: a person outside
it answers 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template, request

from jobs.access import queries
from jobs.errors import InvalidInput
from jobs.people.reveal import Revealable, reveal_person
from jobs.storage.enums import EmploymentStatus, LabourAbility, PersonCategory, Role
from web.forms import PeopleSearchForm, RevealForm, show_errors
from web.workspace import actor, listing, only, runtime

blueprint = Blueprint("people", __name__, url_prefix="/people")
blueprint.before_request(only(Role.COUNTY_STAFF, Role.BROKER))

REVEAL_FIELDS = {
    "phone": (Revealable.PHONE,),
    "id_number": (Revealable.ID_NUMBER,),
    "both": (Revealable.ID_NUMBER, Revealable.PHONE),
}


def _enum(kind, value: str | None):
    return kind(value) if value else None


def search_page(template: str, read: Callable[..., Any]):
    """The people search form and its results: ``read(db, filters, page=, per_page=)`` is the named query
    (the people themselves, or each with their best offer); a wrong filter is shown next to its field."""
    form = PeopleSearchForm(request.args)
    page = None
    status = 200
    if request.args and not form.validate():
        status = 422
    else:
        filters = queries.PeopleFilters(
            name=form.name.data or None, id_tail=form.id_tail.data or None, village=form.village.data or None,
            status=_enum(EmploymentStatus, form.status.data), category=_enum(PersonCategory, form.category.data),
            ability=_enum(LabourAbility, form.ability.data), wanted=form.wanted.data or None,
        )
        try:
            with runtime().db.session() as db:
                page = listing(lambda **paging: read(db, filters, **paging))
        except InvalidInput as error:
            show_errors(form, error)
            status = 422
    return render_template(template, form=form, page=page), status


@blueprint.get("/")
def search():
    """The people in the user's scope, searched and filtered; each with their best offer on the broker's page."""
    return search_page("people/search.html", lambda db, filters, **paging: queries.people(
        db, actor(), filters, vault=runtime().vault, **paging))


def _detail_page(person_id: int, *, form: RevealForm | None = None, revealed=None, status: int = 200):
    with runtime().db.session() as db:
        detail = queries.person_detail(db, actor(), person_id, vault=runtime().vault)
    return render_template("people/detail.html", detail=detail, form=form or RevealForm(formdata=None),
                           revealed=revealed), status


@blueprint.get("/<int:person_id>")
def detail(person_id: int):
    """A person's page: what is known of them, offers with reasons, placements and checks, claims, messages."""
    return _detail_page(person_id)


@blueprint.post("/<int:person_id>/reveal")
def reveal(person_id: int):
    """Show the clear ID number or phone, in this response only, after recording who asked and why."""
    form = RevealForm()
    if not form.validate_on_submit():
        return _detail_page(person_id, form=form, status=422)
    try:
        with runtime().db.transaction() as db:
            revealed = reveal_person(db, runtime().vault, person_id=person_id, actor=actor(),
                                     reason=form.reason.data, fields=REVEAL_FIELDS[form.what.data])
    except InvalidInput as error:
        show_errors(form, error, aliases={"fields": "what"})
        return _detail_page(person_id, form=form, status=422)
    return _detail_page(person_id, form=form, revealed=revealed)
