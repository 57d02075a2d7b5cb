"""The list upload flow both workspaces share (a workstation's supply lists, a county's demand lists):

upload → checked (the rows' errors in the page, the error report to download) → confirm → the import runs as a
task with a status page. Nothing is stored until the confirmation; the checked upload is kept server-side by
:mod:`jobs.service.tasks`, named by a random token bound to the user. Each workspace adds the four routes,
calling these views with its list kind and its endpoints' names.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from flask import abort, redirect, render_template, send_file, url_for

from jobs.errors import InvalidInput
from jobs.lists.importing import ListOptionError
from jobs.lists.reading import NotAList
from jobs.lists.report import write_error_report
from jobs.service.tasks import check_upload, confirm_upload, recheck_upload, stage_upload, staged_upload
from jobs.storage.enums import TaskStatus
from web import tasks
from web.forms import ConfirmUploadForm, UploadCheckForm, show_errors
from web.workspace import actor, runtime

MAX_LIST_BYTES = 20 * 1024 * 1024
LIST_SUFFIXES = (".xlsx", ".csv")
REPORT_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Flow:
    """One workspace's upload: the kind of list, its Chinese name, and the names of its four endpoints."""

    kind: str
    title: str
    upload: str
    checked: str
    report: str
    confirm: str


def _read(form: UploadCheckForm) -> tuple[bytes, str] | None:
    upload = form.file.data
    name = (upload.filename or "") if upload else ""
    data = upload.read(MAX_LIST_BYTES + 1) if upload else b""
    if not data:
        form.file.errors = ["请选择要上传的清单文件"]
    elif len(data) > MAX_LIST_BYTES:
        form.file.errors = ["清单文件不能超过 20 MB"]
    elif Path(name).suffix.lower() not in LIST_SUFFIXES:
        form.file.errors = ["清单文件应为 .xlsx 或 .csv"]
    else:
        return data, name
    return None


def upload_view(flow: Flow):
    """GET: the form. POST: check the file (a dry run) and keep it; then the checked page (PRG)."""
    form = UploadCheckForm()
    if form.validate_on_submit():
        read = _read(form)
        if read is not None:
            data, name = read
            try:
                with runtime().db.writer() as db:  # the dry run writes and rolls back: take the lock up front
                    result, options = check_upload(db, runtime().vault, kind=flow.kind, data=data, file_name=name,
                                                   list_name=form.list_name.data, period=form.period.data,
                                                   actor=actor())
            except NotAList as error:
                form.file.errors = [error.message]
            except ListOptionError as error:
                form.form_errors = [error.message]
            except InvalidInput as error:
                show_errors(form, error)
            else:
                with runtime().db.transaction() as db:
                    token = stage_upload(db, kind=flow.kind, data=data, file_name=name, options=options,
                                         result=result, actor=actor())
                return redirect(url_for(flow.checked, token=token))
    status = 422 if form.is_submitted() else 200
    return render_template("uploads/upload.html", form=form, flow=flow), status


def checked_view(flow: Flow, token: str):
    """The check's result: counts, the rows' errors (row, column, value, message), the report, the confirm."""
    with runtime().db.session() as db:
        task = staged_upload(db, token=token, actor=actor())
        if task.kind != flow.kind:
            abort(404)
        checked, file_name, status = dict(task.checked or {}), task.file_name, task.status
        task_id = task.id
    if status is not TaskStatus.STAGED:
        return redirect(url_for("tasks.status", task_id=task_id))
    return render_template("uploads/checked.html", flow=flow, token=token, checked=checked, file_name=file_name,
                           form=ConfirmUploadForm(formdata=None))


def report_view(flow: Flow, token: str):
    """The error report of a kept upload (xlsx, numbers masked): its rejected rows, each with its errors."""
    with runtime().db.writer() as db:  # checked again as a dry run: nothing stays
        result = recheck_upload(db, runtime().vault, token=token, actor=actor())
    if result.kind != ("supply" if flow.kind == "supply_import" else "demand"):
        abort(404)
    stream = io.BytesIO()
    write_error_report(result, stream)
    stream.seek(0)
    return send_file(stream, mimetype=REPORT_MIME, as_attachment=True,
                     download_name=f"{flow.title}错误报告.xlsx")


def confirm_view(flow: Flow, token: str):
    """Queue the kept upload's import and start it; then its status page."""
    form = ConfirmUploadForm()
    if not form.validate_on_submit():
        abort(400)
    with runtime().db.transaction() as db:
        task = staged_upload(db, token=token, actor=actor())
        if task.kind != flow.kind:
            abort(404)
        task_id = confirm_upload(db, token=token, actor=actor(), confirm_changes=bool(form.confirm_changes.data))
    tasks.start(task_id)
    return redirect(url_for("tasks.status", task_id=task_id))
