# SPDX-License-Identifier: Apache-2.0
"""Settings of the test shop.  The logging part is not written here: it is
read from docs/django.md and run as it stands there, so the documentation
is what the tests prove."""
import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DOCS = Path(__file__).resolve().parents[5] / "docs" / "django.md"


def read_env(path):
    """KEY=value lines, quotes removed: what django-environ hands settings."""
    env = {}
    for line in path.read_text().splitlines():
        m = re.match(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$", line)
        if m and not line.lstrip().startswith("#"):
            value = m.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            env[m.group(1)] = value
    return env


ENV = read_env(BASE_DIR / ".env")
SECRET_KEY = ENV["SECRET_KEY"]
DEBUG = ENV["DEBUG"] == "True"
ALLOWED_HOSTS = ENV["ALLOWED_HOSTS"].split(",")
ADMINS = [("Ops", "ops@example.org")]
SERVER_EMAIL = "shop@example.org"
DATABASE_URL = ENV["DATABASE_URL"]
_db = re.match(r"postgres://([^:]+):(.*)@([^:/]+):(\d+)/(.+)", DATABASE_URL)
# Parsed as dj-database-url does; the tests never open it (SQLite ignores
# the credentials).
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        "USER": _db.group(1),
        "PASSWORD": _db.group(2),
        "HOST": _db.group(3),
        "PORT": _db.group(4),
    }
}
STRIPE_SECRET_KEY = ENV["STRIPE_SECRET_KEY"]
PAYMENT_WEBHOOK_SECRET = ENV["PAYMENT_WEBHOOK_SECRET"]
EMAIL_HOST = ENV["EMAIL_HOST"]
EMAIL_HOST_USER = ENV["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = ENV["EMAIL_HOST_PASSWORD"]
TIME_ZONE = ENV["TIME_ZONE"]
USE_TZ = True
INSTALLED_APPS = ["shop"]
MIDDLEWARE = []
ROOT_URLCONF = "shop.urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# The ```python blocks of docs/django.md's "settings.py" and "JSON logs"
# sections, run in order here.
_doc = DOCS.read_text()
_blocks = []
for _title in ("## settings.py", "## JSON logs"):
    _section = _doc.split(_title, 1)[1]
    _blocks.append(_section.split("```python\n", 1)[1].split("```", 1)[0])
for _block in _blocks:
    exec(compile(_block, str(DOCS), "exec"))
