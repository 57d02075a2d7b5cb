"""``bangfu serve``: the production WSGI server (waitress) on localhost."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from web.cli_support import runtime
from web.security import relax_cookie_for_local_demo


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=5000, show_default=True, type=int, help="端口")
@click.option("--threads", default=8, show_default=True, type=int, help="工作线程数")
@with_appcontext
def serve(host: str, port: int, threads: int) -> None:
    """用生产级 WSGI 服务器（waitress）提供网页服务。"""
    import waitress

    runtime()  # brings an embedded database up to date before the first request
    app = current_app._get_current_object()
    if relax_cookie_for_local_demo(app, host):
        click.echo("本机演示（http://、SQLite 数据库）：会话 Cookie 未加 Secure 标志，以便通过 http 登录。"
                   "正式部署请经 HTTPS 提供服务并使用 PostgreSQL，或设置 BANGFU_SESSION_COOKIE_SECURE=true。", err=True)
    click.echo(f"帮扶平台已启动：http://{host}:{port}/ （按 Ctrl+C 停止）", err=True)
    waitress.serve(app, host=host, port=port, threads=threads, ident="bangfu")
