from tests.org.conftest import client_for  # noqa: F401  (the same signed-in clients)
