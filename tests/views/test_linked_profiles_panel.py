"""Linked "Self" profiles on the profile screen (R14): an Owner, Manager or Record Custodian
creates one with a reason; it is shown with the reason on both profiles and opens from there;
a search lists the person's profiles together."""

from __future__ import annotations

from datetime import date

from desktop.services import client_list, clients, linked_profiles
from desktop.services.clients import ClientDraft
from desktop.services.principal import Role

from .test_client_profile import click, open_profile


def amelia(ctx, owner) -> int:
    draft = ClientDraft(first_name="Amelia", last_name="Chen", date_of_birth=date(1984, 3, 12))
    return clients.create_client(ctx.uow(), owner, draft).id


def test_R14_the_owner_creates_a_linked_profile_with_a_reason_and_it_opens(qtbot, ctx, owner):
    first = amelia(ctx, owner)
    window = open_profile(qtbot, ctx, owner, first)
    panel = window.profile_tab.linked
    assert panel.empty.isVisibleTo(panel) and not panel.open_button.isEnabled()
    assert panel.create_button.isEnabled()
    opened = []
    window.open_client_requested.connect(opened.append)

    click(qtbot, panel.create_button)
    dialog = panel.current_dialog
    assert not dialog.ok_button.isEnabled()  # a reason is required
    qtbot.keyClicks(dialog.reason, "Physiotherapy kept apart")
    click(qtbot, dialog.ok_button)

    second = dialog.created.id
    assert opened == [second]
    assert window.banner.text() == "A linked profile of Amelia Chen was created."
    assert panel.list.count() == 1
    assert panel.list.item(0).text() == (
        "Chen, Amelia (born 12 Mar 1984) · Self — Physiotherapy kept apart"
    )
    click(qtbot, panel.open_button)
    assert opened == [second, second]

    other = open_profile(qtbot, ctx, owner, second)
    assert other.profile_tab.linked.list.item(0).text().startswith("Chen, Amelia")


def test_R14_other_roles_see_why_they_cannot_create_one(qtbot, ctx, owner, add_member):
    _m, desk = add_member("Jordan Ellis", Role.SCHEDULER)
    first = amelia(ctx, owner)
    linked_profiles.create_linked_profile(ctx.uow(), owner, first, "Physio")
    window = open_profile(qtbot, ctx, desk, first)
    panel = window.profile_tab.linked
    assert panel.list.count() == 1  # shown to everyone who sees both profiles
    assert not panel.create_button.isEnabled()
    assert "Only the Owner, a Manager or a Record Custodian" in panel.create_button.toolTip()


def test_R14_a_search_lists_the_persons_profiles_together(ctx, owner):
    first = amelia(ctx, owner)
    clients.create_client(ctx.uow(), owner, ClientDraft(first_name="Amelia", last_name="Chan"))
    clients.create_client(ctx.uow(), owner, ClientDraft(first_name="Amy", last_name="Chen"))
    second = linked_profiles.create_linked_profile(ctx.uow(), owner, first, "Physio").id
    page = client_list.list_clients(ctx.uow(), owner, scope="all", search="ch")
    ids = page.ids
    assert abs(ids.index(first) - ids.index(second)) == 1
    rows = {row.id: row for row in page.rows}
    assert rows[first].linked_profile_ids == (second,)
