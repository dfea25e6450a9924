"""The package's error classes. Each says what happens next.

- ``ConfigError``: bad configuration or arguments; fails before any work (exit 2).
- ``InputError``: the raw corpus as a whole is unusable (missing folder, changed lock); exit 1.
- ``BuildError``: the build cannot finish (strict-mode reject, accounting mismatch); exit 1.
A bad *document* is not an error: it becomes a reject with a reason code.
"""


class KarabakhNewsError(Exception):
    """Base class; its message is one readable line shown to the user without a traceback."""

    exit_code = 1


class ConfigError(KarabakhNewsError):
    """Bad usage or configuration, found before any work (exit code 2)."""

    exit_code = 2


class InputError(KarabakhNewsError):
    """Unusable input: a raw folder, lock file or release that cannot be read as one (exit 1)."""

    exit_code = 1


class BuildError(KarabakhNewsError):
    """A build that cannot finish correctly, e.g. an accounting mismatch (exit code 1)."""

    exit_code = 1
