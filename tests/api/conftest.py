import pytest

from speeko_site.api.services import api_key_create, api_key_revoke
from tests.synthesis.conftest import fund  # noqa: F401  (re-exported for the API tests)
from tests.voices.conftest import make_voice, speech  # noqa: F401  (fixtures for the API tests)


class KeyClient:
    """The Django test client with an API key in the Authorization header."""

    def __init__(self, client, raw: str | None) -> None:
        self.client, self.raw = client, raw

    def _headers(self, extra):
        headers = dict(extra or {})
        if self.raw:
            headers["Authorization"] = f"Bearer {self.raw}"
        return headers

    def get(self, path, headers=None, **kwargs):
        return self.client.get(path, headers=self._headers(headers), **kwargs)

    def delete(self, path, headers=None, **kwargs):
        return self.client.delete(path, headers=self._headers(headers), **kwargs)

    def post(self, path, data=None, headers=None, content_type="application/json", **kwargs):
        return self.client.post(
            path, data, content_type=content_type, headers=self._headers(headers), **kwargs
        )


@pytest.fixture
def alice_key(alice):
    return api_key_create(user=alice, name="alice app")[1]


@pytest.fixture
def api(client, alice_key):
    return KeyClient(client, alice_key)


@pytest.fixture
def keyed(client):
    def make(user, *, revoked=False, limit=None):
        key, raw = api_key_create(user=user, name="k", monthly_character_limit=limit)
        if revoked:
            api_key_revoke(key=key)
        return KeyClient(client, raw)

    return make
