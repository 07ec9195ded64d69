"""The production-like stack on loopback, for trying and testing: `make stack`, `make stack-down`.

    deploy/stack.py start          start what is not running (everything, from a fresh database,
                                   when nothing is); print the address
    deploy/stack.py stop [NAME]    stop what it started (or one part: app1, app2, worker, redis, ...)
    deploy/stack.py status         which parts are running
    deploy/stack.py env            the app servers' environment, as shell assignments

Parts: nginx on 127.0.0.1:8480 in front of two gunicorn app servers (8481, 8482), one task worker
(`manage.py db_worker`), a Redis server of its own (6390, so that a test may restart it), moto's S3
server (8489) with a bucket, and the machine's PostgreSQL (database stack_tracker). Each part runs
in a process group of its own, its pid in .stack/pids/, its output in .stack/logs/; `stop` ends
exactly those groups, and is safe to repeat. Ports move with STACK_PORT (nginx's; the others follow).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = Path(os.environ.get("STACK_DIR", ROOT / ".stack"))
PIDS, LOGS = RUN / "pids", RUN / "logs"
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")

PORT = int(os.environ.get("STACK_PORT", "8480"))
APP_PORTS = [PORT + 1, PORT + 2]
# nginx skips an app server this many seconds after it failed (deploy/nginx.conf's upstreams).
FAIL_TIMEOUT = 5
S3_PORT = PORT + 9
REDIS_PORT = int(os.environ.get("STACK_REDIS_PORT", "6390"))
POSTGRES = os.environ.get("STACK_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("STACK_DATABASE", "stack_tracker")
BUCKET = "tracker-evidence"
ADDRESS = f"http://127.0.0.1:{PORT}"
# Each app server's workers: the machine has few cores, and two servers share them.
WORKERS = os.environ.get("STACK_WORKERS", "2")
APPS = [f"app{number}" for number in range(1, len(APP_PORTS) + 1)]
# Started in this order, stopped in the reverse one.
PARTS = ["redis", "s3", *APPS, "worker", "nginx"]


def environment() -> dict[str, str]:
    """What the app servers, the worker and the commands run with: DEBUG off, as in production,
    except that the proxy speaks plain HTTP on loopback (no HTTPS redirect, no secure cookies)."""
    key_file = RUN / "secret_key"
    if not key_file.exists():
        RUN.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return {
        "DEBUG": "false",
        "SECRET_KEY": key_file.read_text().strip(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXIES": "1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SITE_URL": ADDRESS,
        "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
        "DATABASE_POOL": "true",
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/6",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": f"http://127.0.0.1:{S3_PORT}",
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "stack",
        "S3_SECRET_ACCESS_KEY": "stack-secret",
        # Must stay empty: every file goes to the bucket (tests/stack checks).
        "EVIDENCE_ROOT": str(RUN / "private"),
        "TASKS_BACKEND": "database",
        "TRACKER_DEMO_DATA": "true",
        "LOG_LEVEL": "WARNING",
    }


# Processes


def pid_of(name: str) -> int | None:
    """The pid recorded for a part, if that process is still running."""
    path = PIDS / f"{name}.pid"
    try:
        pid = int(path.read_text())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None
    try:  # a pid the system gave to another process since is not ours
        if os.getpgid(pid) != pid:
            return None
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state == "Z":
            return None
    except (ProcessLookupError, FileNotFoundError):
        return None
    return pid


def launch(name: str, command: list[str], env: dict[str, str] | None = None) -> int:
    """Start a command in a process group of its own, its output to .stack/logs/NAME.log."""
    PIDS.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    with open(LOGS / f"{name}.log", "ab") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    (PIDS / f"{name}.pid").write_text(str(process.pid))
    return process.pid


def stop(name: str, timeout: float = 20) -> bool:
    """End a part's process group: SIGTERM (gunicorn and the worker finish what they are doing),
    then SIGKILL for what is left after the timeout. False if it was not running."""
    pid = pid_of(name)
    (PIDS / f"{name}.pid").unlink(missing_ok=True)
    if pid is None:
        return False
    os.killpg(pid, signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and group_alive(pid):
        time.sleep(0.1)
    if group_alive(pid):
        os.killpg(pid, signal.SIGKILL)
    return True


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # Only zombies left (children of nobody that waits here) count as gone.
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def wait_for_port(port: int, name: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        if pid_of(name) is None:
            raise SystemExit(f"{name} exited at start; see {LOGS / (name + '.log')}")
        time.sleep(0.2)
    raise SystemExit(f"{name} does not answer on port {port}; see {LOGS / (name + '.log')}")


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env={**os.environ, **environment()}, check=True)


# The parts


def fresh_database() -> None:
    import psycopg

    server = POSTGRES.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{DATABASE}"')


def start_redis() -> None:
    launch(
        "redis",
        ["redis-server", "--bind", "127.0.0.1", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no",
         "--daemonize", "no", "--dir", str(RUN)],
    )  # fmt: skip
    wait_for_port(REDIS_PORT, "redis")


def start_s3() -> None:
    launch("s3", [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(S3_PORT)])
    wait_for_port(S3_PORT, "s3")
    import boto3

    env = environment()
    client = boto3.client(
        "s3", endpoint_url=env["S3_ENDPOINT_URL"], region_name=env["S3_REGION"],
        aws_access_key_id=env["S3_ACCESS_KEY_ID"], aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
    )  # fmt: skip
    if BUCKET not in {bucket["Name"] for bucket in client.list_buckets()["Buckets"]}:
        client.create_bucket(Bucket=BUCKET)


def start_app(name: str) -> None:
    port = APP_PORTS[APPS.index(name)]
    launch(
        name,
        [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "tracker.wsgi"],
        {
            **environment(), "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": WORKERS,
            "GUNICORN_PROC_NAME": f"tracker-{name}",
        },
    )  # fmt: skip
    wait_for_port(port, name)


def start_worker() -> None:
    launch("worker", [PYTHON, "manage.py", "db_worker"], environment())
    time.sleep(2)
    if pid_of("worker") is None:
        raise SystemExit(f"The task worker (manage.py db_worker) exited at start; see {LOGS / 'worker.log'}")


def start_nginx() -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("nginx is not installed: apt-get install nginx")
    home = RUN / "nginx"
    for folder in ["", "client_body", "proxy", "fastcgi", "uwsgi", "scgi"]:
        (home / folder).mkdir(parents=True, exist_ok=True)
    limit = upload_limit() * 11 // 10 // (1024 * 1024) + 1
    config = string.Template((ROOT / "deploy" / "nginx.conf").read_text()).safe_substitute(
        LISTEN=f"127.0.0.1:{PORT}",
        UPSTREAMS=" ".join(
            f"server 127.0.0.1:{port} max_fails=1 fail_timeout={FAIL_TIMEOUT}s;" for port in APP_PORTS
        ),
        STATIC_ROOT=str(ROOT / "staticfiles"),
        BODY_LIMIT=f"{limit}m",
        RUN_DIR=str(home),
    )
    (home / "nginx.conf").write_text(config)
    command = [nginx, "-p", str(home), "-c", str(home / "nginx.conf"), "-g", "daemon off;"]
    if os.geteuid() == 0:  # never as root: as nobody, which owns only its own folder
        shutil.chown(home, "nobody", "nogroup")
        for folder in home.iterdir():
            if folder.is_dir():
                shutil.chown(folder, "nobody", "nogroup")
        command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
    launch("nginx", command)
    wait_for_port(PORT, "nginx")


def upload_limit() -> int:
    """UPLOAD_MAX_REQUEST_BYTES as the settings compute it."""
    out = subprocess.run(
        [PYTHON, "-c", "from tracker import settings; print(settings.UPLOAD_MAX_REQUEST_BYTES)"],
        cwd=ROOT, env={**os.environ, **environment()}, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return int(out.stdout)


STARTERS = {"redis": start_redis, "s3": start_s3, "worker": start_worker, "nginx": start_nginx}


def start() -> None:
    if not any(pid_of(name) for name in PARTS):
        set_up()
    for name in PARTS:
        if pid_of(name) is None:
            print(f"== starting {name}", flush=True)
            STARTERS.get(name, lambda name=name: start_app(name))()
    wait_healthy()
    print(f"The stack serves {ADDRESS}/ (secretariat / secretariat-demo-2026); `make stack-down` stops it.")


def set_up() -> None:
    """From nothing: a new database with the seeds and the demo accounts, and the static files."""
    print(f"== a new database {DATABASE}, migrated, with the seeds and the demo accounts", flush=True)
    for name in ["redis", "s3"]:
        if pid_of(name) is None:
            print(f"== starting {name}", flush=True)
            STARTERS[name]()
    fresh_database()
    manage("migrate", "--noinput", "-v", "0")
    manage("import_seeds", "-v", "0")
    manage("create_demo_accounts", "--demo")
    manage("collectstatic", "--noinput", "-v", "0")


def wait_healthy(seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{ADDRESS}/health/", timeout=10) as response:
                if response.status == 200:
                    return
        except OSError as error:
            if time.monotonic() > deadline:
                raise SystemExit(f"{ADDRESS}/health/ is not ok: {error}; see {LOGS}") from error
        time.sleep(0.5)


def main(argv: list[str]) -> None:
    command, names = (argv[0] if argv else "start"), argv[1:]
    if command == "start":
        start()
    elif command == "stop":
        for name in reversed(PARTS):
            if (not names or name in names) and stop(name):
                print(f"stopped {name}")
    elif command == "status":
        for name in PARTS:
            pid = pid_of(name)
            print(f"{name}: running, pid {pid}" if pid else f"{name}: stopped")
    elif command == "env":
        for key, value in environment().items():
            print(f"{key}={value}")
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
