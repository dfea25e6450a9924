"""Imported once by the validation pool's fork server (``runner.SuitePool``).

Every pool worker is forked from that server with Great Expectations already imported, instead
of importing it itself: seconds of CPU once per validation, not once per worker, and spent while
the build writes the release. Nothing else happens here.
"""

import gc
import os

from dataset.validation.runner import import_great_expectations

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # as GreatExpectationsRunner sets it
import_great_expectations()  # with the runner's tweaks (tweak_great_expectations)
gc.freeze()  # the imported objects stay out of the workers' collections (and their pages shared)
