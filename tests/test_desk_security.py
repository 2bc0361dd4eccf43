"""kyvat desk is safe by default: its token on every request, its own Host only, a CSRF value on
every form, no path out of the collection, 127.0.0.1 unless asked otherwise (issue 13, point 8)."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from deskclient import HOST, Desk
from kyvat.cli import main
from kyvat.desk.app import TOKEN_COOKIE, DeskSettings, start_server


@pytest.fixture
def desk(sample_copy, tmp_path):
    return Desk(sample_copy, tmp_path / "out")


def test_a_request_without_the_token_is_refused(sample_copy, tmp_path):
    desk = Desk(sample_copy, tmp_path / "out")
    stranger = desk.app.test_client()  # another user of the machine, or a page in another tab: no cookie
    assert stranger.get("/", headers={"Host": HOST}).status_code == 403
    assert stranger.get("/?token=wrong", headers={"Host": HOST}).status_code == 403
    assert stranger.get("/objects/", headers={"Host": HOST}).status_code == 403
    assert stranger.get("/static/desk.css", headers={"Host": HOST}).status_code == 403
    answer = stranger.get(f"/?token={desk.settings.token}", headers={"Host": HOST})
    assert answer.status_code == 200
    assert TOKEN_COOKIE in answer.headers["Set-Cookie"] and "SameSite=Strict" in answer.headers["Set-Cookie"]
    assert stranger.get("/", headers={"Host": HOST}).status_code == 200  # the cookie carries it now
    header = desk.app.test_client().get("/", headers={"Host": HOST, "X-Kyvat-Token": desk.settings.token})
    assert header.status_code == 200


def test_a_request_for_another_host_is_refused_even_with_the_token(desk):
    token = desk.settings.token
    for host in ("evil.example:8765", "127.0.0.1:9999", "attacker.test", "127.0.0.1.nip.io:8765"):
        answer = desk.client.get(f"/?token={token}", headers={"Host": host})
        assert answer.status_code == 403, host
        assert b"Host" in answer.data


def test_a_form_without_its_csrf_value_is_refused(desk):
    before = sorted(p.name for p in (desk.root / "people").iterdir())
    for value in (None, "forged"):
        data = {"kind": "donor", "name": "Người Lạ"}
        if value:
            data["csrf_token"] = value
        answer = desk.client.post("/people/new", data=data, headers={"Host": HOST})
        assert answer.status_code == 400
        assert b"CSRF" in answer.data
    assert sorted(p.name for p in (desk.root / "people").iterdir()) == before


# Each refused address beside one the same route answers (so a 404 proves the guard, not a typo).
ANSWERED = ["/objects/AB-2026-0001", "/people/nguyen-van-duc", "/objects/AB-2026-0001/scans",
            "/objects/AB-2026-0001/transcribe/1", "/objects/AB-2026-0001/scans/1/view",
            "/narratives/exhibitions/thu-tu-mat-tran", "/history/objects/AB-2026-0001", "/objects/AB-2026-0001/life"]
REFUSED = [
    "/objects/..", "/objects/.hidden", "/objects/..%2F..%2F..%2Fetc", "/objects/%2Fetc%2Fpasswd",
    "/objects/..%2Fkyvat.yaml", "/people/..", "/people/..%2Fkyvat", "/people/%2Fetc%2Fpasswd",
    "/objects/../scans", "/objects/..%2F..%2Fetc/scans", "/objects/AB-2026-0001/scans/99/view",
    "/objects/AB-2026-0001/transcribe/99", "/objects/%2Fetc/transcribe/1", "/history/objects/..",
    "/history/people/..%2F..%2Fetc", "/objects/../life", "/preview/..%2F..%2F..%2Fetc%2Fpasswd",
    "/preview/%2Fetc%2Fpasswd", "/preview/../../etc/passwd", "/narratives/exhibitions/..",
    "/narratives/exhibitions/..%2F..%2Fkyvat", "/narratives/objects/AB-2026-0001", "/narratives/%2Fetc/passwd",
    "/vendor/..%2F..%2Fkyvat.yaml", "/static/..%2F..%2F..%2Fkyvat.yaml",
]


def test_the_guarded_routes_answer_a_proper_address(desk):
    for address in ANSWERED:
        assert desk.get(address).status_code == 200, address


@pytest.mark.parametrize("address", REFUSED)
def test_a_path_that_leaves_the_collection_is_refused(desk, address):
    answer = desk.get(address, headers={"Host": HOST}, follow_redirects=True)  # Werkzeug merges "//" by a redirect
    assert answer.status_code in (400, 404), (address, answer.status_code)
    assert b"root:" not in answer.data and b"base_url" not in answer.data


@pytest.mark.parametrize("address", ["/objects/..", "/people/..", "/narratives/exhibitions/..",
                                     "/objects/..%2F..%2Fetc/scans/add", "/objects/../transcribe/1",
                                     "/history/objects/../restore", "/objects/../life/return"])
def test_a_form_sent_to_a_path_out_of_the_collection_writes_nothing(desk, address, tmp_path):
    before = {p: p.read_bytes() for p in desk.root.rglob("*") if p.is_file()}
    answer = desk.post(address, {"title_vi": "X", "text": "X", "day": "2026-09-01"}, follow_redirects=True)
    assert answer.status_code in (400, 404, 405), (address, answer.status_code)
    assert {p: p.read_bytes() for p in desk.root.rglob("*") if p.is_file()} == before


def test_the_server_listens_on_127_0_0_1_and_prints_a_token(sample_copy, tmp_path):
    settings = DeskSettings(root=sample_copy, out=tmp_path / "out")
    server = start_server(settings, port=0)
    try:
        assert server.httpd.server_address[0] == "127.0.0.1"
        assert f"?token={settings.token}" in server.url and len(settings.token) >= 32
        with urllib.request.urlopen(server.url, timeout=10) as answer:
            assert answer.status == 200
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.url.split("?")[0], timeout=10)
        assert refused.value.code == 403
    finally:
        server.close()


def test_listening_on_every_network_is_refused_and_another_address_warns():
    runner = CliRunner()
    refused = runner.invoke(main, ["desk", "-c", "collection", "--host", "0.0.0.0", "--no-browser"])
    assert refused.exit_code == 1 and "every network" in refused.output
    bad = runner.invoke(main, ["desk", "-c", "collection", "--host", "my-laptop", "--no-browser"])
    assert bad.exit_code == 1 and "IP address" in bad.output


def test_kyvat_desk_prints_its_address_and_answers_it(sample_copy, tmp_path):
    env = dict(os.environ, KYVAT_TODAY="2026-09-01")
    process = subprocess.Popen([sys.executable, "-m", "kyvat", "--lang", "en", "desk", "-c", str(sample_copy),
                                "-o", str(tmp_path / "out"), "--port", "0", "--no-browser"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()
        assert "http://127.0.0.1:" in line and "?token=" in line, line + process.stderr.read()
        url = line[line.index("http://"):].split()[0]
        with urllib.request.urlopen(url, timeout=10) as answer:
            assert answer.status == 200 and "kyvat" in answer.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=10)
