"""What the editors' tests share: a client signed in as a member of the Editors group."""

import pytest

from tests.factories import user_in


@pytest.fixture
def editor(client):
    client.force_login(user_in("Editors", "editor"))
    return client
