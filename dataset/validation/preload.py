"""Imported once by the validation pool's fork server (``runner.SuitePool``).

Every pool worker is forked from that server with Great Expectations already imported, instead
of importing it itself: seconds of CPU once per validation, not once per worker, and spent while
the build writes the release. The lexicon and the language codes that domain and structural rules
read are loaded here too (0.17 and 0.08 s of CPU, 6 MB), so that no worker loads its own.
"""

import gc
import os

from dataset.build.entities import load_lexicon
from dataset.validation.rules import allowed_language_codes
from dataset.validation.runner import import_great_expectations

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # as GreatExpectationsRunner sets it
import_great_expectations()  # with the runner's tweaks (tweak_great_expectations)
load_lexicon()
allowed_language_codes()
gc.freeze()  # the imported objects stay out of the workers' collections (and their pages shared)
