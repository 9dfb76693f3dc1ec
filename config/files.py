"""Stored files (uploads, generated reports): served only to users whom the policy lets see the
object a file belongs to, by Django or, in production, by the web server on Django's word.

Each top folder of MEDIA_ROOT belongs to one kind of object; `MEDIA_OWNERS` maps the folder to a
function that finds the object for a stored name and names the policy action that guards it. A
file in no known folder, or whose object is gone, is a 404, as is a file the user may not see (so
that a path does not reveal whether something exists).

With `MEDIA_X_ACCEL_REDIRECT` (nginx: the prefix of an `internal` location that maps onto
MEDIA_ROOT) or `MEDIA_X_SENDFILE` (Apache mod_xsendfile, lighttpd) set, the response carries only a
header and the web server streams the bytes, so no Python worker is held by a large download.
"""

import mimetypes
import uuid
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse

from accounts.policy import can


def _story_image(name: str):
    from stories.models import StoryImage

    image = StoryImage.objects.select_related("story").filter(image=name).first()
    return ("stories.view_story", image.story, image.image) if image else None


def _report_file(name: str):
    from reports.models import ReportSnapshot

    # Snapshot files live in reports/<snapshot uuid>/<file name> (see snapshot_upload_to).
    parts = name.split("/")
    try:
        snapshot_uuid = uuid.UUID(parts[1]) if len(parts) == 3 else None
    except ValueError:
        return None
    snapshot = ReportSnapshot.objects.filter(uuid=snapshot_uuid).first() if snapshot_uuid else None
    if snapshot is None:
        return None
    for file in (snapshot.html_file, snapshot.pdf_file, snapshot.csv_file):
        if file.name == name:
            return ("reports.view_reports", snapshot, file)
    return None


# A stored file's guard: the policy action, the object it is asked about, and the file itself.
Owner = tuple[str, object, FieldFile]

# Top folder of MEDIA_ROOT -> a function from a stored name to its Owner (None: no such file).
MEDIA_OWNERS: dict[str, Callable[[str], Owner | None]] = {
    "stories": _story_image,
    "reports": _report_file,
}


def media_owner(name: str) -> Owner | None:
    """What guards the stored file `name` (policy action, object, file), or None if no object
    owns it. Names with `..`, absolute names and unknown folders own nothing."""
    if not name or name.startswith("/") or "\\" in name or ".." in name.split("/"):
        return None
    finder = MEDIA_OWNERS.get(name.split("/", 1)[0])
    return finder(name) if finder else None


def media_response(user, name: str) -> HttpResponse:
    """The stored file `name` for `user`, or Http404 if no object owns it or the user may not
    see that object."""
    owner = media_owner(name)
    if owner is None or not can(user, owner[0], owner[1]):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return file_response(owner[2], content_type=content_type)


def file_response(
    field_file: FieldFile,
    *,
    content_type: str,
    as_attachment: bool = False,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """A response that sends a stored file: streamed by Django, or handed to the web server with
    X-Accel-Redirect / X-Sendfile when configured. Never sniffed as another type, never able to
    run scripts or load anything when opened directly."""
    if not field_file.storage.exists(field_file.name):
        raise Http404
    filename = field_file.name.rsplit("/", 1)[-1]
    accel_prefix = getattr(settings, "MEDIA_X_ACCEL_REDIRECT", "")
    if accel_prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel_prefix.rstrip("/") + "/" + quote(field_file.name)
    elif getattr(settings, "MEDIA_X_SENDFILE", False):
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = field_file.path
    else:
        return _decorate(
            FileResponse(
                field_file.open("rb"),
                content_type=content_type,
                as_attachment=as_attachment,
                filename=filename,
            ),
            headers,
        )
    disposition = "attachment" if as_attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{quote(filename)}"'
    return _decorate(response, headers)


def _decorate(response: HttpResponse, headers: dict[str, str] | None) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, max-age=3600"
    for key, value in (headers or {}).items():
        response[key] = value
    return response
