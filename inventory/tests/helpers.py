from inventory import services
from inventory.models import ImportRun


def preview(tmp_path, content: bytes, *, name="inventory.csv", is_full=True, actor=None):
    path = tmp_path / name
    path.write_bytes(content)
    with open(path, "rb") as handle:
        run = services.run_start(
            file=handle,
            file_name=name,
            source=ImportRun.Source.UPLOAD,
            is_full=is_full,
            actor=actor,
            enqueue=False,
        )
    return services.run_preview(run_id=run.pk)


def import_file(tmp_path, content: bytes, **kwargs) -> ImportRun:
    run = preview(tmp_path, content, **kwargs)
    assert run.status == ImportRun.Status.PREVIEWED, (
        run.error,
        list(run.changes.values("line", "reason")),
    )
    services.run_confirm(run=run, actor=kwargs.get("actor"), enqueue=False)
    return services.run_commit(run_id=run.pk)
