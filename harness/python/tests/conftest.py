# Tests of the lwm2m_harness Python module, run by ctest (`python_bindings`) with PYTHONPATH set to
# <build>/harness/python. The plugin's fixtures (lwm2m_server, lwm2m_client) are used here too.
import os
import pathlib

import pytest

pytest_plugins = ["lwm2m_harness.pytest_plugin"]

SOURCE_DIR = pathlib.Path(os.environ.get("LWM2M_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[3]))
BUILD_DIR = pathlib.Path(os.environ.get("LWM2M_BUILD_DIR", SOURCE_DIR / "build"))


@pytest.fixture
def source_dir():
    return SOURCE_DIR


@pytest.fixture
def build_dir():
    return BUILD_DIR
