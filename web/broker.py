"""The brokers' workspace: the people they serve with each one's best offer, open posts and a post's candidates,
recommending a worker to a post (a proposed placement), their dispatches and their claims. What a broker sees is
the permission module's rule (the people of the areas it serves, its own placements, dispatches and claims; never
another broker's): a post's candidates outside it are not listed, and a person outside it answers 404."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from jobs.access import queries
from jobs.errors import DomainError
from jobs.placements.placements import propose_placement
from jobs.storage.enums import PostStatus, Role
from web.forms import RecommendAsForm, RecommendForm
from web.people import search_page
from web.workspace import actor, listing, only, runtime

blueprint = Blueprint("broker", __name__, url_prefix="/broker")
blueprint.before_request(only(Role.BROKER))


@blueprint.get("/")
def served():
    """The people the broker serves, searched like the people page, each with their best live offer."""
    return search_page("broker/served.html", lambda db, filters, **paging: queries.people_with_best_offer(
        db, actor(), filters, vault=runtime().vault, **paging))


@blueprint.get("/posts")
def posts():
    """Open posts, newest first: every staff role reads the posts (offers are meant to be spread)."""
    with runtime().db.session() as db:
        page = listing(lambda **p: queries.posts(db, actor(), status=PostStatus.OPEN, **p))
    return render_template("broker/posts.html", page=page)


def _candidates(post_id: int, *, notice: str | None = None, status: int = 200):
    with runtime().db.session() as db:
        page = listing(lambda **p: queries.candidates_for_post(db, actor(), post_id, vault=runtime().vault, **p))
        post = next(iter(queries.posts(db, actor(), post_id=post_id).items), None)
        brokers = queries.own_brokers(db, actor())
    return render_template("broker/candidates.html", page=page, post=post, post_id=post_id,
                           form=RecommendForm(formdata=None), brokers=brokers, notice=notice), status


def _recommend_form(brokers: list[tuple[int, str]]) -> RecommendAsForm:
    """The recommend form with the user's own brokers to choose from; the only one is chosen by default."""
    form = RecommendAsForm()
    form.broker_id.choices = [(broker_id, name) for broker_id, name in brokers]
    if len(brokers) == 1 and not request.form.get("broker_id"):
        form.broker_id.data = brokers[0][0]
        form.broker_id.raw_data = [str(brokers[0][0])]
    return form


@blueprint.get("/posts/<int:post_id>")
def candidates(post_id: int):
    """The workers matched to a post whom the broker serves, best first, each with a recommend button."""
    return _candidates(post_id)


@blueprint.post("/posts/<int:post_id>/recommend")
def recommend(post_id: int):
    """Put a worker forward for the post: a proposed placement, made in the name of the broker record of the
    user's organisation they chose (the only one without asking)."""
    with runtime().db.session() as db:
        brokers = queries.own_brokers(db, actor())
    form = _recommend_form(brokers)
    if not brokers:
        del form.broker_id
    if not form.validate_on_submit() or not form.person_id.data:
        notice = "请选择以哪位经纪人的名义推荐" if form.person_id.data else "请选择要推荐的人员"
        return _candidates(post_id, notice=notice, status=422)
    try:
        with runtime().db.transaction() as db:
            # The use case checks that the chosen broker is one of the user's own (404 otherwise).
            propose_placement(db, person_id=form.person_id.data, post_id=post_id,
                              broker_id=form.broker_id.data if brokers else None, actor=actor())
    except DomainError as error:
        if error.status == 404:
            raise
        return _candidates(post_id, notice=error.message, status=error.status)
    flash("已推荐，等待用工单位录用", "success")
    return redirect(url_for("broker.candidates", post_id=post_id))


@blueprint.get("/dispatches")
def dispatches():
    """The broker's own dispatches, latest first."""
    with runtime().db.session() as db:
        page = listing(lambda **p: queries.dispatches(db, actor(), **p))
    return render_template("broker/dispatches.html", page=page)


@blueprint.get("/claims")
def claims():
    """The broker's own subsidy claims and why each is what it is."""
    with runtime().db.session() as db:
        page = listing(lambda **p: queries.claims(db, actor(), vault=runtime().vault, **p))
    return render_template("broker/claims.html", page=page)


@blueprint.get("/interest")
def interest():
    """求职者意向: the people the broker serves who said 感兴趣 to an offer on their phone, newest first."""
    from jobs.access.mine import interest_queue

    with runtime().db.session() as db:
        page = listing(lambda **p: interest_queue(db, actor(), vault=runtime().vault, **p))
    return render_template("interest_queue.html", page=page)
