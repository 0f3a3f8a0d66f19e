"""`minka demo` and `minka serve` as a person runs them: a real process, a real port, Ctrl-C to stop."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import dj_database_url
import psycopg
import pytest
from psycopg import sql


@pytest.fixture
def database_url():
    """SQLite in the data folder by default; when the suite runs on PostgreSQL, a fresh database of its own."""
    url = os.environ.get("MINKA_DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield None
        return
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_serve"
    params = {"host": config["HOST"], "port": config["PORT"] or 5432, "user": config["USER"], "dbname": "postgres"}
    if config["PASSWORD"]:
        params["password"] = config["PASSWORD"]

    def drop():
        with psycopg.connect(**params, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    drop()
    with psycopg.connect(**params, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield url.rsplit("/", 1)[0] + f"/{name}"
    drop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, command, data_dir, database_url=None):
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("MINKA_") and k != "DJANGO_SETTINGS_MODULE"}
        env["MINKA_DATA_DIR"] = str(data_dir)
        if database_url:
            env["MINKA_DATABASE_URL"] = database_url
        env["PYTHONUNBUFFERED"] = "1"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "minka.cli", command, "--port", str(self.port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output = []
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout=240):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                if self.process.poll() is not None:
                    raise AssertionError("the server stopped:\n" + "".join(self.output))
                continue
            self.output.append(line)
            if "Ctrl-C" in line:
                return "".join(self.output)
        raise AssertionError("the server did not start in time:\n" + "".join(self.output))

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        rest, _ = self.process.communicate(timeout=30)
        self.output.append(rest)
        return self.process.returncode


def worker_pids(data_dir):
    """The task workers started for this data folder (found through their environment)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read().decode(errors="replace")
            with open(f"/proc/{entry}/environ", "rb") as handle:
                environ = handle.read().decode(errors="replace")
        except OSError:
            continue
        if "db_worker" in cmdline and f"MINKA_DATA_DIR={data_dir}" in environ:
            pids.append(int(entry))
    return pids


def log_in(base_url, username, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base_url}/ingresar/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(f"{base_url}/ingresar/", data=data, headers={"Referer": f"{base_url}/ingresar/"})
    return opener.open(request).read().decode()


def test_demo_serves_spanish_pages_and_its_printed_logins_work_and_ctrl_c_stops_everything(tmp_path, database_url):
    data_dir = tmp_path / "var"
    server = Server("demo", data_dir, database_url)
    try:
        banner = server.wait_ready()
        assert f"http://localhost:{server.port}/" in banner
        logins = re.findall(r"^\s{2}(\S+)\s{2,}", banner, flags=re.MULTILINE)
        assert len(logins) >= 6, banner
        assert (data_dir / "secret_key").exists()
        assert (data_dir / "minka.sqlite3").exists() == (database_url is None)

        login_page = urllib.request.urlopen(f"{server.url}/").read().decode()
        assert '<html lang="es">' in login_page and "Contraseña" in login_page
        assert worker_pids(data_dir), "the task worker is not running beside the server"

        home = log_in(server.url, logins[0], "minka-demo")
        assert "Work 4 Progress" in home
        css = urllib.request.urlopen(f"{server.url}/static/minka/minka.css")
        assert css.status == 200
    finally:
        code = server.stop()
    assert code == 0, "".join(server.output)
    assert not worker_pids(data_dir), "Ctrl-C left the task worker running"

    # A second run reuses the database: nothing is loaded again.
    again = Server("demo", data_dir, database_url)
    try:
        banner = again.wait_ready()
        assert "ya estaba cargada" in banner
    finally:
        again.stop()
