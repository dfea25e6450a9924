"""The build, read top to bottom as the ordered list of its steps.

Per document (parallel, streaming):  read -> clean/extract/detect -> filter -> fingerprint
Whole corpus (compact values only):  drop exact duplicates -> cluster near duplicates ->
                                     find repeated paragraphs -> split
Output (into a staging folder):      write shards -> write rejects -> manifest -> publish atomically

Each step lives in its own module: ``dataset.build.process`` (the per-document step and its
engine), ``dataset.build.corpus`` (the compact state the documents stream into, with the spill
files), ``dataset.build.duplicates``, ``dataset.build.repeated_lines``, ``dataset.build.split``,
``dataset.build.write``, ``dataset.release.accounting`` (summary, manifest, the checks that
nothing was lost) and ``dataset.runtime.transaction`` (lock, staging folder, atomic swap).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from dataset.build.corpus import add_warnings
from dataset.build.duplicates import cluster_corpus, drop_exact_duplicates
from dataset.build.process import process_documents
from dataset.build.read import check_lock, find_document_names
from dataset.build.repeated_lines import find_corpus_repeats
from dataset.build.sources import sidecar_warnings
from dataset.build.split import assign_splits
from dataset.build.write import write_articles, write_json, write_rejects_table
from dataset.config import BuildConfig, check_paths
from dataset.release.accounting import (
    BuildSummary,
    check_accounting,
    check_every_file_accounted,
    make_manifest,
    read_git_commit,
    summarize,
)
from dataset.release.changelog import (
    check_previous_release,
    provisional_version,
    record_release_history,
)
from dataset.release.finalize import finalize_release, validation_pool
from dataset.runtime.engine import worker_count
from dataset.runtime.transaction import (
    lock_out_dir,
    make_staging_dir,
    publish_staging,
    remove_in_background,
    unlock_out_dir,
)


def build_release(
    config: BuildConfig, show_progress: bool = True, previous: Path | None = None
) -> BuildSummary:
    """Build a release from ``config.raw_dir`` into ``config.out_dir``.

    ``previous`` is the last release (may be ``out_dir`` itself): the new one records its changes
    against it in diff.json and CHANGELOG.md. The release version is ``config.release_version``
    when set, else the smallest the change since ``previous`` allows (the package version without
    ``previous``). Raises ConfigError (bad folders, a requested version smaller than the change
    needs), InputError (bad raw folder, lock or previous release), BuildError (strict-mode
    reject, accounting mismatch). On any failure, or a kill at any moment, the previous release
    at ``out_dir`` is left untouched.
    """
    started = time.perf_counter()
    config = config.with_reference_date()
    check_paths(config)
    names = find_document_names(config.raw_dir)
    lock_checked = check_lock(config.raw_dir)
    # Asked before the work: a child forked from a big driver looks as big to RSS samplers.
    git_commit = read_git_commit()
    check_previous_release(previous, config.release_version)
    version = provisional_version(previous, config.release_version)
    build_lock = lock_out_dir(config.out_dir)
    try:
        staging = make_staging_dir(config.out_dir)
    except BaseException:
        unlock_out_dir(build_lock, config.out_dir)
        raise
    scratch = None
    try:
        corpus = process_documents(names, config, staging, show_progress)
        add_warnings(corpus, sidecar_warnings(config.raw_dir, names))
        drop_exact_duplicates(corpus)
        cluster_corpus(corpus, config)
        find_corpus_repeats(corpus, config)
        assign_splits(corpus, config)
        workers, rows = worker_count(config), len(corpus.kept_positions())
        with validation_pool(config.validate_release, workers, rows) as pool:
            files = write_articles(corpus, staging, config, version)
            write_rejects_table(corpus, staging, config, version)
            scratch = remove_in_background(corpus.work_dir)  # the spill files were read a last time
            summary = summarize(corpus, files, config, len(names), started)
            summary.manifest = make_manifest(corpus, summary, config, lock_checked, git_commit)
            summary.manifest["release_version"] = version
            check_accounting(summary)
            check_every_file_accounted(names, staging)
            write_json(summary.manifest, staging / "build_manifest.json")
            record_release_history(staging, previous, config.release_version, summary.manifest)
            scratch.join()
            finalize_release(staging, config.validate_release, workers, pool)
        publish_staging(staging, config.out_dir)
    finally:
        if scratch is not None:
            scratch.join()
        shutil.rmtree(staging, ignore_errors=True)
        unlock_out_dir(build_lock, config.out_dir)
    summary.seconds = time.perf_counter() - started
    return summary
