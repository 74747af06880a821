import pytest

from billing.selectors import balance_for
from billing.services import credits_adjust

FIVE_DOLLARS = 5_000_000
SHORT_TEXT = "Hello from Speeko. This sentence is short."
# Long enough that a worker is still synthesising it seconds after the first audio.
LONG_TEXT = " ".join(
    f"Paragraph {i}: the quick brown fox jumps over the lazy dog while the narrator keeps "
    "talking about rivers, mountains and the long road home through the valley."
    for i in range(1, 13)
)


def fund(user, staff, amount=FIVE_DOLLARS):
    credits_adjust(user=user, amount_micros=amount, memo="test credit", staff_user=staff)
    return balance_for(user=user)


@pytest.fixture
def funded_alice(alice, staff):
    fund(alice, staff)
    return alice


@pytest.fixture
def funded_bob(bob, staff):
    fund(bob, staff)
    return bob
