"""The pages' forms (Flask-WTF: every form carries the CSRF token). Every message is Chinese.

A use case's :class:`~jobs.errors.InvalidInput` is shown next to the fields it names with :func:`show_errors`,
so a form keeps what the user typed and says what is wrong where it is wrong.
"""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional

from jobs.errors import InvalidInput
from jobs.storage.enums import (
    ArrivalStatus,
    Channel,
    CheckEvidence,
    EmploymentStatus,
    EmploymentType,
    EndReason,
    LabourAbility,
    OrganisationKind,
    OutboxStatus,
    PersonCategory,
    PlacementStatus,
    PostStatus,
    Role,
    RunStatus,
    TransportMode,
)


class _Chinese:
    """WTForms' built-in messages (a failed parse, a bad choice, the CSRF token) in Chinese."""

    MESSAGES = {
        "Not a valid choice.": "请从列表中选择",
        "Not a valid choice": "请从列表中选择",
        "Invalid Choice: could not coerce.": "请从列表中选择",
        "Not a valid date value.": "日期格式应为 年-月-日，如 2026-11-30",
        "Not a valid integer value.": "应填写整数",
        "Not a valid decimal value.": "应填写金额数字，如 3600 或 3600.50",
        "Not a valid time value.": "时间格式应为 时:分，如 07:30",
        "This field is required.": "此项必填",
        "The CSRF token is missing.": "页面缺少安全校验码，请刷新后重新提交",
        "The CSRF token is invalid.": "安全校验码无效，请刷新后重新提交",
        "The CSRF token has expired.": "页面已过期，请刷新后重新提交",
        "The CSRF tokens do not match.": "安全校验码不匹配，请刷新后重新提交",
    }

    def gettext(self, string: str) -> str:
        return self.MESSAGES.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


class Form(FlaskForm):
    """The base of every form: Chinese built-in messages."""

    class Meta:
        def get_translations(self, form):
            return _Chinese()


def required(label: str) -> DataRequired:
    return DataRequired(message=f"请填写{label}")


class LoginForm(Form):
    username = StringField("用户名", validators=[required("用户名"), Length(max=64, message="用户名过长")])
    password = PasswordField("密码", validators=[required("密码"), Length(max=256, message="密码过长")])
    submit = SubmitField("登录")


class ChangePasswordForm(Form):
    current = PasswordField("当前密码", validators=[required("当前密码")])
    new = PasswordField("新密码", validators=[required("新密码"), Length(max=256, message="密码过长")],
                        description="至少 10 个字符，同时包含字母、数字、符号中的至少两种，不能包含用户名")
    confirm = PasswordField("再次输入新密码", validators=[required("确认密码"), EqualTo("new", message="两次输入的新密码不一致")])
    submit = SubmitField("修改密码")


STAFF_ROLES = [Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF, Role.ADMIN, Role.SEEKER]


class UserForm(Form):
    username = StringField("用户名", validators=[required("用户名"), Length(min=3, max=64, message="用户名需 3 到 64 个字符")],
                           description="小写字母、数字和 . _ -，登录时使用")
    display_name = StringField("姓名", validators=[Optional(), Length(max=64, message="姓名不能超过 64 个字")])
    role = SelectField("角色", choices=[SelectChoice(r.value, r.label) for r in STAFF_ROLES])
    organisation = SelectField("所属机构", coerce=int, validate_choice=False,
                               description="工作人员必填；求职者不填")
    id_number = StringField("身份证号", validators=[Optional(), Length(max=18, message="身份证号为 18 位")],
                            description="仅求职者账号填写，须是已登记的劳动力")
    submit = SubmitField("添加用户")


class OrganisationForm(Form):
    name = StringField("机构名称", validators=[required("机构名称"), Length(max=128, message="机构名称不能超过 128 个字")])
    kind = SelectField("机构类型", choices=[SelectChoice(k.value, k.label) for k in OrganisationKind])
    region = StringField("所在地区", validators=[required("所在地区")],
                         description="行政区划代码或名称，如 430182 或 宁乡市；省级填 43，地市级填 4301")
    submit = SubmitField("添加机构")


class PolicyUploadForm(Form):
    file = FileField("政策文件（YAML）")
    check = SubmitField("只校验")
    load = SubmitField("校验并载入")


class WhichPackForm(Form):
    """Read-only question asked with GET: no CSRF token needed since nothing changes."""

    class Meta:
        csrf = False

    region = StringField("县（市、区）", validators=[required("县级行政区划代码或名称")])
    day = DateField("日期", validators=[Optional()], format="%Y-%m-%d", description="不填为今天")
    submit = SubmitField("查询")

    def day_or(self, today: dt.date) -> dt.date:
        return self.day.data or today


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    actor = StringField("操作人", validators=[Optional(), Length(max=64, message="操作人过长")])
    action = StringField("操作", validators=[Optional(), Length(max=64, message="操作名过长")])
    object_type = StringField("对象类型", validators=[Optional(), Length(max=64, message="对象类型过长")])
    date_from = DateField("起始日期", validators=[Optional()], format="%Y-%m-%d")
    date_to = DateField("截止日期", validators=[Optional()], format="%Y-%m-%d")
    submit = SubmitField("筛选")


def show_errors(form: Form, error: InvalidInput, *, aliases: dict[str, str] | None = None) -> None:
    """Attach a use case's field errors to the form's fields (under ``aliases`` when names differ); what
    names no field is shown above the form."""
    aliases = aliases or {}
    unplaced = []
    for name, messages in error.fields.items():
        field = getattr(form, aliases.get(name, name), None)
        if field is None:
            unplaced.extend(messages)
            continue
        field.errors = [*field.errors, *messages]
    if not error.fields or unplaced:
        form.form_errors = [*form.form_errors, *(unplaced or [error.message])]


def _choices(enum, blank: str = "（全部）") -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [SelectChoice(member.value, member.label) for member in enum]


class PeopleSearchForm(Form):
    """A read-only search asked with GET: no CSRF token since nothing changes."""

    class Meta:
        csrf = False

    name = StringField("姓名", validators=[Optional(), Length(max=32, message="姓名过长")])
    id_tail = StringField("身份证号后4位", validators=[Optional(), Length(min=4, max=4, message="请输入身份证号后4位")])
    village = StringField("村（组）", validators=[Optional(), Length(max=64, message="地址过长")])
    status = SelectField("就业状态", choices=_choices(EmploymentStatus), validators=[Optional()])
    category = SelectField("人员类别", choices=_choices(PersonCategory), validators=[Optional()])
    ability = SelectField("劳动能力", choices=_choices(LabourAbility), validators=[Optional()])
    wanted = StringField("意向工种", validators=[Optional(), Length(max=32, message="工种过长")])
    submit = SubmitField("查询")


class RevealForm(Form):
    reason = StringField("查看原因", validators=[required("查看原因"), Length(max=200, message="原因不能超过 200 个字")],
                         description="如：电话联系本人核实就业情况；查看记入审计日志")
    what = SelectField("查看内容", choices=[SelectChoice("phone", "手机号"), SelectChoice("id_number", "身份证号"),
                                          SelectChoice("both", "身份证号和手机号")])
    submit = SubmitField("查看完整号码")


class ActionForm(Form):
    """A button that changes something: only the CSRF token."""

    submit = SubmitField("确定")


class RejectForm(Form):
    reason = StringField("驳回原因", validators=[required("驳回原因"), Length(max=500, message="原因不能超过 500 个字")])
    submit = SubmitField("驳回")


class PayForm(Form):
    reference = StringField("支付凭证号", validators=[required("支付凭证号"), Length(max=64, message="凭证号过长")])
    paid_on = DateField("发放日期", validators=[InputRequired(message="请填写发放日期")], format="%Y-%m-%d")
    submit = SubmitField("登记发放")


class CheckForm(Form):
    check_date = DateField("核实日期", validators=[InputRequired(message="请填写核实日期")], format="%Y-%m-%d")
    employed = SelectField("是否在岗", choices=[SelectChoice("yes", "在岗"), SelectChoice("no", "不在岗")])
    evidence = SelectField("核实方式", choices=_choices(CheckEvidence, "（不填）"), validators=[Optional()])
    submit = SubmitField("记录核实")


class JobLossForm(Form):
    end_date = DateField("离岗日期", validators=[InputRequired(message="请填写离岗日期")], format="%Y-%m-%d")
    reason = SelectField("离岗原因", choices=[SelectChoice(r.value, r.label) for r in EndReason])
    submit = SubmitField("报告离岗")


class CheckInForm(Form):
    arrival = SelectField("到岗情况", choices=[SelectChoice(a.value, a.label) for a in ArrivalStatus
                                            if a is not ArrivalStatus.EXPECTED])
    submit = SubmitField("登记")


class RecommendForm(Form):
    person_id = SelectField("推荐人员", coerce=int, validate_choice=False)
    submit = SubmitField("推荐上岗")


class RecommendAsForm(RecommendForm):
    """Recommending in the name of one of the user's own brokers (a choice when the organisation has several)."""

    broker_id = SelectField("以哪位经纪人名义推荐", coerce=int, validate_choice=True)


class DispatchForm(Form):
    """A new organised dispatch; the names are the use case's, so its field errors land next to the fields."""

    organiser_broker_id = SelectField("组织经纪人", coerce=int, validate_choice=True)
    departure_date = DateField("出发日期", validators=[InputRequired(message="请填写出发日期")], format="%Y-%m-%d")
    departure_time = TimeField("集合出发时间", validators=[Optional()], format="%H:%M", description="如 07:30，北京时间")
    origin_region_code = StringField("出发地", validators=[required("出发地")],
                                     description="行政区划代码或名称，如 430182 或 宁乡市")
    destination_region_code = StringField("目的地", validators=[required("目的地")],
                                          description="行政区划代码或名称，如 441900 或 东莞市")
    transport = SelectField("交通方式", choices=[SelectChoice(t.value, t.label) for t in TransportMode])
    vehicle = StringField("车辆或车次", validators=[Optional(), Length(max=128, message="不能超过 128 个字")],
                          description="如 湘A·12345 大巴；或 G1234 次列车")
    meeting_point = StringField("集合地点", validators=[Optional(), Length(max=128, message="不能超过 128 个字")],
                                description="如 宁乡汽车站东广场；出行人员在手机上可以看到")
    escort = StringField("带队人及联系电话", validators=[Optional(), Length(max=128, message="不能超过 128 个字")],
                         description="如 刘建国 138****5678，出行人员可联系此人")
    total_cost = DecimalField("包车总费用（元）", places=2, validators=[Optional()],
                              description="包车出行时填写，人均费用按实际出行人数分摊")
    external_key = StringField("批次编号", validators=[Optional(), Length(max=64, message="不能超过 64 个字")],
                               description="不填则按系统编号")
    submit = SubmitField("创建批次")


class PassengerForm(Form):
    choice = SelectField("出行人员", validate_choice=False, description="本机构推荐或录用的人员在前，其后是匹配到岗位的人员")
    submit = SubmitField("加入批次")


class RunFilterForm(Form):
    class Meta:
        csrf = False

    job = SelectField("任务", validate_choice=False)
    status = SelectField("状态", choices=_choices(RunStatus), validators=[Optional()])
    submit = SubmitField("筛选")


class OutboxFilterForm(Form):
    class Meta:
        csrf = False

    status = SelectField("状态", choices=_choices(OutboxStatus), validators=[Optional()])
    channel = SelectField("渠道", choices=_choices(Channel), validators=[Optional()])
    kind = StringField("消息类型", validators=[Optional(), Length(max=32, message="类型过长")])
    submit = SubmitField("筛选")
class UploadCheckForm(Form):
    """The first step of a list upload: the file is checked, nothing is stored yet."""

    file = FileField("清单文件（xlsx 或 csv）")
    list_name = StringField("清单名称", validators=[Optional(), Length(max=128, message="清单名称过长")],
                            description="不填则取文件中的清单名称或文件名")
    period = StringField("清单期间", validators=[Optional(), Length(max=32, message="期间过长")],
                         description="如 2026；不填则取文件中的期间或今年")
    submit = SubmitField("上传并校验")


class ConfirmUploadForm(Form):
    confirm_changes = BooleanField("同时修改已有就业安置或补贴的人员信息（否则这些行保持原样）")
    submit = SubmitField("确认导入")


class KeptListFilterForm(Form):
    """A read-only filter asked with GET: no CSRF token since nothing changes."""

    class Meta:
        csrf = False

    text = StringField("查找", validators=[Optional(), Length(max=64, message="查找内容过长")])
    status = SelectField("岗位状态", choices=_choices(PostStatus), validators=[Optional()])
    submit = SubmitField("筛选")


class EmployerForm(Form):
    name = StringField("单位名称", validators=[required("单位名称"), Length(max=128, message="单位名称不能超过 128 个字")])
    credit_code = StringField("统一社会信用代码", validators=[Optional(), Length(max=18, message="统一社会信用代码为 18 位")],
                              description="18 位，没有可不填")
    submit = SubmitField("保存")


class PostForm(Form):
    title = StringField("岗位名称", validators=[required("岗位名称"), Length(max=128, message="岗位名称不能超过 128 个字")])
    headcount = IntegerField("招聘人数", validators=[Optional()], description="不填为不限")
    wage_min = IntegerField("月薪下限（元）", validators=[Optional()])
    wage_max = IntegerField("月薪上限（元）", validators=[Optional()])
    age_min = IntegerField("年龄下限", validators=[Optional()])
    age_max = IntegerField("年龄上限", validators=[Optional()])
    education = StringField("学历要求", validators=[Optional(), Length(max=32, message="学历要求过长")],
                            description="如 初中、高中、不限")
    skills_required = TextAreaField("技能要求", validators=[Optional(), Length(max=2000, message="技能要求过长")])
    address = StringField("工作地址", validators=[Optional(), Length(max=256, message="工作地址过长")])
    contact_name = StringField("联系人", validators=[Optional(), Length(max=64, message="联系人过长")])
    closing_date = DateField("截止日期", validators=[Optional()], format="%Y-%m-%d")
    board = BooleanField("包吃")
    lodging = BooleanField("包住")
    notes = TextAreaField("备注", validators=[Optional(), Length(max=2000, message="备注过长")])
    submit = SubmitField("保存")


class PlacementFilterForm(Form):
    """A read-only filter asked with GET: no CSRF token since nothing changes."""

    class Meta:
        csrf = False

    text = StringField("查找", validators=[Optional(), Length(max=64, message="查找内容过长")],
                       description="姓名、用人单位或岗位")
    status = SelectField("安置状态", choices=_choices(PlacementStatus), validators=[Optional()])
    submit = SubmitField("筛选")


class HireForm(Form):
    """录用: the names are the use case's, so its field errors land next to the fields."""

    start_date = DateField("上岗日期", validators=[InputRequired(message="请填写上岗日期")], format="%Y-%m-%d")
    contract_months = IntegerField("劳动合同期限（月）", validators=[Optional()], description="未签合同可不填")
    employment_type = SelectField("用工方式", choices=[SelectChoice(t.value, t.label) for t in EmploymentType])
    social_insurance = BooleanField("已参加社会保险")
    round_trip_cost = DecimalField("往返交通费（元）", places=2, validators=[Optional()],
                                   description="申领交通补贴时填写，如 460 或 460.50")
    round_trip_evidence = StringField("交通费凭证", validators=[Optional(), Length(max=256, message="不能超过 256 个字")],
                                      description="如 车票号、包车发票号")
    submit = SubmitField("录用")


class CancelPlacementForm(Form):
    reason = StringField("取消原因", validators=[required("取消原因"), Length(max=200, message="原因不能超过 200 个字")])
    submit = SubmitField("取消安置")
