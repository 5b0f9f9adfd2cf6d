"""New client: the form lets the person choose the treating provider; a provider adding a
client is preselected (issue: new clients landed with "No provider")."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.services import clients
from desktop.services.principal import Role
from desktop.views.new_client_dialog import NewClientDialog


def open_form(qtbot, ctx, principal) -> NewClientDialog:
    dialog = NewClientDialog(ctx, principal)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_front_desk_chooses_the_treating_provider_of_a_new_client(qtbot, ctx, add_member):
    _m, desk = add_member("Jordan Ellis", Role.SCHEDULER)
    _m, ana = add_member("Ana Castillo", Role.PROVIDER)
    dialog = open_form(qtbot, ctx, desk)
    combo = dialog.treating_provider
    assert combo.currentText() == "No treating provider yet"
    assert "Ana Castillo" in [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(combo.findText("Ana Castillo"))
    qtbot.keyClicks(dialog.first_name, "Felix")
    qtbot.keyClicks(dialog.last_name, "Moreau")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    (setting,) = clients.get_client(ctx.uow(), desk, dialog.profile.id).providers
    assert (setting.provider_id, setting.is_treating) == (ana.staff_id, True)


def test_a_provider_adding_a_client_is_preselected_as_treating_provider(qtbot, ctx, add_member):
    _m, ana = add_member("Ana Castillo", Role.PROVIDER)
    dialog = open_form(qtbot, ctx, ana)
    assert dialog.treating_provider.currentData() == ana.staff_id
    qtbot.keyClicks(dialog.first_name, "Felix")
    qtbot.keyClicks(dialog.last_name, "Moreau")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    (setting,) = dialog.profile.providers
    assert (setting.provider_id, setting.is_treating) == (ana.staff_id, True)
