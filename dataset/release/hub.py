"""Publish a release folder to the Hugging Face Hub and tag its revision ``vX.Y.Z``.

Before anything is uploaded the release must pass ``dataset.validation.runner.validate_release``:
its
``checksums.sha256`` must match every file (none changed, added or removed since the build), then
every suite must pass on every config and split. The version in ``build_manifest.json`` names the
tag, ``v{release_version}``.

The upload mirrors the folder: remote files that are not in the release are deleted in the same
commit (the Hub keeps ``.gitattributes``), so a split dropped from a release cannot linger on the
Hub. The tag points at that commit. ``dry_run`` runs the checks and prints the plan; it needs no
network and no token.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dataset.errors import ConfigError, KarabakhNewsError
from dataset.release.integrity import is_hidden
from dataset.release.manifest import read_manifest
from dataset.release.versions import read_release_version

REPO_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*")


def check_repo_id(repo_id: str, option: str = "--repo-id") -> None:
    """Raise ConfigError unless ``repo_id`` is ``ORG/NAME`` and the Hub would accept it.

    The Hub's own rules come from ``huggingface_hub.utils.validate_repo_id`` (no ``--`` or
    ``..``, no ``.git`` ending, at most 96 characters per part, no leading or trailing ``-`` or
    ``.``); ``ORG/`` is required on top, and ``fullmatch`` refuses a trailing newline.
    """
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.utils import validate_repo_id

    shown = repr(repo_id if len(repo_id) <= 60 else repo_id[:59] + "…")
    if not REPO_ID.fullmatch(repo_id):
        raise ConfigError(f"{option} {shown} is not ORG/NAME (e.g. my-org/karabakh-news)")
    try:
        validate_repo_id(repo_id)
    except HFValidationError as exc:
        reason = str(exc).split(":")[0].rstrip(".")
        raise ConfigError(
            f"{option} {shown} is refused by the Hugging Face Hub ({reason}); "
            "e.g. my-org/karabakh-news"
        ) from None


class PublishError(KarabakhNewsError):
    """The release is not fit to publish (failed validation, bad checksums); exit 1."""

    exit_code = 1


@dataclass(frozen=True)
class PublishPlan:
    """What ``publish`` uploads and tags: files with sizes relative to the release folder."""

    release_dir: Path
    repo_id: str
    tag: str
    files: tuple[tuple[str, int], ...]
    records: int

    @property
    def total_bytes(self) -> int:
        """Bytes of all files to upload."""
        return sum(size for _, size in self.files)

    @property
    def tag_message(self) -> str:
        """The message of the release's git tag on the Hub."""
        return f"Karabakh News {self.tag}: {self.records} records"


def publish_release(
    release_dir: Path, repo_id: str, dry_run: bool = False, echo: Callable[[str], None] = print
) -> PublishPlan:
    """Check the release, then upload and tag it (or only print the plan when ``dry_run``).

    Raises ConfigError for a malformed ``repo_id``, InputError when the folder is not a release,
    PublishError when it fails validation or its checksums, or when the tag already exists.
    """
    check_repo_id(repo_id)
    plan = plan_publish(release_dir, repo_id)
    check_release_ready(release_dir)
    echo(format_plan(plan, dry_run))
    if not dry_run:
        upload_release(plan)
        echo(f"published {plan.tag}: https://huggingface.co/datasets/{repo_id}/tree/{plan.tag}")
    return plan


def plan_publish(release_dir: Path, repo_id: str) -> PublishPlan:
    """The files to upload (hidden files excluded) and the tag, read from the release folder."""
    version = read_release_version(release_dir)
    manifest = read_manifest(release_dir)
    files = tuple(
        (path.relative_to(release_dir).as_posix(), path.stat().st_size)
        for path in sorted(release_dir.rglob("*"))
        if path.is_file() and not is_hidden(path.relative_to(release_dir))
    )
    return PublishPlan(
        release_dir=release_dir,
        repo_id=repo_id,
        tag=version.tag,
        files=files,
        records=int(manifest.get("counts", {}).get("kept", 0)),
    )


def check_release_ready(release_dir: Path) -> None:
    """Run the full validation (checksums, then every suite); raises PublishError on failure."""
    from dataset.validation.runner import validate_release

    report = validate_release(release_dir)
    if not report.success:
        problems = report.checksums.describe() if report.checksums else []
        detail = "; ".join([*problems, *report.failing_names()][:5])
        raise PublishError(
            f"{release_dir} fails validation ({detail}); fix the release and rebuild it"
        )


def format_plan(plan: PublishPlan, dry_run: bool) -> str:
    """The upload plan: target, every file with its size, deletions and the tag."""
    verb = "would upload" if dry_run else "uploading"
    lines = [
        *(["dry run: nothing is uploaded or tagged"] if dry_run else []),
        f"{verb} {len(plan.files)} files ({_size(plan.total_bytes)}) from {plan.release_dir} "
        f"to dataset repo {plan.repo_id}, branch main:",
        *(f"  {_size(size):>10}  {name}" for name, size in plan.files),
        "remote files not in this release are deleted in the same commit (.gitattributes is kept)",
        f'{"would tag" if dry_run else "tagging"} that commit {plan.tag}: "{plan.tag_message}"',
        f'load it with: load_dataset("{plan.repo_id}", "all", revision="{plan.tag}")',
    ]
    return "\n".join(lines)


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} B"


def upload_release(plan: PublishPlan) -> None:
    """Create the dataset repo if needed, upload the folder as one commit, tag that commit.

    Raises PublishError before uploading when the tag already exists on the Hub.
    """
    from huggingface_hub import HfApi
    from huggingface_hub.errors import RepositoryNotFoundError

    api = HfApi()
    try:
        tags = {ref.name for ref in api.list_repo_refs(plan.repo_id, repo_type="dataset").tags}
    except RepositoryNotFoundError:
        tags = set()
    if plan.tag in tags:
        raise PublishError(
            f"{plan.repo_id} already has tag {plan.tag}; a published release is never "
            "overwritten: rebuild with --previous (or a higher --version) and publish that"
        )
    api.create_repo(plan.repo_id, repo_type="dataset", exist_ok=True)
    commit = api.upload_folder(
        repo_id=plan.repo_id,
        repo_type="dataset",
        folder_path=plan.release_dir,
        commit_message=f"Release {plan.tag}",
        commit_description=plan.tag_message,
        ignore_patterns=[".*", "*/.*"],
        delete_patterns="*",
    )
    api.create_tag(
        plan.repo_id,
        tag=plan.tag,
        tag_message=plan.tag_message,
        revision=commit.oid,
        repo_type="dataset",
    )
