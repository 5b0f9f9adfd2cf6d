"""The client list shows its first page before the count on PostgreSQL (R1): the count follows
a moment later and then the list holds every match, in order."""

from __future__ import annotations

from desktop.models.client_list_model import ClientListModel
from desktop.models.client_pages import ClientQuery

from .test_client_list_model import ZONE, many_clients, owner, passwords, uow  # noqa: F401 (fixtures)


def counting_later(make_uow, principal, **options) -> ClientListModel:
    model = ClientListModel(
        make_uow,
        principal,
        ZONE,
        ClientQuery(scope="all", **options),
        page_size=10,
        count_later=True,
    )
    model.refresh()
    return model


def test_R1_the_count_follows_the_first_page_and_the_list_ends_whole(uow, owner, qapp):  # noqa: F811 (the fixtures above)
    ids = many_clients(uow, 35)
    model = counting_later(uow, owner)
    postgres = uow().dialect == "postgresql"
    if postgres:  # the first page and one row more, until the count arrives
        assert not model.counted and model.rowCount() == 11
    else:
        assert model.counted and model.rowCount() == 35
    announced = []
    model.reloaded.connect(announced.append)
    qapp.processEvents()
    assert model.counted and model.rowCount() == 35 and model.total == 35
    assert announced == ([35] if postgres else [])
    assert [model.client_id(row) for row in range(35)] == ids


def test_R1_a_short_list_is_counted_with_its_first_page(uow, owner, qapp):  # noqa: F811 (the fixtures above)
    many_clients(uow, 7)
    model = counting_later(uow, owner)
    assert model.counted and model.rowCount() == 7
    searched = counting_later(uow, owner, search="nobody")
    assert searched.counted and searched.rowCount() == 0
