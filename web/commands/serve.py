"""``bangfu serve``: the production WSGI server (waitress) on localhost."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from web.cli_support import runtime


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
    click.echo(f"帮扶平台已启动：http://{host}:{port}/ （按 Ctrl+C 停止）", err=True)
    waitress.serve(app, host=host, port=port, threads=threads, ident="bangfu")
