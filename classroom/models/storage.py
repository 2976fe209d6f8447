"""Where evidence and student works are kept: under MEDIA_ROOT/private/, which no URL serves directly.

The public media view serves only curriculum images; these files leave the server only through the scoped
download view in classroom/views/files.py.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    # Read from settings at each use (not cached), so tests that move MEDIA_ROOT move these files too.
    @property
    def base_location(self):
        return os.path.join(str(settings.MEDIA_ROOT), "private")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


private_storage = PrivateStorage()
