#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The Django test project of the logmask binding: `manage.py test`."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
