"""The full Kemendagri data set, loaded once for the whole tests/regions package.

Loading 91,599 rows takes seconds, so it happens once inside an outer transaction that is
rolled back when the package is done; each test's own ``db`` transaction nests inside it as
a savepoint, so a test that edits rows leaves the loaded set untouched for the next one.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction

from aduan.regions.boundaries import boundaries_reset_cache
from aduan.regions.services import regions_load

WILAYAH_DIR = settings.SHARED_DATA_DIR / "wilayah-kemendagri"


@pytest.fixture(scope="package")
def loaded_regions(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            counts = regions_load(data_dir=WILAYAH_DIR, progress=False)
        except BaseException:
            outer.__exit__(None, None, None)
            raise
    yield counts
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    # The point index was built from rows that no longer exist.
    boundaries_reset_cache()
