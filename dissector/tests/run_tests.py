# SPDX-License-Identifier: GPL-2.0-or-later
"""ctest entry point: exits 77 (ctest SKIP) when tshark or the built plugin is missing, else runs pytest."""
import os
import shutil
import sys

sys.dont_write_bytecode = True

here = os.path.dirname(os.path.abspath(__file__))
plugins = os.environ.get("LWM2M_PLUGIN_DIR", "")
if not shutil.which("tshark"):
    print("SKIP: tshark is not installed")
    sys.exit(77)
if not plugins or not any(f.endswith(".so") for _, _, fs in os.walk(plugins) for f in fs):
    print(f"SKIP: no plugin under LWM2M_PLUGIN_DIR={plugins!r}")
    sys.exit(77)
try:
    import pytest
except ImportError:
    print("SKIP: pytest is not installed for", sys.executable)
    sys.exit(77)
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", here] + sys.argv[1:]))
