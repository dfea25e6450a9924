"""Command-line interface: a thin veneer over the pipeline.

Each command's help ends with an example. Errors are one readable line on stderr; ``--debug``
shows the traceback. Exit codes: 0 success, 1 failed build or validation, 2 bad usage.
"""

from __future__ import annotations

import sys
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
@click.option("--no-progress", is_flag=True, help="Hide the progress bar.")
@click.option(
    "--no-validate",
    is_flag=True,
    help="Skip the validation suites (the release is still documented and checksummed).",
)
def build(raw_dir, out_dir, config_file, workers, strict, no_progress, no_validate) -> None:
    """Build a release from raw documents.

    Example: python -m dataset build --raw my_corpus/ --out release/ --workers 2
    """
    from dataset.config import load_config
    from dataset.pipeline import build_release
    from dataset.report import format_build_summary

    config = load_config(
        config_file,
        raw_dir=raw_dir,
        out_dir=out_dir,
        workers=workers,
        strict=strict,
        validate_release=False if no_validate else None,
    )
    summary = build_release(config, show_progress=not no_progress)
    click.echo(format_build_summary(summary))


@cli.command()
@click.argument("release_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
def validate(release_dir: Path) -> None:
    """Verify checksums, then run every validation suite on every config and split.

    Writes the Great Expectations results and summary.json into RELEASE_DIR/validation/ (only
    when the checksums match) and exits 1 on any failure.

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
        exc.show()
        sys.exit(2)
    except KarabakhNewsError as exc:
        if DEBUG["enabled"]:
            raise
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
