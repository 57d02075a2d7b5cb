"""The job seeker's phone pages under ``/m/``: sign-in by phone number and an SMS code, 我的岗位推荐 (with 感兴趣 /
不感兴趣 and 朗读), 消息, 我的工作, 我的补贴 and 我的信息.

Made for a cheap phone on a weak signal: one light stylesheet (``seeker.css``), no web fonts, no images, every
page usable without JavaScript (the one script, ``seeker.js``, only adds the read-aloud buttons where the browser
can speak). Sign-in is the staff's session machinery (Flask-Login, the session limits, CSRF, the rate limiter);
the code rules are ``jobs.access.one_time_codes``. Only seekers use these pages: staff get 403, nobody signed in
is sent to ``/m/login``, and another seeker's offer or message is not found (404).
"""

from __future__ import annotations

import threading

from flask import (Blueprint, Flask, abort, current_app, flash, g, redirect, render_template, request, session,
                   url_for)
from flask_login import current_user, login_user, logout_user
from wtforms import BooleanField, IntegerField, StringField, SubmitField
from wtforms.validators import Length, NumberRange, Optional

from jobs.access import mine, one_time_codes
from jobs.access.accounts import sign_out
from jobs.errors import InvalidInput
from jobs.people.wishes import Wishes, update_wishes
from jobs.placements.matches import answer_offer
from jobs.service import inbox
from jobs.storage import audit
from jobs.storage.clock import china_today, now_utc
from jobs.storage.enums import Role
from web import runtime_of
from web.forms import Form, required, show_errors
from web.paging import requested_page
from web.reads import read_session, shares_read_session
from web.security import SignedIn, limiter_of, remote_addr, start_session

blueprint = Blueprint("seeker", __name__, url_prefix="/m")
#: Where the number typed on the first page waits for its code (the session is signed and HttpOnly).
PHONE_KEY = "sign_in_phone"
#: Set for a session signed in by SMS code: such a session has no password to change.
METHOD_KEY = "sign_in_method"
OPEN_PAGES = {"seeker.login", "seeker.code", "seeker.logout"}
OFFERS_PER_PAGE = 10
#: Where a view that counted the unread messages in its own session leaves the count for the page header.
UNREAD = "seeker_unread"


class PhoneForm(Form):
    phone = StringField("手机号码", validators=[required("手机号码"), Length(max=20, message="手机号码过长")],
                        description="填写在村里或县人社部门登记的手机号码")
    submit = SubmitField("获取验证码")


class CodeForm(Form):
    code = StringField("验证码", validators=[required("验证码"), Length(max=10, message="验证码为6位数字")],
                       description="短信里的6位数字，5分钟内有效")
    submit = SubmitField("登录")


class AnswerForm(Form):
    reason = StringField("原因（可不填）", validators=[Optional(), Length(max=200, message="原因请少于200字")])


class ActionForm(Form):
    pass


class InfoForm(Form):
    jobs = StringField("想做的工作", validators=[Optional(), Length(max=200, message="请少于200字")],
                       description="可以写几个，用顿号或空格隔开，如：电焊工、普工")
    places = StringField("想去的地方", validators=[Optional(), Length(max=200, message="请少于200字")],
                         description="如：广东、浙江宁波；去哪里都行请写“不限”")
    wage_min = IntegerField("最低月工资（元）", validators=[Optional(), NumberRange(0, 100_000, "请填写0到100000之间的数")])
    wage_max = IntegerField("最高月工资（元）", validators=[Optional(), NumberRange(0, 100_000, "请填写0到100000之间的数")])
    training = BooleanField("想参加技能培训")
    sms = BooleanField("接收短信通知（关掉后只在“消息”里看）")
    submit = SubmitField("保存")


def init_app(app: Flask) -> None:
    """Register the pages; the two sign-in steps are rate-limited per address like the staff sign-in (each app has
    its own limiter, hence the wrapping here: see ``web.auth``)."""
    app.register_blueprint(blueprint)
    limiter = limiter_of(app)
    message = "操作过于频繁，请稍后再试"
    for endpoint in ("seeker.login", "seeker.code"):
        app.view_functions[endpoint] = limiter.limit(
            lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], error_message=message,
        )(app.view_functions[endpoint])


def _runtime():
    return runtime_of(current_app)


@blueprint.before_request
def _only_seekers():
    if request.endpoint in OPEN_PAGES:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("seeker.login"))
    if current_user.role is not Role.SEEKER:
        with _runtime().db.transaction() as db:
            audit.record(db, action="access.denied", actor=current_user.user, object_type="route",
                         object_id=request.path[:64], after={"method": request.method}, remote_addr=remote_addr())
        abort(403)
    return None


@blueprint.context_processor
def _unread():
    if current_user.is_authenticated and current_user.role is Role.SEEKER:
        if UNREAD in g:  # counted by the view in its own session (one connection fewer per request)
            return {"unread": g.get(UNREAD)}
        with _runtime().db.session() as db:
            return {"unread": inbox.unread_count(db, user=current_user.user)}
    return {"unread": 0}


# --------------------------------------------------------------------------------------------------------
# Sign-in


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    """Step 1: the phone number. The answer is the same whether or not anyone has that number."""
    if current_user.is_authenticated and current_user.role is Role.SEEKER:
        return redirect(url_for("seeker.offers"))
    form = PhoneForm()
    status = 200
    if form.validate_on_submit():
        try:
            number = one_time_codes.phone_number(form.phone.data)
            with _runtime().db.transaction() as db:
                _sent, message_id = one_time_codes.request_code(db, _runtime().vault, phone=number, now=now_utc(),
                                                               remote_addr=remote_addr())
        except InvalidInput as error:
            show_errors(form, error)
            status = 422
        except one_time_codes.TooManyCodes as error:
            form.form_errors = [error.message]
            status = 429
        else:
            _deliver_soon(message_id)
            session[PHONE_KEY] = number
            return redirect(url_for("seeker.code"))
    elif request.method == "POST":
        status = 422
    return render_template("seeker/login.html", form=form), status


def _deliver_soon(message_id: int | None) -> None:
    """With a real SMS gateway, send the code now rather than at the next delivery run (a code lives five
    minutes). In a thread after the answer is made, so the answer takes as long for an unknown number. The
    embedded default leaves it in the outbox (``bangfu outbox list``)."""
    if message_id is None or not current_app.config.get("SMS_GATEWAY_URL"):
        return
    from jobs.service.outbox import channels_from_settings, deliver_one

    runtime, settings, logger = _runtime(), dict(current_app.config), current_app.logger

    def send() -> None:
        try:
            channels = channels_from_settings(settings, runtime.vault)
            with runtime.db.transaction() as db:
                deliver_one(db, channels, message_id=message_id, now=now_utc())
        except Exception:  # the scheduler's delivery run retries; nothing here may fail the page
            logger.exception("sending a sign-in code failed")

    threading.Thread(target=send, name="bangfu-sign-in-code", daemon=True).start()


@blueprint.route("/login/code", methods=["GET", "POST"])
def code():
    """Step 2: the code from the SMS."""
    number = session.get(PHONE_KEY)
    if not number:
        return redirect(url_for("seeker.login"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        refused = None
        with _runtime().db.transaction() as db:
            try:
                user = one_time_codes.sign_in_with_code(db, _runtime().vault, phone=number, code=form.code.data,
                                                        now=now_utc(), remote_addr=remote_addr())
            except one_time_codes.CodeRefused as error:
                refused = error  # the try is committed with its audit record
            else:
                db.flush()
                db.refresh(user, ["organisation", "person"])
        if refused is None:
            session.clear()
            login_user(SignedIn(user))
            start_session()
            session[METHOD_KEY] = "code"
            return redirect(url_for("seeker.offers"))
        form.form_errors = [refused.message]
        status = 401
    elif request.method == "POST":
        status = 422
    from jobs.people.identity import mask_phone

    return render_template("seeker/code.html", form=form, phone=mask_phone(number),
                           minutes=one_time_codes.VALID_FOR.seconds // 60), status


@blueprint.post("/logout")
def logout():
    if current_user.is_authenticated:
        with _runtime().db.transaction() as db:
            sign_out(db, user=current_user.user, remote_addr=remote_addr())
        logout_user()
    session.clear()
    flash("您已安全退出", "info")
    return redirect(url_for("seeker.login"))


# --------------------------------------------------------------------------------------------------------
# Offers


@blueprint.get("/")
@shares_read_session
def offers():
    """我的岗位推荐: the best current offers with the reasons in plain words (read in the session the user was
    loaded in: ``web.reads``)."""
    page = requested_page(OFFERS_PER_PAGE)
    with read_session() as db:
        found = mine.my_offers(db, current_user.user, page=page.number, per_page=page.per_page)
        setattr(g, UNREAD, inbox.unread_count(db, user=current_user.user))
    page.items, page.total = found.items, found.total
    return render_template("seeker/offers.html", page=page, form=AnswerForm(formdata=None))


@blueprint.post("/offers/<int:match_id>/interest")
def interest(match_id: int):
    """感兴趣 / 不感兴趣 (``answer=yes|no``), with an optional reason; back to the offers."""
    form = AnswerForm()
    answer = request.form.get("answer")
    if not form.validate_on_submit() or answer not in ("yes", "no"):
        flash("；".join(form.reason.errors) or "请点“感兴趣”或“不感兴趣”", "error")
        return redirect(url_for("seeker.offers")), 303
    with _runtime().db.transaction() as db:
        answer_offer(db, match_id=match_id, interested=answer == "yes", reason=form.reason.data,
                     actor=current_user.user, now=now_utc())
    flash("已告诉为您服务的经纪人和县人社部门，他们会尽快联系您" if answer == "yes" else "好的，这个岗位不再推荐给您",
          "success")
    return redirect(url_for("seeker.offers")), 303


# --------------------------------------------------------------------------------------------------------
# Messages, work, subsidies


@blueprint.get("/messages")
def messages():
    """消息: the in-app inbox, unread first."""
    with _runtime().db.session() as db:
        found = inbox.inbox(db, user=current_user.user, limit=100)
    found.sort(key=lambda m: (m.read_at is not None, -m.id))
    return render_template("seeker/messages.html", messages=found, form=ActionForm(formdata=None))


@blueprint.post("/messages/<int:message_id>/read")
def read(message_id: int):
    form = ActionForm()
    if form.validate_on_submit():
        with _runtime().db.transaction() as db:
            inbox.mark_read(db, user=current_user.user, message_id=message_id, now=now_utc())
    return redirect(url_for("seeker.messages")), 303


@blueprint.get("/work")
def work():
    """我的工作: placements with their employment checks, and the trips (dispatches) the seeker is on."""
    with _runtime().db.session() as db:
        jobs, trips = mine.my_work(db, current_user.user)
    return render_template("seeker/work.html", jobs=jobs, trips=trips)


@blueprint.get("/subsidies")
def subsidies():
    """我的补贴: transport subsidies and the referral subsidy paid for them, with status, amount and policy."""
    with _runtime().db.session() as db:
        found = mine.my_subsidies(db, current_user.user)
    return render_template("seeker/subsidies.html", subsidies=found)


# --------------------------------------------------------------------------------------------------------
# My information


@blueprint.route("/info", methods=["GET", "POST"])
def info():
    """我的信息: what they want (an edit re-matches them at once), channels, ID and phone masked."""
    runtime = _runtime()
    with runtime.db.session() as db:
        shown = mine.my_info(db, current_user.user, vault=runtime.vault)
    if request.method == "GET":
        form = InfoForm(formdata=None, jobs="、".join(shown.jobs), places="、".join(shown.places),
                        wage_min=shown.wage_min, wage_max=shown.wage_max, training=shown.training, sms=shown.sms)
        return render_template("seeker/info.html", form=form, info=shown)
    form = InfoForm()
    if form.validate_on_submit():
        wishes = Wishes(jobs=form.jobs.data or "", places=form.places.data or "", wage_min=form.wage_min.data,
                        wage_max=form.wage_max.data, training=bool(form.training.data), sms=bool(form.sms.data))
        try:
            with runtime.db.transaction() as db:
                update_wishes(db, runtime.vault, person_id=current_user.user.person_id, wishes=wishes,
                              actor=current_user.user, today=china_today())
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash("已保存，并按新的意愿为您重新推荐了岗位", "success")
            return redirect(url_for("seeker.info")), 303
    return render_template("seeker/info.html", form=form, info=shown), 422
