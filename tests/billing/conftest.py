"""The API-key client fixtures, for billing tests that go through the public API."""

from tests.api.conftest import alice_key, api  # noqa: F401
