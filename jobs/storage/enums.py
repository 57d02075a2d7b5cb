"""The domain's vocabularies. Values users see in spreadsheets are Chinese; workflow states are English codes.

Each enum carries a Chinese ``label`` for screens and messages.
"""

from __future__ import annotations

import enum


class _Labelled(enum.StrEnum):
    """A string enum whose members have a Chinese label (the value itself when it is already Chinese)."""

    @property
    def label(self) -> str:
        typed = _TYPED_LABELS.get((type(self), self.value))
        return typed if typed is not None else _LABELS.get(self, str(self.value))


class PersonCategory(_Labelled):
    """人员类别 (POLICIES.md, "Person categories")."""

    LIFTED_OUT_OF_POVERTY = "脱贫人口"  # formerly 建档立卡贫困人口
    MONITORED = "监测对象"  # 防返贫监测帮扶对象: 脱贫不稳定户, 边缘易致贫户, 突发严重困难户
    RURAL_LOW_INCOME = "农村低收入人口"
    OTHER = "其他"

    @property
    def is_priority(self) -> bool:
        """优先保障对象: 脱贫人口 and 监测对象 come first among equals."""
        return self in (PersonCategory.LIFTED_OUT_OF_POVERTY, PersonCategory.MONITORED)


class LabourAbility(_Labelled):
    """劳动能力."""

    FULL = "普通劳动力"
    WEAK = "弱劳动力"
    HALF = "半劳动力"
    NONE = "丧失劳动力"


class Sex(_Labelled):
    MALE = "男"
    FEMALE = "女"


class EmploymentStatus(_Labelled):
    UNEMPLOYED = "unemployed"
    EMPLOYED = "employed"


class LabourIntensity(_Labelled):
    LIGHT = "轻"
    MEDIUM = "中"
    HEAVY = "重"


class Role(_Labelled):
    ADMIN = "admin"
    COUNTY_STAFF = "county_staff"
    WORKSTATION_STAFF = "workstation_staff"
    BROKER = "broker"
    SEEKER = "seeker"


class OrganisationKind(_Labelled):
    HR_BUREAU = "hr_bureau"  # 人力资源和社会保障局 (administrators)
    COUNTY_OFFICE = "county_office"  # 输出地县级人社或乡村振兴部门
    WORKSTATION = "workstation"  # 劳务工作站
    BROKER = "broker"  # 劳务经纪人 / 人力资源服务机构


class BrokerKind(_Labelled):
    INDIVIDUAL = "individual"
    AGENCY = "agency"


class PostStatus(_Labelled):
    OPEN = "open"
    CLOSED = "closed"
    FILLED = "filled"


class MatchStatus(_Labelled):
    PROPOSED = "proposed"
    PUSHED = "pushed"
    INTERESTED = "interested"
    DECLINED = "declined"
    PLACED = "placed"


class PlacementStatus(_Labelled):
    PROPOSED = "proposed"
    HIRED = "hired"
    ACTIVE = "active"
    ENDED = "ended"
    CANCELLED = "cancelled"


class EmploymentType(_Labelled):
    DIRECT = "direct"
    DISPATCH_AGENCY = "dispatch_agency"  # 劳务派遣


class CheckEvidence(_Labelled):
    LABOUR_CONTRACT = "labour_contract"
    SOCIAL_INSURANCE = "social_insurance"
    WAGE_SLIPS = "wage_slips"
    STAFF_VISIT = "staff_visit"
    PHONE_CALL = "phone_call"


class EndReason(_Labelled):
    QUIT = "quit"
    DISMISSED = "dismissed"
    CONTRACT_ENDED = "contract_ended"
    INJURED = "injured"
    EMPLOYER_CLOSED = "employer_closed"
    OTHER = "other"


class DispatchStatus(_Labelled):
    PLANNED = "planned"
    DEPARTED = "departed"
    ARRIVED = "arrived"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class TransportMode(_Labelled):
    CHARTERED_COACH = "chartered_coach"
    TRAIN = "train"
    PLANE = "plane"
    OWN = "own"


class ArrivalStatus(_Labelled):
    EXPECTED = "expected"
    ARRIVED = "arrived"
    DID_NOT_TRAVEL = "did_not_travel"
    LEFT_EN_ROUTE = "left_en_route"


class ClaimKind(_Labelled):
    REFERRAL = "referral"  # 就业创业服务补助
    TRANSPORT = "transport"  # 一次性交通补助


class ClaimStatus(_Labelled):
    """POLICIES.md, "Claim status"; the last four are the approval workflow."""

    PENDING = "pending"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    NEEDS_LOCAL_STANDARD = "needs_local_standard"
    NO_POLICY = "no_policy"
    APPROVED = "approved"
    PAID = "paid"
    REJECTED = "rejected"
    REVOKED = "revoked"


class PushKind(_Labelled):
    """The "311" service standard (湘人社规〔2021〕10号 第十三条)."""

    JOB = "job"
    TRAINING = "training"
    GUIDANCE = "guidance"


class Channel(_Labelled):
    """How a message reaches its reader: the in-app inbox (always), SMS (seekers, on by default), e-mail (staff)."""

    APP = "app"
    SMS = "sms"
    EMAIL = "email"


class OutboxStatus(_Labelled):
    """Delivery state of an outbox message: waiting (also during backoff and quiet hours), sent, or given up."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class RunStatus(_Labelled):
    """State of one scheduled job's run for one period."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


_LABELS: dict[enum.Enum, str] = {
    EmploymentStatus.UNEMPLOYED: "未就业",
    EmploymentStatus.EMPLOYED: "已就业",
    Role.ADMIN: "管理员",
    Role.COUNTY_STAFF: "县级工作人员",
    Role.WORKSTATION_STAFF: "劳务工作站工作人员",
    Role.BROKER: "劳务经纪人",
    Role.SEEKER: "求职者",
    OrganisationKind.HR_BUREAU: "人力资源和社会保障局",
    OrganisationKind.COUNTY_OFFICE: "县级帮扶部门",
    OrganisationKind.WORKSTATION: "劳务工作站",
    OrganisationKind.BROKER: "劳务经纪机构",
    BrokerKind.INDIVIDUAL: "劳务经纪人",
    BrokerKind.AGENCY: "人力资源服务机构",
    PostStatus.OPEN: "招聘中",
    PostStatus.CLOSED: "已关闭",
    PostStatus.FILLED: "已招满",
    MatchStatus.PROPOSED: "已匹配",
    MatchStatus.PUSHED: "已推送",
    MatchStatus.INTERESTED: "有意向",
    MatchStatus.DECLINED: "已谢绝",
    MatchStatus.PLACED: "已上岗",
    PlacementStatus.PROPOSED: "已推荐",
    PlacementStatus.HIRED: "已录用",
    PlacementStatus.ACTIVE: "在岗",
    PlacementStatus.ENDED: "已离岗",
    PlacementStatus.CANCELLED: "已取消",
    EmploymentType.DIRECT: "直接用工",
    EmploymentType.DISPATCH_AGENCY: "劳务派遣",
    CheckEvidence.LABOUR_CONTRACT: "劳动合同",
    CheckEvidence.SOCIAL_INSURANCE: "社保缴费记录",
    CheckEvidence.WAGE_SLIPS: "工资流水",
    CheckEvidence.STAFF_VISIT: "工作人员走访",
    CheckEvidence.PHONE_CALL: "电话核实",
    EndReason.QUIT: "主动离职",
    EndReason.DISMISSED: "被辞退",
    EndReason.CONTRACT_ENDED: "合同期满",
    EndReason.INJURED: "工伤或疾病",
    EndReason.EMPLOYER_CLOSED: "单位停工或关闭",
    EndReason.OTHER: "其他原因",
    DispatchStatus.PLANNED: "计划中",
    DispatchStatus.DEPARTED: "已出发",
    DispatchStatus.ARRIVED: "已到达",
    DispatchStatus.CLOSED: "已结束",
    DispatchStatus.CANCELLED: "已取消",
    TransportMode.CHARTERED_COACH: "包车",
    TransportMode.TRAIN: "火车",
    TransportMode.PLANE: "飞机",
    TransportMode.OWN: "自行前往",
    ArrivalStatus.EXPECTED: "待报到",
    ArrivalStatus.ARRIVED: "已到达",
    ArrivalStatus.DID_NOT_TRAVEL: "未出行",
    ArrivalStatus.LEFT_EN_ROUTE: "中途离队",
    ClaimKind.REFERRAL: "就业创业服务补助",
    ClaimKind.TRANSPORT: "一次性交通补助",
    ClaimStatus.PENDING: "待达标",
    ClaimStatus.ELIGIBLE: "符合条件",
    ClaimStatus.INELIGIBLE: "不符合条件",
    ClaimStatus.NEEDS_LOCAL_STANDARD: "待地方标准",
    ClaimStatus.NO_POLICY: "无适用政策",
    ClaimStatus.APPROVED: "已审核",
    ClaimStatus.PAID: "已发放",
    ClaimStatus.REJECTED: "已驳回",
    ClaimStatus.REVOKED: "已撤销",
    PushKind.JOB: "岗位信息",
    PushKind.TRAINING: "培训信息",
    PushKind.GUIDANCE: "职业指导",
}

# String enums equal their values, so members of different enums sharing a value ("pending", "failed") would
# be one key of ``_LABELS``: these vocabularies are keyed by (enum, value) instead.
_TYPED_LABELS: dict[tuple[type, str], str] = {
    (Channel, "app"): "站内消息",
    (Channel, "sms"): "短信",
    (Channel, "email"): "电子邮件",
    (OutboxStatus, "pending"): "待发送",
    (OutboxStatus, "sent"): "已发送",
    (OutboxStatus, "failed"): "发送失败",
    (RunStatus, "running"): "运行中",
    (RunStatus, "done"): "已完成",
    (RunStatus, "failed"): "失败",
}
