r"""Command-line interface: a thin veneer over the pipeline.

Each command's help ends with an example (its ``epilog``, printed after the options; ``\b`` keeps
click from rewrapping it). Errors are one readable line on stderr; ``--debug`` shows the
traceback. Exit codes: 0 success, 1 failed build or validation, 2 bad usage.
"""

from __future__ import annotations

import contextlib
import json
import sys
import traceback
from pathlib import Path

import click

from dataset import __version__
from dataset.errors import KarabakhNewsError

DEBUG = {"enabled": False}


@contextlib.contextmanager
def naming_damaged_files(*releases: Path | None):
    """Turn a pyarrow or I/O error raised while reading ``releases`` into one line.

    The line names the damaged Parquet file (pyarrow's messages name none); other errors pass
    unchanged.
    """
    try:
        yield
    except Exception as exc:
        from dataset.release.integrity import explain_damage

        named = explain_damage(exc, tuple(r for r in releases if r is not None))
        if named is None:
            raise
        raise named from exc


def example(arguments: str) -> str:
    r"""A help epilog: one example command line, kept on one line (click rewraps without \b)."""
    return f"\b\nExample: python -m dataset {arguments}"


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=example("build --out release"),
)
@click.version_option(__version__, prog_name="karabakh-news")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
def cli(debug: bool) -> None:
    """Karabakh News: build, validate and publish the multilingual news dataset release."""
    DEBUG["enabled"] = debug


@cli.command(epilog=example("build --raw my_corpus/ --out release/ --previous release/"))
@click.option(
    "--raw",
    "raw_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of raw .txt documents (default: the embedded seed corpus).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Release folder to write (default: release/).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path),
    default=None,
    help="YAML file of build settings; flags override it.",
)
@click.option("--workers", type=int, default=None, help="Worker processes (default: all cores).")
@click.option(
    "--strict",
    is_flag=True,
    default=None,
    help="Fail on any rejected document other than a duplicate.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default=None,
    help="Run per-document stages on local processes (default) or Ray Data (RAY_ADDRESS or local).",
)
@click.option(
    "--cache/--no-cache",
    default=None,
    help="Reuse per-document results cached by raw sha256 and code version (default: on).",
)
@click.option(
    "--previous",
    "previous_dir",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=None,
    help="Last release: write diff.json and a CHANGELOG.md entry against it, and refuse a "
    "version bump smaller than the change needs.",
)
@click.option(
    "--version",
    "release_version",
    default=None,
    metavar="X.Y.Z",
    help="Version of this data release (default: the smallest the change since --previous "
    "allows; the package version for a first release). Refused when smaller than the change needs.",
)
@click.option(
    "--reference-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Refuse published dates after this day, YYYY-MM-DD (default: the build date). Give a "
    "release's recorded reference_date to rebuild it byte for byte.",
)
@click.option("--no-progress", is_flag=True, help="Hide the progress bar.")
@click.option(
    "--no-validate",
    is_flag=True,
    help="Skip the validation suites (the release is still documented and checksummed).",
)
def build(
    raw_dir,
    out_dir,
    config_file,
    workers,
    strict,
    engine,
    cache,
    previous_dir,
    release_version,
    reference_date,
    no_progress,
    no_validate,
) -> None:
    """Build a release from raw documents."""
    from dataset.config import load_config
    from dataset.pipeline import build_release
    from dataset.report import format_build_summary, format_build_validation

    config = load_config(
        config_file,
        raw_dir=raw_dir,
        out_dir=out_dir,
        workers=workers,
        strict=strict,
        engine=engine,
        cache=cache,
        reference_date=reference_date.date() if reference_date else None,
        release_version=release_version,
        validate_release=False if no_validate else None,
    )
    with naming_damaged_files(previous_dir):
        summary = build_release(config, show_progress=not no_progress, previous=previous_dir)
    click.echo(format_build_summary(summary))
    if validated := format_build_validation(config.out_dir):
        click.echo("\n" + validated)
    if previous_dir is not None:
        from dataset.release.diff import ReleaseDiff, format_diff

        diff = json.loads((config.out_dir / "diff.json").read_text(encoding="utf-8"))
        click.echo("\n" + format_diff(ReleaseDiff.from_json(diff)))


@cli.command(epilog=example("diff releases/v0.1.0 release/ --out diff.json"))
@click.argument("old_release", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.argument("new_release", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("diff.json"),
    show_default=True,
    help="Where to write the machine-readable diff (never inside either release).",
)
def diff(old_release, new_release, out_file) -> None:
    """Compare two releases: ids added, removed, modified and moved, counts, and the bump needed."""
    from dataset.release.diff import diff_releases, format_diff, write_diff
    from dataset.release.manifest import check_output_outside_releases

    check_output_outside_releases(out_file, "--out", old_release, new_release)
    with naming_damaged_files(old_release, new_release):
        result = diff_releases(old_release, new_release)
    write_diff(result, out_file)
    click.echo(format_diff(result))
    click.echo(f"wrote {out_file}")


@cli.command(epilog=example("publish release/ --repo-id my-org/karabakh-news --dry-run"))
@click.argument("release_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--repo-id", required=True, help="Hugging Face dataset repository, ORG/NAME.")
@click.option(
    "--dry-run", is_flag=True, help="Show what would be uploaded and tagged; works offline."
)
def publish(release_dir, repo_id, dry_run) -> None:
    """Validate a release, upload it to the Hugging Face Hub and tag the revision vX.Y.Z."""
    from dataset.release.hub import publish_release

    with naming_damaged_files(release_dir):
        publish_release(release_dir, repo_id, dry_run=dry_run, echo=click.echo)


@cli.command(epilog=example("validate release/"))
@click.argument("release_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option(
    "--write",
    is_flag=True,
    help="Also replace RELEASE_DIR/validation/ and checksums.sha256 with the new results "
    "(atomically; only when the checksums match). Without it the release is only read.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=0,
    help="Processes to validate a big release in (default 0: all cores); a small release is "
    "validated in one.",
)
def validate(release_dir: Path, write: bool, workers: int) -> None:
    """Verify checksums, then run every validation suite on every config and split.

    Prints a table and exits 1 on any critical failure; failing quality expectations (severity
    warning) are listed separately and do not change the exit code. Reads the release only (a
    read-only copy works), unless --write is given.
    """
    from dataset.report import format_validation_report
    from dataset.runtime.engine import processes
    from dataset.validation.runner import validate_release

    with naming_damaged_files(release_dir):
        report = validate_release(release_dir, write_results=write, workers=processes(workers))
    click.echo(format_validation_report(report))
    if not report.success:
        sys.exit(1)


@cli.command(epilog=example("card release/ --check"))
@click.argument("release_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--check", is_flag=True, help="Fail if README.md differs from a regenerated card.")
@click.option(
    "--repo-id",
    default=None,
    help="Hub dataset id ORG/NAME shown in the card (default: the one in the build config's "
    "collection.repository).",
)
def card(release_dir: Path, check: bool, repo_id: str | None) -> None:
    """Write the dataset card README.md of a release, or check it with --check.

    Writing refreshes checksums.sha256 when it matched before; --check exits 1 on any difference.
    """
    from dataset.release.card import card_drift, write_card

    if repo_id is not None:
        from dataset.release.hub import check_repo_id

        check_repo_id(repo_id)
    if check:
        with naming_damaged_files(release_dir):
            diff = card_drift(release_dir, repo_id)
        if diff:
            click.echo("\n".join(diff[:80]))
            click.echo(f"card drift: {release_dir / 'README.md'} differs from a regenerated card")
            sys.exit(1)
        click.echo(f"{release_dir / 'README.md'} is up to date")
        return
    from dataset.release.integrity import CHECKSUMS_NAME, verify_checksums, write_checksums

    with naming_damaged_files(release_dir):
        intact = verify_checksums(release_dir).ok
        click.echo(f"wrote {write_card(release_dir, repo_id)}")
    if intact:
        write_checksums(release_dir)
    elif (release_dir / CHECKSUMS_NAME).is_file():
        click.echo(f"warning: {CHECKSUMS_NAME} did not match before; left as is", err=True)


def main() -> None:
    """Entry point of ``python -m dataset`` and the ``karabakh-news`` console script."""
    try:
        cli.main(standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        # Ctrl-C: workers ignore it (dataset.runtime.engine), so this is the only line printed.
        click.echo("interrupted; nothing was published (a previous release is untouched)", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        if DEBUG["enabled"]:
            raise
        ctx = getattr(exc, "ctx", None)
        hint = f" (see {ctx.command_path} --help)" if ctx is not None else ""
        click.echo(f"error: {exc.format_message()}{hint}", err=True)
        sys.exit(2 if isinstance(exc, click.UsageError) else exc.exit_code)
    except KarabakhNewsError as exc:
        if DEBUG["enabled"]:
            traceback.print_exc()
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:
        if DEBUG["enabled"]:
            raise
        first_line = (str(exc).splitlines() or [""])[0]
        click.echo(
            f"error: {type(exc).__name__}: {first_line} (rerun with --debug for details)", err=True
        )
        sys.exit(1)
