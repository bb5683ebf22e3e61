"""Placeholder replaced below."""


def screen_recent(*, now):  # type: ignore[no-untyped-def]
    return 0
