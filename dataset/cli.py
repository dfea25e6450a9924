"""Command-line interface: a thin veneer over the pipeline.

Each command's help ends with an example. Errors are one readable line on stderr; ``--debug``
shows the traceback. Exit codes: 0 success, 1 failed build or validation, 2 bad usage.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

import click

from dataset import __version__
from dataset.errors import KarabakhNewsError

DEBUG = {"enabled": False}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="karabakh-news")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
def cli(debug: bool) -> None:
    """Karabakh News: build, validate and publish the multilingual news dataset release.

    Example: python -m dataset build --out release
    """
    DEBUG["enabled"] = debug


@cli.command()
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
    reference_date,
    no_progress,
    no_validate,
) -> None:
    """Build a release from raw documents.

    Example: python -m dataset build --raw my_corpus/ --out release/ --previous release/
    """
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
        validate_release=False if no_validate else None,
    )
    summary = build_release(config, show_progress=not no_progress, previous=previous_dir)
    click.echo(format_build_summary(summary))
    if validated := format_build_validation(config.out_dir):
        click.echo("\n" + validated)
    if previous_dir is not None:
        from dataset.diff import ReleaseDiff, format_diff

        diff = json.loads((config.out_dir / "diff.json").read_text(encoding="utf-8"))
        click.echo("\n" + format_diff(ReleaseDiff.from_json(diff)))


@cli.command()
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
    """Compare two releases: ids added, removed, modified and moved, counts, and the bump needed.

    Example: python -m dataset diff releases/v0.1.0 release/ --out diff.json
    """
    from dataset.diff import diff_releases, format_diff, write_diff

    result = diff_releases(old_release, new_release)
    write_diff(result, out_file)
    click.echo(format_diff(result))
    click.echo(f"wrote {out_file}")


@cli.command()
@click.argument("release_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--repo-id", required=True, help="Hugging Face dataset repository, ORG/NAME.")
@click.option(
    "--dry-run", is_flag=True, help="Show what would be uploaded and tagged; works offline."
)
def publish(release_dir, repo_id, dry_run) -> None:
    """Validate a release, upload it to the Hugging Face Hub and tag the revision vX.Y.Z.

    Example: python -m dataset publish release/ --repo-id my-org/karabakh-news --dry-run
    """
    from dataset.publish import publish_release

    publish_release(release_dir, repo_id, dry_run=dry_run, echo=click.echo)


@cli.command()
@click.argument("release_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
def validate(release_dir: Path) -> None:
    """Verify checksums, then run every validation suite on every config and split.

    Writes the Great Expectations results and summary.json into RELEASE_DIR/validation/ (only
    when the checksums match) and exits 1 on any critical failure. Failing quality expectations
    (severity warning) are listed separately and do not change the exit code.

    Example: python -m dataset validate release/
    """
    from dataset.report import format_validation_report
    from dataset.validate import validate_release

    report = validate_release(release_dir)
    click.echo(format_validation_report(report))
    if not report.success:
        sys.exit(1)


@cli.command()
@click.argument("release_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--check", is_flag=True, help="Fail if README.md differs from a regenerated card.")
@click.option(
    "--repo-id", default=None, help="Hub repository id shown in the card (default: placeholder)."
)
def card(release_dir: Path, check: bool, repo_id: str | None) -> None:
    """Write the dataset card README.md of a release, or check it with --check.

    Writing refreshes checksums.sha256 when it matched before; --check exits 1 on any difference.

    Example: python -m dataset card release/ --check
    """
    from dataset.card import DEFAULT_REPO_ID, card_drift, write_card

    repo_id = repo_id or DEFAULT_REPO_ID
    if check:
        diff = card_drift(release_dir, repo_id)
        if diff:
            click.echo("\n".join(diff[:80]))
            click.echo(f"card drift: {release_dir / 'README.md'} differs from a regenerated card")
            sys.exit(1)
        click.echo(f"{release_dir / 'README.md'} is up to date")
        return
    from dataset.integrity import CHECKSUMS_NAME, verify_checksums, write_checksums

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
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
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
