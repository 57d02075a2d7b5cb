"""``bangfu serve``: the production WSGI server (waitress) on localhost, in one process or several
(``--processes``, see ``web.serving``)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from web.cli_support import runtime
from web.security import relax_cookie_for_local_demo


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=5000, show_default=True, type=int, help="端口")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(min=1), help="每个进程的工作线程数")
@click.option("--processes", default=1, show_default=True, type=click.IntRange(min=1),
              help="服务进程数（多核服务器可设为CPU核数；多个进程时，登录限流须使用 Redis 计数，"
                   "见 BANGFU_RATELIMIT_STORAGE_URI）")
@with_appcontext
def serve(host: str, port: int, threads: int, processes: int) -> None:
    """用生产级 WSGI 服务器（waitress）提供网页服务。"""
    from web import serving

    runtime()  # brings an embedded database up to date before the first request
    app = current_app._get_current_object()
    relaxed = relax_cookie_for_local_demo(app, host)
    if relaxed:
        click.echo("本机演示（http://、SQLite 数据库）：会话 Cookie 未加 Secure 标志，以便通过 http 登录。"
                   "正式部署请经 HTTPS 提供服务并使用 PostgreSQL，或设置 BANGFU_SESSION_COOKIE_SECURE=true。", err=True)
    if processes > 1 and str(app.config["RATELIMIT_STORAGE_URI"]).startswith("memory"):
        click.echo(f"注意：{processes}个进程各自计数登录限流（memory://），实际允许的尝试次数最多为设定值的{processes}倍；"
                   "请设置 BANGFU_RATELIMIT_STORAGE_URI=redis://… 让各进程共用计数。", err=True)
    sockets = serving.bind(host, port, processes=processes)
    where = f"{processes}个进程，" if processes > 1 else ""
    click.echo(f"帮扶平台已启动：http://{host}:{port}/ （{where}按 Ctrl+C 停止）", err=True)
    if processes == 1:
        status = serving.run(lambda: app, sockets, threads=threads, ident="bangfu")
    else:
        app.extensions["bangfu"].db.dispose()  # no pooled connection may cross the fork

        def worker_app():
            from web.cli_support import command_app

            built = command_app()
            if relaxed:
                relax_cookie_for_local_demo(built, host)
            return built

        status = serving.run(worker_app, sockets, threads=threads, processes=processes, ident="bangfu",
                             on_stop=lambda built: built.extensions["bangfu"].db.dispose())
    if status:
        raise click.exceptions.Exit(status)
