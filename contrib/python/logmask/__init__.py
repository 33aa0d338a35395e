# SPDX-License-Identifier: Apache-2.0
"""Mask secrets in text with liblogmask, inside the application.

    >>> import logmask
    >>> m = logmask.Masker(env_files=[".env"])
    >>> m.mask("login password=hunter2x")
    'login password=[REDACTED:password-assignment]'

``logmask.logging`` has the logging filter and formatter, ``logmask.django``
the admin e-mail handler; ``python3 -m logmask`` masks files or standard
input like the ``logmask`` program.
"""
from ._logmask import (
    ArgumentError,
    Error,
    FileError,
    Finding,
    LimitError,
    LogmaskWarning,
    Masker,
    ParseError,
    __version__,
    default_env_ignore,
    library_version,
)

__all__ = [
    "ArgumentError",
    "Error",
    "FileError",
    "Finding",
    "LimitError",
    "LogmaskWarning",
    "Masker",
    "ParseError",
    "__version__",
    "default_env_ignore",
    "library_version",
]
