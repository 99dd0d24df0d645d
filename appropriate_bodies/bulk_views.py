"""Claims and outcomes in bulk: upload a CSV file, see every row's problems, confirm, watch it
applied, download what happened (decision 0028).

Not a core.wizard journey: its one answer is a file, and what it leads to (up to 1,000 checked
rows) lives in the database (`BulkUpload`), not the session. The upload's page plays each part in
turn, by the upload's status: progress while checking, the preview with its confirm button (the
journey's check answers: nothing is saved before it), progress while applying, then the results.
Progress works without JavaScript (a Refresh link); with it, the page asks for progress every
two seconds and reloads itself when the status moves on.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from appropriate_bodies import bulk_csv, queries
from appropriate_bodies.forms import BulkFileForm, ConfirmBulkForm
from appropriate_bodies.models import BulkUpload
from appropriate_bodies.services import bulk

KINDS = {BulkUpload.Kind.CLAIMS.value: "claims", BulkUpload.Kind.OUTCOMES.value: "outcomes"}


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise Http404("No such kind of upload")
    return kind


@login_required
@require_safe
def bulk_home(request, body_id: int):
    body = queries.body_for(request.user, body_id)
    return render(
        request, "appropriate_bodies/bulk/home.html", {"body": body, "uploads": queries.uploads_of(body)[:20]}
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload_file(request, body_id: int, kind: str):
    body = queries.body_for(request.user, body_id)
    kind = _kind(kind)
    posted = request.method == "POST"
    form = BulkFileForm(request.POST if posted else None, request.FILES if posted else None, kind=kind)
    if posted and form.is_valid():
        upload = bulk.start_upload(
            body=body,
            kind=kind,
            uploaded_by=request.user,
            file_name=form.cleaned_data["csv_file"].name,
            rows=form.cleaned_data["rows"],
        )
        return redirect("appropriate_body_bulk_file", body_id=body.pk, upload_id=upload.pk)
    return render(
        request,
        "appropriate_bodies/bulk/upload.html",
        {
            "body": body,
            "kind": kind,
            "form": form,
            "columns": bulk_csv.COLUMNS[kind],
            "max_rows": bulk_csv.MAX_ROWS,
        },
    )


@login_required
@require_safe
def template_file(request, body_id: int, kind: str):
    queries.body_for(request.user, body_id)
    return _csv_download(bulk_csv.template_csv(_kind(kind)), f"{kind}-template.csv")


def _csv_download(content: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _upload_page(request, body, upload, confirm_form=None):
    finished = upload.status in (BulkUpload.Status.DONE, BulkUpload.Status.STOPPED)
    rows = list(queries.upload_rows(upload)) if finished or upload.status == BulkUpload.Status.CHECKED else []
    return render(
        request,
        "appropriate_bodies/bulk/file.html",
        {
            "body": body,
            "upload": upload,
            "progress": queries.upload_progress(upload),
            "rows_with_problems": [row for row in rows if row.problems],
            "rows_ready": [row for row in rows if not row.problems],
            "results": [(row, *bulk_csv.what_happened(row)) for row in rows],
            "counts": queries.result_counts(upload) if finished else {},
            "expired": bulk.expired(upload),
            "form": confirm_form
            or ConfirmBulkForm(
                appeal_needed=upload.status == "checked" and bulk.needs_appeal_confirmation(upload)
            ),
        },
        status=400 if confirm_form is not None else 200,
    )


@login_required
@require_safe
def upload_page(request, body_id: int, upload_id: int):
    body = queries.body_for(request.user, body_id)
    return _upload_page(request, body, queries.upload_for(body, upload_id))


@login_required
@require_POST
def confirm_upload(request, body_id: int, upload_id: int):
    body = queries.body_for(request.user, body_id)
    upload = queries.upload_for(body, upload_id)
    if upload.status != BulkUpload.Status.CHECKED:  # confirmed already (a second click): show where it is
        return redirect("appropriate_body_bulk_file", body_id=body.pk, upload_id=upload.pk)
    form = ConfirmBulkForm(request.POST, appeal_needed=bulk.needs_appeal_confirmation(upload))
    if not form.is_valid():
        return _upload_page(request, body, upload, confirm_form=form)
    try:
        bulk.confirm_upload(
            upload=upload,
            confirmed_by=request.user,
            told_of_appeal=form.cleaned_data.get("told_of_appeal", False),
        )
    except bulk.CannotConfirm as refusal:
        form.add_error(None, str(refusal))
        return _upload_page(request, body, upload, confirm_form=form)
    return redirect("appropriate_body_bulk_file", body_id=body.pk, upload_id=upload.pk)


@login_required
@require_safe
def upload_progress(request, body_id: int, upload_id: int):
    """The upload's status and progress, for the page's script."""
    body = queries.body_for(request.user, body_id)
    upload = queries.upload_for(body, upload_id)
    progress = queries.upload_progress(upload)
    return JsonResponse({"status": upload.status, "done": progress.done, "of": progress.of})


@login_required
@require_safe
def results_file(request, body_id: int, upload_id: int):
    body = queries.body_for(request.user, body_id)
    upload = queries.upload_for(body, upload_id)
    if upload.status == BulkUpload.Status.CHECKING:
        return redirect("appropriate_body_bulk_file", body_id=body.pk, upload_id=upload.pk)
    content = bulk_csv.rows_csv(upload.kind, queries.upload_rows(upload))
    return _csv_download(content, f"{upload.kind}-{upload.pk}-results.csv")
