# SPDX-License-Identifier: Apache-2.0
"""Masking for the standard ``logging`` package.

``MaskingFilter`` masks a record once, in place, before any handler formats
it: put it on every handler (filters on a logger do not see records that
propagate from child loggers).  ``MaskingFormatter`` masks the final text of
any formatter, JSON formatters included, which also covers fields a filter
cannot see (``extra=`` values printed by a JSON formatter).

Both take the options of ``logmask.Masker`` (``env_files=[...]``,
``rules=...``, ``mask="stars"``...) and share one compiled rule set between
every filter, formatter and handler built with equal options, so a
``dictConfig`` that names the same options three times compiles them once.
"""
import itertools
import logging as _logging
import os
import threading
import weakref
from typing import Any, Dict, Optional

from . import Masker

__all__ = ["MaskingFilter", "MaskingFormatter", "shared_masker", "original_exc_info"]

# What a record says when masking itself failed: fail closed, never the text.
WITHHELD = "[logmask: record withheld: masking failed (%s)]"

_masters: Dict[Any, Masker] = {}
_masters_lock = threading.Lock()
_formatter = _logging.Formatter()
_exc_infos: "weakref.WeakKeyDictionary[_logging.LogRecord, Any]" = weakref.WeakKeyDictionary()
_exc_infos_lock = threading.Lock()


def _freeze(value):
    if isinstance(value, (str, bytes, int, float, bool, type(None))):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, dict):
        return ("dict",) + tuple(sorted((_freeze(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    raise TypeError("unhashable option")


def shared_masker(**options: Any) -> Masker:
    """The ``Masker`` for these options, built once per process.

    Files named in the options are read when it is first built; a changed
    ``.env`` takes effect after a restart (as a changed LOGGING does)."""
    try:
        key = _freeze(options)
    except TypeError:
        return Masker(**options)
    with _masters_lock:
        masker = _masters.get(key)
        if masker is None:
            masker = _masters[key] = Masker(**options)
        return masker


def original_exc_info(record: _logging.LogRecord):
    """The exc_info a MaskingFilter took off `record` (see keep_exc_info), for
    handlers that mask their whole output themselves (logmask.django); None
    when there was none."""
    with _exc_infos_lock:
        return _exc_infos.get(record)


def _unmergeable(record: _logging.LogRecord) -> str:
    # msg % args failed: logging would print a traceback naming both; keep
    # them, masked like the rest
    return "%s %% %r" % (record.msg, record.args)


class MaskingFilter(_logging.Filter):
    """A ``logging.Filter`` that masks every record in place.

    It renders ``record.getMessage()``, masks it and sets ``record.msg`` to
    the result and ``record.args`` to None; the traceback (``exc_info``,
    rendered as ``logging.Formatter.formatException`` does) goes masked into
    ``record.exc_text``, and ``record.stack_info`` is masked.  Every handler
    and formatter downstream sees only masked text.  ``record.exc_info`` is
    then set to None, because formatters that render it themselves (many JSON
    formatters) would print the unmasked exception; ``keep_exc_info=True``
    leaves it for handlers that need the exception object and mask on their
    own.  ``logmask.django.AdminEmailHandler`` finds the original anyway.

    A record masked once by a filter with the same masker is not masked
    again by the next handler.  If masking fails (out of memory), the message
    is replaced by a notice (``withheld`` counts them): fail closed.  With the
    ``drop`` mask style a record whose message is dropped whole is dropped.

    ``masker`` passes a ready ``logmask.Masker``; other keyword arguments are
    ``Masker`` options (see ``shared_masker``).  In ``dictConfig``::

        "filters": {"logmask": {"()": "logmask.logging.MaskingFilter",
                                "env_files": [".env"]}}
    """

    def __init__(self, *, masker: Optional[Masker] = None, keep_exc_info: bool = False,
                 **options: Any) -> None:
        super().__init__()
        self.masker = masker if masker is not None else shared_masker(**options)
        self.keep_exc_info = keep_exc_info
        self._withheld = itertools.count()
        self.withheld = 0

    def filter(self, record: _logging.LogRecord) -> bool:
        masker = self.masker
        mark = record.__dict__.get("_logmask")
        if mark is not None and mark[0] is masker and mark[1] is record.msg:
            return True
        mask = masker.mask
        msg = None
        try:
            try:
                msg = record.getMessage()
            except Exception:
                msg = _unmergeable(record)
            masked = mask(msg)
            exc_info = record.exc_info
            if exc_info:
                text = record.exc_text or _formatter.formatException(exc_info)
                record.exc_text = mask(text)
                if not self.keep_exc_info:
                    with _exc_infos_lock:
                        _exc_infos[record] = exc_info
                    record.exc_info = None
            elif record.exc_text:
                record.exc_text = mask(record.exc_text)
            if record.stack_info:
                record.stack_info = mask(record.stack_info)
        except Exception as e:  # fail closed: nothing unmasked goes on
            masked = WITHHELD % type(e).__name__
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
            self.withheld = next(self._withheld) + 1
        record.msg = masked
        record.args = None
        record._logmask = (masker, masked)
        return bool(masked) or not msg


class MaskingFormatter(_logging.Formatter):
    """A ``logging.Formatter`` whose output is masked.

    Without ``formatter`` it formats like ``logging.Formatter(fmt, datefmt,
    style)``.  ``formatter`` wraps another formatter: an instance, a class,
    or its dotted path (``"pythonjsonlogger.jsonlogger.JsonFormatter"``),
    built with ``formatter_options``.  Its whole output is masked; a JSON
    line stays valid JSON (values under sensitive keys are masked whole).
    Other keyword arguments are ``Masker`` options.  In ``dictConfig``::

        "formatters": {"json": {"()": "logmask.logging.MaskingFormatter",
                                "formatter": "myapp.log.JSONFormatter",
                                "env_files": [".env"]}}
    """

    def __init__(self, fmt: Optional[str] = None, datefmt: Optional[str] = None,
                 style: str = "%", validate: bool = True, *, defaults=None,
                 formatter=None, formatter_options: Optional[Dict[str, Any]] = None,
                 masker: Optional[Masker] = None, **options: Any) -> None:
        if "format" in options:  # dictConfig passes a "()" formatter's format so
            fmt = options.pop("format")
        extra = {"defaults": defaults} if defaults is not None else {}
        super().__init__(fmt, datefmt, style, validate, **extra)
        if isinstance(formatter, str):
            formatter = _import(formatter)
        if isinstance(formatter, type):
            formatter = formatter(**(formatter_options or {}))
        self.inner = formatter
        self.masker = masker if masker is not None else shared_masker(**options)

    def format(self, record: _logging.LogRecord) -> str:
        text = self.inner.format(record) if self.inner is not None else super().format(record)
        try:
            return self.masker.mask(text)
        except Exception as e:  # fail closed
            return WITHHELD % type(e).__name__


def _import(dotted: str):
    module, _, name = dotted.rpartition(".")
    if not module:
        raise ValueError("formatter: a dotted path such as 'package.module.Class': %r" % dotted)
    import importlib
    return getattr(importlib.import_module(module), name)
