"""`python -m bot staff ...`: accounts for the web console, passwords from stdin or a prompt."""

from __future__ import annotations

import io

import pytest

from bot.cli.staff_command import main
from bot.console.accounts import StaffAccounts
from bot.console.audit import AuditLog


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    from argon2 import PasswordHasher

    import bot.console.accounts as accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def test_add_list_password_remove(capsys):
    assert main(["add", "maya"], stdin=io.StringIO("a long enough password\n")) == 0
    assert "Added the staff account maya" in capsys.readouterr().out
    accounts = StaffAccounts()
    assert accounts.verify("maya", "a long enough password").ok
    assert main(["add", "maya"], stdin=io.StringIO("another long password\n")) == 1
    assert "already a staff account called maya" in capsys.readouterr().err
    assert main(["list"]) == 0 and capsys.readouterr().out.strip() == "maya"
    assert main(["password", "maya"], stdin=io.StringIO("a brand new password\n")) == 0
    assert (
        accounts.verify("maya", "a brand new password").ok and not accounts.verify("maya", "a long enough password").ok
    )
    assert main(["remove", "maya"]) == 0 and accounts.names() == []
    assert main(["remove", "maya"]) == 1
    assert [e.action for e in AuditLog().recent()] == ["staff_removed", "staff_password_set", "staff_added"]


def test_refuses_short_passwords_odd_names_and_bad_usage(capsys):
    assert main(["add", "sam"], stdin=io.StringIO("short\n")) == 1
    assert "at least 10 characters" in capsys.readouterr().err
    assert main(["add", "sam lee"], stdin=io.StringIO("a long enough password\n")) == 1
    assert main(["password", "ghost"], stdin=io.StringIO("a long enough password\n")) == 1
    assert main(["frobnicate"]) == 2 and main([]) == 2
    assert StaffAccounts().names() == []
