# SPDX-License-Identifier: GPL-2.0-or-later
"""Fixtures: a tshark runner with the plugin from the build tree, and a capture writer."""
import os
import sys

import pytest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from capture import Tshark, tshark_path, plugin_dir  # noqa: E402


@pytest.fixture(scope="session")
def ts():
    if not tshark_path():
        pytest.skip("tshark is not installed")
    if not plugin_dir():
        pytest.skip("LWM2M_PLUGIN_DIR is not set (run through ctest or set it to <build>/plugins)")
    t = Tshark()
    yield t
    t.cleanup()


@pytest.fixture
def write(ts, request):
    """write(capture) -> path of the pcapng file, readable by the tshark user."""
    def _write(cap, name=None):
        path = ts.path((name or request.node.name) + ".pcapng")
        cap.write(path)
        os.chmod(path, 0o644)
        return path
    return _write
