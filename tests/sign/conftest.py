"""Fixtures of the signing tests (defined in sign_helpers.py, which tests also import)."""

from sign_helpers import (  # noqa: F401  (pytest finds fixtures by name)
    cosign_fixtures,
    key_pair,
    oci_image,
    other_key_pair,
    password_env,
    run_cli,
)
