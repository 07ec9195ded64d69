"""The stack tests run against `make stack` (deploy/stack.py), through nginx and the app servers'
own ports, and are collected only by `make stack-test` (tests/conftest.py leaves them out)."""

import importlib.util
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from web import Browser  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def load_stack():
    spec = importlib.util.spec_from_file_location("stack", ROOT / "deploy" / "stack.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def stack():
    """The running stack (started here if it is not), as deploy/stack.py's module."""
    module = load_stack()
    module.start()
    return module


@pytest.fixture
def secretariat(stack) -> Browser:
    browser = Browser(stack.ADDRESS)
    browser.log_in("secretariat", "secretariat-demo-2026")
    return browser


@pytest.fixture
def focal(stack) -> Browser:
    browser = Browser(stack.ADDRESS)
    browser.log_in("focal", "focal-demo-2026")
    return browser
