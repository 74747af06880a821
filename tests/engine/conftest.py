import pytest

from synthesis.engine import assets, get_engine


@pytest.fixture(scope="session", autouse=True)
def engine_assets() -> None:
    """A clean checkout has no model yet: install it the way operators do (idempotent)."""
    assets.install(report=lambda message: None)


@pytest.fixture(scope="session")
def engine():
    return get_engine()
