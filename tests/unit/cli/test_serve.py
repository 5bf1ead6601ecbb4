"""bot.cli.serve: what `make run` starts, and where Rasa looks for the action server."""

from __future__ import annotations

import yaml

from bot.cli import serve, workers


def test_rasa_is_pointed_at_the_action_server_on_actions_port(tmp_path, monkeypatch):
    # A second instance on other ports must talk to its own action server, not :5055.
    monkeypatch.setattr(serve, "VAR_DIR", tmp_path)
    source = tmp_path / "endpoints.yml"
    source.write_text(
        'action_endpoint:\n  url: "http://127.0.0.1:5055/webhook"\n'
        'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "var/conversations.db"\n'
    )
    written = yaml.safe_load(serve.endpoints_for_this_machine(6055, source).read_text())
    assert written["action_endpoint"]["url"] == "http://127.0.0.1:6055/webhook"
    assert written["tracker_store"] == {"type": "SQL", "dialect": "sqlite", "db": "var/conversations.db"}


def test_the_repository_endpoints_keep_their_tracker_store(tmp_path, monkeypatch):
    monkeypatch.setattr(serve, "VAR_DIR", tmp_path)
    written = yaml.safe_load(serve.endpoints_for_this_machine(5056).read_text())
    original = yaml.safe_load((serve.REPO / "endpoints.yml").read_text())
    assert written["action_endpoint"]["url"].endswith(":5056/webhook")
    assert written["tracker_store"] == original["tracker_store"]


def test_serve_passes_the_derived_endpoints_to_rasa(tmp_path, monkeypatch):
    monkeypatch.setattr(serve, "VAR_DIR", tmp_path)
    command = serve.rasa_server_command(endpoints=str(serve.endpoints_for_this_machine(7055)), token="t")
    assert command[command.index("--endpoints") + 1] == str(tmp_path / "endpoints-7055.yml")


def test_workers_get_a_lock_store_only_where_the_practice_named_none(tmp_path):
    source = tmp_path / "endpoints.yml"
    source.write_text('tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "var/conversations.db"\n')
    local_redis = workers.redis_lock_store(6390)
    written = yaml.safe_load(serve.endpoints_for_this_machine(5057, source, local_redis, tmp_path).read_text())
    assert written["lock_store"] == local_redis
    assert written["tracker_store"]["db"] == "var/conversations.db"  # shared by every worker

    source.write_text('lock_store:\n  type: redis\n  url: "redis.internal"\n')
    written = yaml.safe_load(serve.endpoints_for_this_machine(5057, source, local_redis, tmp_path).read_text())
    assert written["lock_store"] == {"type": "redis", "url": "redis.internal"}


def test_haproxy_spreads_rest_and_keeps_each_widget_client_on_one_worker():
    config = workers.haproxy_config("0.0.0.0", 5005, [41001, 41002])
    assert "bind 0.0.0.0:5005" in config
    least_busy, sticky = config.split("\nbackend least_busy")[1].split("\nbackend sticky")
    assert "balance leastconn" in least_busy and "balance source" in sticky
    for section in (least_busy, sticky):
        assert "127.0.0.1:41001" in section and "127.0.0.1:41002" in section
    assert "use_backend sticky if socketio" in config


def test_sigterm_runs_the_shutdown_that_stops_the_servers(tmp_path):
    # `kill` (or a service manager) must not leave Rasa and the action server orphaned:
    # serve's `finally:` stops them, so SIGTERM has to reach it like Ctrl-C does.
    import signal
    import subprocess
    import sys

    marker = tmp_path / "stopped"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from bot.cli.serve import stop_on_sigterm\n"
            "stop_on_sigterm()\n"
            "try:\n"
            "    print('ready', flush=True)\n"
            "    time.sleep(30)\n"
            "except KeyboardInterrupt:\n"
            f"    open({str(marker)!r}, 'w').write('interrupted')\n",
        ],
        cwd=serve.REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "ready"
    child.send_signal(signal.SIGTERM)
    child.wait(timeout=20)
    assert marker.read_text() == "interrupted"
