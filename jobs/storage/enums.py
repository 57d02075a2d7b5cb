"""The domain's vocabularies. Values users see in spreadsheets are Chinese; workflow states are English codes.

Each enum carries a Chinese ``label`` for screens and messages.
"""

from __future__ import annotations

import enum


class _Labelled(enum.StrEnum):
    """A string enum whose members have a Chinese label (the value itself when it is already Chinese)."""

    @property
    def label(self) -> str:
        return _LABELS.get((type(self), self.value), str(self.value))


class PersonCategory(_Labelled):
    """人员类别 (docs/policies.md, "Person categories")."""

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
    WITHDRAWN = "withdrawn"


class WithdrawnReason(_Labelled):
    """Why an offer was taken back; it decides whether the offer may come back (jobs.placements.matches)."""

    POST_FULL = "post_full"
    POST_CLOSED = "post_closed"
    PLACED_ELSEWHERE = "placed_elsewhere"
    PLACEMENT_ENDED = "placement_ended"


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
    """docs/policies.md, "Claim status"; the last four are the approval workflow."""

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


class TaskStatus(_Labelled):
    """State of a long action started from a page (a list import, a re-matching run)."""

    STAGED = "staged"  # an upload checked and kept, waiting for the user to confirm
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


# Keyed by (enum class, value): members of different enums may share a value (Role.BROKER and
# OrganisationKind.BROKER are both "broker") and StrEnum members with equal values are equal dict keys.
_LABELS: dict[tuple[type, str], str] = {
    (TaskStatus, TaskStatus.STAGED.value): "已校验，待确认",
    (TaskStatus, TaskStatus.QUEUED.value): "排队中",
    (TaskStatus, TaskStatus.RUNNING.value): "进行中",
    (TaskStatus, TaskStatus.DONE.value): "已完成",
    (TaskStatus, TaskStatus.FAILED.value): "未完成",
    (EmploymentStatus, EmploymentStatus.UNEMPLOYED.value): "未就业",
    (EmploymentStatus, EmploymentStatus.EMPLOYED.value): "已就业",
    (Role, Role.ADMIN.value): "管理员",
    (Role, Role.COUNTY_STAFF.value): "县级工作人员",
    (Role, Role.WORKSTATION_STAFF.value): "劳务工作站工作人员",
    (Role, Role.BROKER.value): "劳务经纪人",
    (Role, Role.SEEKER.value): "求职者",
    (OrganisationKind, OrganisationKind.HR_BUREAU.value): "人力资源和社会保障局",
    (OrganisationKind, OrganisationKind.COUNTY_OFFICE.value): "县级帮扶部门",
    (OrganisationKind, OrganisationKind.WORKSTATION.value): "劳务工作站",
    (OrganisationKind, OrganisationKind.BROKER.value): "劳务经纪机构",
    (BrokerKind, BrokerKind.INDIVIDUAL.value): "劳务经纪人",
    (BrokerKind, BrokerKind.AGENCY.value): "人力资源服务机构",
    (PostStatus, PostStatus.OPEN.value): "招聘中",
    (PostStatus, PostStatus.CLOSED.value): "已关闭",
    (PostStatus, PostStatus.FILLED.value): "已招满",
    (MatchStatus, MatchStatus.PROPOSED.value): "已匹配",
    (MatchStatus, MatchStatus.PUSHED.value): "已推送",
    (MatchStatus, MatchStatus.INTERESTED.value): "有意向",
    (MatchStatus, MatchStatus.DECLINED.value): "已谢绝",
    (MatchStatus, MatchStatus.PLACED.value): "已上岗",
    (MatchStatus, MatchStatus.WITHDRAWN.value): "已撤回",
    (WithdrawnReason, WithdrawnReason.POST_FULL.value): "岗位已招满",
    (WithdrawnReason, WithdrawnReason.POST_CLOSED.value): "岗位已关闭",
    (WithdrawnReason, WithdrawnReason.PLACED_ELSEWHERE.value): "劳动力已就业或暂不求职",
    (WithdrawnReason, WithdrawnReason.PLACEMENT_ENDED.value): "该岗位的就业安置已取消或结束",
    (PlacementStatus, PlacementStatus.PROPOSED.value): "已推荐",
    (PlacementStatus, PlacementStatus.HIRED.value): "已录用",
    (PlacementStatus, PlacementStatus.ACTIVE.value): "在岗",
    (PlacementStatus, PlacementStatus.ENDED.value): "已离岗",
    (PlacementStatus, PlacementStatus.CANCELLED.value): "已取消",
    (EmploymentType, EmploymentType.DIRECT.value): "直接用工",
    (EmploymentType, EmploymentType.DISPATCH_AGENCY.value): "劳务派遣",
    (CheckEvidence, CheckEvidence.LABOUR_CONTRACT.value): "劳动合同",
    (CheckEvidence, CheckEvidence.SOCIAL_INSURANCE.value): "社保缴费记录",
    (CheckEvidence, CheckEvidence.WAGE_SLIPS.value): "工资流水",
    (CheckEvidence, CheckEvidence.STAFF_VISIT.value): "工作人员走访",
    (CheckEvidence, CheckEvidence.PHONE_CALL.value): "电话核实",
    (EndReason, EndReason.QUIT.value): "主动离职",
    (EndReason, EndReason.DISMISSED.value): "被辞退",
    (EndReason, EndReason.CONTRACT_ENDED.value): "合同期满",
    (EndReason, EndReason.INJURED.value): "工伤或疾病",
    (EndReason, EndReason.EMPLOYER_CLOSED.value): "单位停工或关闭",
    (EndReason, EndReason.OTHER.value): "其他原因",
    (DispatchStatus, DispatchStatus.PLANNED.value): "计划中",
    (DispatchStatus, DispatchStatus.DEPARTED.value): "已出发",
    (DispatchStatus, DispatchStatus.ARRIVED.value): "已到达",
    (DispatchStatus, DispatchStatus.CLOSED.value): "已结束",
    (DispatchStatus, DispatchStatus.CANCELLED.value): "已取消",
    (TransportMode, TransportMode.CHARTERED_COACH.value): "包车",
    (TransportMode, TransportMode.TRAIN.value): "火车",
    (TransportMode, TransportMode.PLANE.value): "飞机",
    (TransportMode, TransportMode.OWN.value): "自行前往",
    (ArrivalStatus, ArrivalStatus.EXPECTED.value): "待报到",
    (ArrivalStatus, ArrivalStatus.ARRIVED.value): "已到达",
    (ArrivalStatus, ArrivalStatus.DID_NOT_TRAVEL.value): "未出行",
    (ArrivalStatus, ArrivalStatus.LEFT_EN_ROUTE.value): "中途离队",
    (ClaimKind, ClaimKind.REFERRAL.value): "就业创业服务补助",
    (ClaimKind, ClaimKind.TRANSPORT.value): "一次性交通补助",
    (ClaimStatus, ClaimStatus.PENDING.value): "待达标",
    (ClaimStatus, ClaimStatus.ELIGIBLE.value): "符合条件",
    (ClaimStatus, ClaimStatus.INELIGIBLE.value): "不符合条件",
    (ClaimStatus, ClaimStatus.NEEDS_LOCAL_STANDARD.value): "待地方标准",
    (ClaimStatus, ClaimStatus.NO_POLICY.value): "无适用政策",
    (ClaimStatus, ClaimStatus.APPROVED.value): "已审核",
    (ClaimStatus, ClaimStatus.PAID.value): "已发放",
    (ClaimStatus, ClaimStatus.REJECTED.value): "已驳回",
    (ClaimStatus, ClaimStatus.REVOKED.value): "已撤销",
    (PushKind, PushKind.JOB.value): "岗位信息",
    (PushKind, PushKind.TRAINING.value): "培训信息",
    (PushKind, PushKind.GUIDANCE.value): "职业指导",
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

