from tests.entities.conftest import make_entity  # noqa: F401 (fixture shared with tests/entities)
