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
    exit_code = 2


class InputError(KarabakhNewsError):
    exit_code = 1


class BuildError(KarabakhNewsError):
    exit_code = 1
