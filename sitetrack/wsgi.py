import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitetrack.settings")
application = get_wsgi_application()

# A production server never starts on the public demo key (see sitetrack.accounts.checks).
from sitetrack.accounts.checks import refuse_demo_key  # noqa: E402

refuse_demo_key()
