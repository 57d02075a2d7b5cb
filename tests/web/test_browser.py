"""A real browser: Debian's chromium, driven by Playwright, against the app served by waitress on 127.0.0.1.

Each role of the demo world signs in with its generated password, is made to choose its own, lands on its home
page and walks its menu; an administrator also walks the admin pages. Screenshots go to the test's temporary
folder (``pytest --basetemp=DIR`` keeps them somewhere known). Skipped, saying why, only where no chromium is
installed (``apt-get install chromium``; Playwright's own browser download is not used).
"""

from __future__ import annotations

import os
import re
import socket
import threading
from collections.abc import Iterator

import pytest
import waitress
from playwright.sync_api import Page, expect, sync_playwright

from jobs.access.demo_accounts import DemoAccount, create_demo_accounts
from jobs.demo import build_demo
from jobs.placements.matches import run_matching
from jobs.service.outbox import Channels, deliver_due
from jobs.storage.clock import now_utc
from jobs.storage.enums import Role
from scheduler.definitions import JOBS
from scheduler.runner import default_moment, run_at
from tests.factories import TODAY
from tests.jobs.lists.gallery import supply_list

CHROMIUM = os.environ.get("BANGFU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
NEW_PASSWORD = "Wode-xin-mima-2026"
LAPTOP = {"width": 1280, "height": 860}
TABLET = {"width": 820, "height": 1180}
# Served for at most this long even if a test hangs: the server stops by itself.
SERVER_DEADLINE_SECONDS = 300

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no chromium at {CHROMIUM} (install it: apt-get install chromium)"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def demo_accounts(runtime) -> list[DemoAccount]:
    with runtime.db.transaction() as session:
        build_demo(session, runtime.vault, today=TODAY, workers=60, posts=20)
    with runtime.db.writer() as session:
        run_matching(session, vault=runtime.vault, today=TODAY)
    with runtime.db.transaction() as session:
        made = create_demo_accounts(session, runtime.vault)
    # The service has run once, so the alerts, the inbox, the runs and the outbox have something to show.
    for job in (j for j in JOBS if j.name in ("job-loss", "checks-due")):
        run_at(job, db=runtime.db, vault=runtime.vault, moment=default_moment(job, TODAY))
    deliver_due(runtime.db, Channels(vault=runtime.vault), now=now_utc())
    return made


@pytest.fixture
def served(app, demo_accounts) -> Iterator[str]:
    """The app on a free loopback port over plain HTTP, as the local demo is (so the cookie is not Secure)."""
    app.config["SESSION_COOKIE_SECURE"] = False
    server = waitress.create_server(app, host="127.0.0.1", port=free_port(), threads=4, ident="bangfu-test")
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:
            # Closing the sockets from another thread can interrupt the loop's select() with EBADF; that is
            # the stop asked for, anything else is a real failure.
            if not stopping.is_set():
                raise

    def stop() -> None:
        stopping.set()
        server.close()

    thread = threading.Thread(target=run, name="bangfu-test-server", daemon=True)
    thread.start()
    stopper = threading.Timer(SERVER_DEADLINE_SECONDS, stop)
    stopper.daemon = True
    stopper.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopper.cancel()
        stop()
        thread.join(timeout=10)


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def first_sign_in(page: Page, base: str, account: DemoAccount, shots, name: str) -> None:
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))
    shots(f"{name}-0-login")
    page.fill("#username", account.username)
    page.fill("#password", account.password)
    page.click("#submit")
    # A generated password: the first thing asked is a password of one's own.
    expect(page).to_have_url(re.compile(r"/account/password$"))
    page.fill("#current", account.password)
    page.fill("#new", "short")
    page.fill("#confirm", "short")
    page.click("#submit")
    expect(page.locator(".field .error").first).to_contain_text("密码至少需要 10 个字符")
    shots(f"{name}-1-weak-password")
    page.fill("#current", account.password)
    page.fill("#new", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    page.click("#submit")
    expect(page).to_have_url(f"{base}/")
    expect(page.locator(".flash.success")).to_contain_text("密码已修改")


def test_each_role_signs_in_changes_its_password_and_walks_its_pages(served, browser, demo_accounts, tmp_path):
    # One server and one demo world for every role (building the world is the slow part); a fresh browser
    # context, so fresh cookies, per role.
    for role in Role:
        walk(served, browser, next(a for a in demo_accounts if a.role is role), tmp_path, LAPTOP)
    # The pages are also meant for a tablet.
    walk(served, browser, next(a for a in demo_accounts if a.role is Role.SEEKER and a.username == "seeker2"),
         tmp_path, TABLET, prefix="tablet-")


def supply_upload_and_post_edit(page: Page, served: str, shots, name: str, folder) -> None:
    """A workstation uploads a supply list with a bad row: sees the row's errors, downloads the error report,
    confirms, follows the import to its end; then edits a post (a refused value first) and closes one."""
    page.goto(f"{served}/station/posts")
    page.click("a.button:text-is('上传岗位供给清单')")
    expect(page.locator("h1")).to_contain_text("上传岗位供给清单")
    page.set_input_files("#file", str(supply_list(folder)))
    page.fill("#list_name", "东莞市2026年第四季度岗位")
    page.click("#submit")
    expect(page.locator("#check-summary")).to_contain_text("有误 2")
    assert page.locator("table.row-errors tbody tr").count() >= 5
    shots(f"{name}-10-supply-checked")
    with page.expect_download() as download:
        page.click("a.button:text-is('下载错误报告（xlsx）')")
    assert download.value.suggested_filename.endswith("错误报告.xlsx")
    page.click("#submit:text-is('确认导入'), input[value='确认导入']")
    expect(page.locator("#task-status")).to_have_text("已完成")
    expect(page.locator("#task-result")).to_contain_text("导入完成")
    shots(f"{name}-11-supply-imported")
    page.goto(f"{served}/station/posts?text=普工")
    expect(page.locator("table.list tbody tr").first).to_contain_text("普工（长白班）")
    shots(f"{name}-12-posts")
    page.locator("table.list tbody a:text-is('修改')").first.click()
    expect(page.locator("h1")).to_contain_text("修改岗位")
    page.fill("#wage_min", "6000")
    page.fill("#wage_max", "5000")
    page.click("#submit")
    expect(page.locator(".field.has-error .error").first).to_contain_text("月薪上限不能低于下限")
    expect(page.locator("#wage_max")).to_have_value("5000")
    shots(f"{name}-13-post-refused")
    page.fill("#wage_max", "7500")
    page.click("#submit")
    expect(page.locator(".flash.success")).to_contain_text("已保存岗位")
    page.locator("table.list tbody button:text-is('关闭')").first.click()
    expect(page.locator(".flash.success")).to_contain_text("已关闭")
    shots(f"{name}-14-post-saved-and-closed")


def workspace_steps(page: Page, served: str, role: Role, shots, name: str, folder=None) -> None:
    """The main work of each staff role's workspace, beyond opening its menu."""
    if role is Role.COUNTY_STAFF:
        page.goto(f"{served}/county/")
        assert page.locator(".chart .bar-row").count() >= 1
        page.goto(f"{served}/people/")
        page.locator("table.list tbody a").first.click()
        expect(page.locator("main h2").first).to_contain_text("推荐岗位")
        page.fill("#reason", "电话核实就业情况")
        page.click("main form button:text-is('查看完整号码'), main form input[value='查看完整号码']")
        expect(page.locator(".flash.success")).to_contain_text("已显示完整号码")
        shots(f"{name}-10-person-revealed")
        county_alerts(page, served, shots, name)
        page.goto(f"{served}/county/downloads")
        with page.expect_download() as download:
            page.click("a.button[href$='notice.xlsx']")
        assert download.value.suggested_filename.startswith("公示名单")
        page.click("button:text-is('重新匹配')")
        expect(page.locator("#task-status")).to_have_text("已完成")
        expect(page.locator("#task-result")).to_contain_text("已重新匹配")
        shots(f"{name}-11-rematched")
    elif role is Role.BROKER:
        page.goto(f"{served}/broker/")
        expect(page.locator("h1")).to_contain_text("服务对象")
        assert page.locator("table.list tbody tr").count() >= 1
        shots(f"{name}-7-served")
        broker_dispatch(page, served, shots, name)
    elif role is Role.WORKSTATION_STAFF:
        page.goto(f"{served}/station/checks")
        expect(page.locator("h1")).to_contain_text("稳岗核实")
        page.goto(f"{served}/station/arrivals")
        expect(page.locator("h1")).to_contain_text("到达登记")
        supply_upload_and_post_edit(page, served, shots, name, folder)


def county_alerts(page: Page, served: str, shots, name: str) -> None:
    """The county's alerts: job losses of its people and overdue employment checks, then the inbox."""
    page.click("nav.menu a:text-is('预警')")
    expect(page.locator("h1")).to_contain_text("预警")
    expect(page.locator("main h2").first).to_contain_text("就业转失业")
    expect(page.locator("main h2").nth(1)).to_contain_text("稳岗核实逾期")
    shots(f"{name}-8-alerts")
    page.click("header .who a.inbox-link")
    expect(page.locator("h1")).to_contain_text("站内消息")
    shots(f"{name}-9-inbox")


def broker_dispatch(page: Page, served: str, shots, name: str) -> None:
    """Plan a dispatch (a mistake first: the error shows by the field and the input stays), add a passenger,
    depart, and see the passengers waiting to be checked in."""
    page.click("nav.menu a:text-is('劳务输出')")
    page.click("main a:text-is('新建批次')")
    expect(page.locator("h1")).to_contain_text("新建劳务输出批次")
    page.fill("#departure_date", "2026-12-05")
    page.fill("#departure_time", "07:30")
    page.fill("#destination_region_code", "火星市")
    page.fill("#vehicle", "湘A·12345 大巴")
    page.fill("#meeting_point", "宁乡汽车站东广场")
    page.fill("#escort", "刘建国 138****5678")
    page.fill("#total_cost", "3600")
    page.click("#submit")
    expect(page.locator(".field.has-error .error")).to_contain_text("目的地")
    expect(page.locator("#meeting_point")).to_have_value("宁乡汽车站东广场")
    shots(f"{name}-8-dispatch-error")
    page.fill("#destination_region_code", "东莞市")
    page.click("#submit")
    expect(page.locator(".flash.success")).to_contain_text("已创建劳务输出批次")
    options = page.locator("#choice option")
    assert options.count() >= 2, "the broker has workers to take along"
    page.select_option("#choice", index=1)
    page.click("main form button:text-is('加入批次'), main form input[value='加入批次']")
    expect(page.locator(".flash.success")).to_contain_text("已加入批次")
    expect(page.locator("#passengers tbody tr")).to_have_count(1)
    shots(f"{name}-9-dispatch-planned")
    page.click("#depart")
    expect(page.locator(".flash.success")).to_contain_text("已登记出发")
    expect(page.locator("#passengers")).to_contain_text("待报到")
    shots(f"{name}-10-dispatch-departed")


def open_page(browser, viewport: dict, **options) -> tuple:
    """A fresh context and page, with the lists of what Chromium refused under the CSP and of files not found."""
    context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    missing: list[str] = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    return context, page, refused, missing


def walk(served: str, browser, account: DemoAccount, tmp_path, viewport: dict, prefix: str = "") -> None:
    role = account.role
    context, page, refused, missing = open_page(browser, viewport)

    def shots(name: str) -> None:
        page.screenshot(path=tmp_path / f"{name}.png", full_page=True)

    name = prefix + role.value
    first_sign_in(page, served, account, shots, name)
    expect(page.locator("h1")).to_contain_text("您好")
    expect(page.locator(".facts")).to_contain_text(role.label)
    if account.organisation:
        expect(page.locator(".facts")).to_contain_text(account.organisation)
    assert page.locator(".card").count() >= 3
    shots(f"{name}-2-home")
    menu = page.locator("nav.menu a")
    labels = menu.all_inner_texts()
    assert labels[0] == "首页"
    for number, label in enumerate(labels[1:], start=3):
        page.click(f"nav.menu a:text-is('{label}')")
        expect(page.locator("nav.menu a[aria-current=page]")).to_have_text(label)
        shots(f"{name}-{number}-{label}")
    workspace_steps(page, served, role, shots, name, tmp_path)
    if role is Role.ADMIN:
        page.goto(f"{served}/admin/policies/which?region=宁乡市&day=2024-03-01")
        expect(page.locator("main")).to_contain_text("湘人社规〔2021〕10号")
        shots(f"{name}-9-which-policy")
    else:
        response = page.goto(f"{served}/admin/users")
        assert response.status == 403
        expect(page.locator("h1")).to_contain_text("没有权限")
        shots(f"{name}-8-forbidden")
    page.goto(f"{served}/")
    page.click("button:text-is('退出')")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".flash")).to_contain_text("您已安全退出")
    # Chromium reports any refused inline script or style: the CSP allows only the app's own files, and every
    # file a page asks for (style sheet, icon) exists.
    assert not refused, refused
    assert not missing, missing
    context.close()
    assert len(list(tmp_path.glob(f"{name}-*.png"))) >= 4


PHONE = {"width": 390, "height": 844}


def test_a_seeker_signs_in_by_code_on_a_phone_says_yes_to_an_offer_and_the_broker_sees_it(served, browser,
                                                                                             demo_accounts, runtime,
                                                                                             tmp_path):
    """The phone pages at 390×844: sign-in with the code read from the outbox, offers with reasons, 感兴趣,
    messages, my information; then the demo broker finds the answer in its 求职者意向 queue."""
    import re as regex

    from sqlalchemy import select

    from jobs.storage.models import OutboxMessage

    account = next(a for a in demo_accounts if a.role is Role.SEEKER and a.phone)
    context, page, refused, missing = open_page(browser, PHONE, is_mobile=True, has_touch=True)

    def shots(name: str) -> None:
        page.screenshot(path=tmp_path / f"phone-{name}.png", full_page=True)
        # Nothing is wider than the phone: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name

    page.goto(f"{served}/m/")
    expect(page).to_have_url(regex.compile(r"/m/login$"))
    shots("0-login")
    page.fill("#phone", account.phone)
    page.click("#submit")
    expect(page).to_have_url(regex.compile(r"/m/login/code$"))
    with runtime.db.session() as session:
        body = session.scalars(select(OutboxMessage.body).where(OutboxMessage.kind == "login_code")
                               .order_by(OutboxMessage.id.desc())).first()
    code = regex.search(r"验证码是(\d{6})", body).group(1)
    shots("1-code")
    page.fill("#code", code)
    page.click("#submit")
    expect(page).to_have_url(f"{served}/m/")
    expect(page.locator("h1")).to_have_text("我的岗位推荐")
    first = page.locator("article.offer").first
    expect(first.locator(".why li").first).to_contain_text("您想做")
    title = first.locator("h2").inner_text()
    # The read-aloud button shows where the browser can speak (Chromium can), hidden otherwise.
    if page.evaluate("'speechSynthesis' in window"):
        expect(first.locator("button.speak")).to_be_visible()
    shots("2-offers")
    first.locator("summary").click()
    first.locator("input[name=reason]").fill("想学技术")
    first.locator("button.yes").click()
    expect(page.locator(".flash.success")).to_contain_text("经纪人")
    expect(page.locator("article.offer").first.locator(".done")).to_contain_text("您已表示感兴趣")
    shots("3-interested")
    for number, (tab, heading) in enumerate((("消息", "消息"), ("工作", "我的工作"), ("补贴", "我的补贴"),
                                             ("我的", "我的信息")), start=4):
        page.click(f"nav.tabs a:has-text('{tab}')")
        expect(page.locator("h1")).to_have_text(heading)
        expect(page.locator("nav.tabs a[aria-current=page]")).to_contain_text(tab)
        if number < 7:
            shots(f"{number}-{tab}")
    expect(page.locator("main")).to_contain_text("****")
    shots("7-info")
    page.fill("#jobs", "电焊工、普工")
    page.click("#submit")
    expect(page.locator(".flash.success")).to_contain_text("重新推荐")
    shots("8-info-saved")
    # The narrowest and the widest phones the pages are made for: nothing needs sideways scrolling.
    for width in (360, 414):
        page.set_viewport_size({"width": width, "height": 800})
        for path in ("/m/", "/m/messages", "/m/work", "/m/subsidies", "/m/info"):
            page.goto(f"{served}{path}")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (width, path)
    page.click("button:text-is('退出')")
    expect(page).to_have_url(regex.compile(r"/m/login$"))
    assert not refused, refused
    assert not missing, missing
    context.close()

    broker = next(a for a in demo_accounts if a.role is Role.BROKER)
    context, page, _refused, _missing = open_page(browser, LAPTOP)
    first_sign_in(page, served, broker, shots=lambda name: None, name="broker")
    page.click("nav.menu a:text-is('求职者意向')")
    row = page.locator("table.interest tbody tr").first
    expect(row).to_contain_text(title)
    expect(row).to_contain_text("想学技术")
    page.screenshot(path=tmp_path / "phone-9-broker-queue.png", full_page=True)
    context.close()
