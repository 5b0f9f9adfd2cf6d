"""The build reads its name and version from the package, and makes icons without an image library."""

from __future__ import annotations

import struct

from icons import icns_bytes, ico_bytes
from project import platform_tag, read_project

import desktop


def test_name_version_and_command_come_from_the_package() -> None:
    project = read_project()
    assert project.version == desktop.__version__
    assert project.app_name == desktop.APP_NAME
    assert (project.command, project.entry_point) == ("clinicdesk", "desktop.cli:main")


def test_the_platform_tag_names_system_and_machine() -> None:
    system, machine = platform_tag().split("-", 1)
    assert system in ("linux", "windows", "macos") and machine


def test_the_windows_icon_lists_each_size() -> None:
    pngs = {16: b"\x89PNG-16", 32: b"\x89PNG-32", 256: b"\x89PNG-256"}
    data = ico_bytes(pngs)
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 3)
    sizes = [data[6 + 16 * i] for i in range(count)]
    assert sizes == [16, 32, 0]  # 0 stands for 256
    size, offset = struct.unpack_from("<II", data, 6 + 8)
    assert data[offset : offset + size] == b"\x89PNG-16"


def test_the_macos_icon_holds_its_elements() -> None:
    data = icns_bytes({16: b"a", 512: b"bb"})
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    assert b"icp4" in data and b"ic09" in data
