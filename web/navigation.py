"""The menu each role sees. The role workspaces add their pages here; a page a role may not open is never
offered to it (the server still refuses it: the menu is a convenience, not the check)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import url_for

from jobs.storage.clock import CHINA
from jobs.storage.enums import Role


@dataclass(frozen=True)
class Item:
    endpoint: str
    label: str

    @property
    def url(self) -> str:
        return url_for(self.endpoint)


HOME = Item("pages.home", "首页")
MENUS: dict[Role, tuple[Item, ...]] = {
    Role.ADMIN: (
        HOME,
        Item("admin.users", "用户"),
        Item("admin.organisations", "机构"),
        Item("admin.policies", "政策文件"),
        Item("admin.audit_log", "审计日志"),
        Item("service.runs", "调度运行"),
        Item("service.outbox", "消息发送"),
    ),
    Role.COUNTY_STAFF: (
        HOME,
        Item("county.dashboard", "工作台"),
        Item("people.search", "劳动力"),
        Item("placements.index", "就业安置"),
        Item("county.claims", "补贴审核"),
        Item("county.upload_demand", "上传清单"),
        Item("alerts.index", "预警"),
        Item("county.downloads", "公示与台账"),
        Item("county.interest", "求职者意向"),
    ),
    Role.BROKER: (
        HOME,
        Item("broker.served", "服务对象"),
        Item("broker.posts", "岗位与推荐"),
        Item("placements.index", "就业安置"),
        Item("broker.dispatches", "劳务输出"),
        Item("broker.claims", "补贴申领"),
        Item("broker.interest", "求职者意向"),
    ),
    Role.WORKSTATION_STAFF: (
        HOME,
        Item("placements.index", "就业安置"),
        Item("station.checks", "稳岗核实"),
        Item("station.arrivals", "到达登记"),
        Item("station.supply_lists", "岗位清单"),
        Item("station.posts", "岗位"),
        Item("station.employers", "用人单位"),
    ),
    Role.SEEKER: (HOME,),
}


def menu_for(role: Role) -> tuple[Item, ...]:
    return MENUS.get(role, (HOME,))


def init_app(app) -> None:
    """Give every template the signed-in user's menu and the shell's filters."""
    from flask_login import current_user

    @app.context_processor
    def _menu():
        # Until a forced password change is done every other page redirects to it, so no menu is offered.
        if current_user.is_authenticated and not current_user.user.must_change_password:
            return {"menu": menu_for(current_user.role)}
        return {"menu": ()}

    @app.template_filter("china_time")
    def _china_time(moment) -> str:
        """A stored UTC timestamp as China time, to the minute; empty for none."""
        if moment is None:
            return "—"
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
