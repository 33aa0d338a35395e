# SPDX-License-Identifier: Apache-2.0
"""Django: an admin error e-mail that carries no secret.

Django's ``mail_admins`` handler writes more than the log record: the
traceback with every frame's local variables, the request's GET, POST,
COOKIES and META (the ``Authorization`` header among them) and the
settings.  Django hides some of it (settings and variables whose names look
sensitive, views marked ``sensitive_variables``/``sensitive_post_parameters``);
the rest goes out as it is.  ``AdminEmailHandler`` masks the subject (before
Django shortens it, so no cut secret slips through), the text body and the
HTML body with liblogmask.  Use it with ``logmask.logging.MaskingFilter``;
see docs/django.md.
"""
from typing import Any, Optional

from django.utils.log import AdminEmailHandler as _AdminEmailHandler

from . import Masker
from .logging import original_exc_info, shared_masker

__all__ = ["AdminEmailHandler"]


class AdminEmailHandler(_AdminEmailHandler):
    """``django.utils.log.AdminEmailHandler`` with every part of the mail
    masked.  ``masker`` or ``Masker`` options as for the filter; the other
    arguments are Django's."""

    def __init__(self, include_html: bool = False, email_backend: Optional[str] = None,
                 reporter_class: Optional[str] = None, *, masker: Optional[Masker] = None,
                 **options: Any) -> None:
        super().__init__(include_html=include_html, email_backend=email_backend,
                         reporter_class=reporter_class)
        self.masker = masker if masker is not None else shared_masker(**options)

    def emit(self, record):
        # MaskingFilter took exc_info off the record so no other formatter
        # prints it unmasked; this handler masks all it writes, so the
        # report gets its traceback back
        exc_info = original_exc_info(record) if record.exc_info is None else None
        if exc_info is None:
            return super().emit(record)
        record.exc_info = exc_info
        try:
            return super().emit(record)
        finally:
            record.exc_info = None

    def format_subject(self, subject):
        return super().format_subject(self.masker.mask(subject))

    def send_mail(self, subject, message, *args, **kwargs):
        mask = self.masker.mask
        if kwargs.get("html_message"):
            kwargs["html_message"] = mask(kwargs["html_message"])
        super().send_mail(mask(subject), mask(message), *args, **kwargs)
