"""Shared OSV fixtures (real HTTP mirror, session database); see tests/vulndb/osv_fixtures.py."""

from vulndb.osv_fixtures import osv_db, osv_mirror_url, slow_server  # noqa: F401
