"""``nnmath serve`` against hostile requests and hostile pages (issue 19, points 6, 7, 8,
13): through the real API (FastAPI's test client) and the real command (a process).

- every number of every request body refuses NaN, Infinity, 1e309 and a wrong JSON
  type with 422, and the answer is JSON (it never repeats the value: JSON cannot carry
  NaN back); the fields are read from the API's own schema, so a new one is covered;
- a model file with any top-level key downloads again; an upload's name never reaches
  the file system;
- a request that changes state from another site gets 403 and changes nothing;
- every answer carries a Content-Security-Policy and nosniff;
- a /train request is bounded in steps, not only in arithmetic; /report in layers;
- the data's rows are sent once (GET .../data), never with a State;
- a second Ctrl-C (or SIGTERM) on a busy server exits quietly and leaves no folder.

Oracles: the limits of :data:`nnmath.web.limits.LIMITS` and the count of steps the
engine reports (its ``batch_callbacks``), never a time.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import numpy as np
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from nnmath.web import api  # noqa: E402
from nnmath.web.app import create_app  # noqa: E402
from nnmath.web.limits import LIMITS  # noqa: E402

SCRIPT = {"X-Requested-With": "tests"}
OWN = "http://127.0.0.1"
EVIL = "https://evil.example"
PATIENCE = 120   # seconds a process may take to say something before it is a failure


@pytest.fixture
def client():
    with TestClient(create_app(), base_url=OWN, headers=SCRIPT) as c:
        yield c


@pytest.fixture
def session(client):
    return f"/api/sessions/{client.post('/api/sessions').json()['session']}"


def strict_json(response):
    """The body as JSON that JSON can carry: no NaN or Infinity (Python's json writes and
    reads them; a browser's JSON.parse does not)."""
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")
    return json.loads(response.text, parse_constant=refuse)


# -- point 6: numbers and types ------------------------------------------------------

BAD_NUMBERS = ["NaN", "Infinity", "-Infinity", "1e309", "-1e309"]
WRONG_TYPES = {"number": ["true", '"1e5"', "[1]", "{}"], "integer": ["true", '"3"', "2.0", "1.5"],
               "string": ["5", "true"], "boolean": ['"yes"', "1"]}
# A valid body for every request body of the API (a new schema must be added here).
VALID = {"NewSession": {"config": {}}, "ConfigIn": {}, "TrainIn": {"epochs": 1},
         "SampleIn": {"index": 0}, "AnswerIn": {"answer": 0.5}, "Empty": {},
         "ParamIn": {"name": "W1", "index": [0, 0], "value": 0.5},
         "CompareIn": {"epochs": 2}, "PathsIn": {"learning_rates": [0.1], "epochs": 2}}


def _kinds(schema, components):
    """The JSON types a property's schema allows (following $ref, anyOf; a list: its items)."""
    if "$ref" in schema:
        return _kinds(components[schema["$ref"].rsplit("/", 1)[1]], components)
    if "anyOf" in schema:
        return [k for s in schema["anyOf"] for k in _kinds(s, components)]
    return [schema.get("type", "object")] if "enum" not in schema else ["string"]


def fields(openapi):
    """Every (operation, schema, path to a field, its JSON types) of every JSON request body,
    nested objects and list items included, read from the API's schema."""
    components = openapi["components"]["schemas"]
    out = []

    def walk(op, body, schema_name, prefix):
        schema = components[schema_name]
        for name, prop in schema.get("properties", {}).items():
            where = [*prefix, name]
            refs = [s["$ref"] for s in prop.get("anyOf", [prop]) if "$ref" in s]
            if refs:                                   # a nested body: its fields too
                walk(op, body, refs[0].rsplit("/", 1)[1], where)
                continue
            items = next((s["items"] for s in prop.get("anyOf", [prop]) if "items" in s), None)
            kinds = _kinds(prop, components)
            out.append((op, body, where, [k for k in kinds if k != "null"]))
            if items is not None:
                out.append((op, body, [*where, 0], _kinds(items, components)))

    for path, methods in openapi["paths"].items():
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            if body is None:
                continue
            name = next(s["$ref"] for s in body.get("anyOf", [body]) if "$ref" in s
                        ).rsplit("/", 1)[1]
            walk((method, path), name, name, [])
    return out


def _with(body, where, marker):
    """``body`` (a valid one) with the field at ``where`` set to ``marker``."""
    body = json.loads(json.dumps(body))
    node = body
    for key in where[:-1]:
        if isinstance(key, int):
            node = node[key]
            continue
        node = node.setdefault(key, {} if not isinstance(where[where.index(key) + 1], int)
                               else [0])
    last = where[-1]
    if isinstance(last, int):
        node[:] = [marker]
    else:
        node[last] = marker
    return body


@pytest.mark.slow
def test_every_number_refuses_nan_infinity_and_wrong_types_with_json(client, session):
    openapi = client.get("/openapi.json").json()
    found = fields(openapi)
    named = {(schema, ".".join(map(str, where))) for _, schema, where, _ in found}
    # the fields issue 19 names are among those read from the schema
    assert {("ParamIn", "value"), ("ConfigIn", "learning_rate"), ("ConfigIn", "noise"),
            ("AnswerIn", "answer"), ("TrainIn", "epochs"), ("NewSession", "config.noise"),
            ("ParamIn", "index.0")} <= named
    assert {schema for _, schema, _, _ in found} <= set(VALID)
    quiz = client.post(f"{session}/quiz").json()["quiz"]
    sid = session.rsplit("/", 1)[1]
    tried = 0
    for (method, path), schema, where, kinds in found:
        url = path.replace("{sid}", sid).replace("{qid}", quiz)
        values = [v for kind in kinds for v in WRONG_TYPES.get(kind, [])]
        if {"number", "integer"} & set(kinds):
            values += BAD_NUMBERS
        for value in values:
            if "number" in kinds and value in ("2.0", "1.5") or "array" in kinds:
                continue   # a float is a number; a list field's items are tried themselves
            text = json.dumps(_with(VALID[schema], where, "MARK")).replace('"MARK"', value)
            response = client.request(method.upper(), url, content=text.encode(),
                                      headers={"content-type": "application/json"})
            assert response.status_code == 422, (url, text, response.status_code, response.text)
            detail = strict_json(response)["detail"]
            assert isinstance(detail, list) and detail, text
            assert all(set(d) == {"type", "loc", "msg"} for d in detail), detail
            assert any(d["loc"][-len(where):] == where for d in detail), (where, detail)
            tried += 1
    assert tried > 100
    # and the session is as it was: nothing was set
    state = client.get(session).json()
    assert state["network"]["layers"][0]["W"] == [[0.5]] and state["epoch"] == 0


def test_a_name_with_a_lone_surrogate_is_a_json_answer(client, session):
    for body in (b'{"\\ud800": 1}', b'{"name": "\\ud800", "index": [0], "value": 1}'):
        response = client.put(f"{session}/param", content=body,
                              headers={"content-type": "application/json"})
        assert response.status_code == 422 and strict_json(response)["detail"]


def model_file(layers: int, **top) -> bytes:
    """A 1-1-...-1 model file of ``layers`` layers (tanh, a sigmoid output)."""
    return json.dumps({"format": "nnmath.network/1", **top, "layers": [
        {"activation": "tanh" if k < layers - 1 else "sigmoid", "W": [[0.5]], "b": [0.0]}
        for k in range(layers)]}).encode()


@pytest.mark.parametrize("key", ["net", "format_version", "loss"])
def test_a_model_file_with_any_top_level_key_downloads_again(client, session, key):
    value = "ssr" if key == "loss" else {"anything": [1, 2]}
    assert client.post(f"{session}/model",
                       files={"file": ("m.json", model_file(2, **{key: value}))}).status_code == 200
    for _ in range(2):   # every later GET /model
        response = client.get(f"{session}/model")
        assert response.status_code == 200, response.text
        assert json.loads(response.content)[key] == value


@pytest.mark.parametrize("name", ["漢" * 120 + ".csv", "é" * 300 + ".csv",
                                  "../../" + "x" * 400 + ".csv", "a/b\\c:d.csv"])
def test_an_uploads_name_never_reaches_the_file_system(client, session, name, tmp_path,
                                                       monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))   # the server's temporary files
    csv = b"psa,status\n3.8,Cancer\n0.8,Healthy\n2.5,Healthy\n1.9,Cancer\n"
    good = client.post(f"{session}/csv", files={"file": (name, csv)}, data={"target": "status"})
    assert good.status_code == 200, good.text
    bad = client.post(f"{session}/csv", files={"file": (name, csv)}, data={"target": "nope"})
    detail = bad.json()["detail"]
    assert bad.status_code == 400 and "nope" in detail, detail
    assert str(tmp_path) not in detail and "nnmath-upload" not in detail and "/tmp" not in detail
    model = client.post(f"{session}/model", files={"file": (name, model_file(2))})
    assert model.status_code == 200, model.text
    assert list(tmp_path.iterdir()) == []        # and nothing is left behind


# -- point 7: other sites ------------------------------------------------------------

@pytest.mark.slow
def test_requests_from_another_site_are_refused_and_the_session_survives():
    app = create_app()
    with TestClient(app, base_url=OWN) as page:           # no header of a script
        mine = page.post("/api/sessions", headers={"origin": OWN})
        assert mine.status_code == 201, mine.text        # the page's own Origin
        url = f"/api/sessions/{mine.json()['session']}"
        edited = page.put(f"{url}/param", json={"name": "W1", "index": [0, 0], "value": 0.9},
                          headers={"origin": OWN})
        assert edited.status_code == 200
        for _ in range(LIMITS.max_sessions):              # as many as the server keeps
            attack = page.post("/api/sessions", headers={"origin": EVIL})
            assert attack.status_code == 403, attack.text
            assert "must come from the page itself" in attack.json()["detail"]
        assert len(app.state.store) == 1
        for origin in (EVIL, "null", "http://127.0.0.1:9", "http://127.0.0.1.evil.example",
                       "http://localhost"):
            for method, path, body in (("put", "/param", {"name": "W1", "index": [0, 0],
                                                          "value": 5.0}),
                                       ("post", "/train", {"epochs": 3}), ("delete", "", None)):
                response = page.request(method.upper(), f"{url}{path}", json=body,
                                        headers={"origin": origin})
                assert response.status_code == 403, (origin, method, path)
        # a simple request (a form, a link's POST): neither an Origin nor the header
        for method, path in (("POST", "/api/sessions"), ("POST", f"{url}/train"),
                             ("POST", f"{url}/csv"), ("DELETE", url)):
            assert page.request(method, path).status_code == 403, path
        state = page.get(url).json()                      # reading needs no proof
        assert state["network"]["layers"][0]["W"] == [[0.9]] and state["epoch"] == 0
        assert page.post("/api/sessions", headers=SCRIPT).status_code == 201   # a script


@pytest.mark.slow
def test_every_answer_has_a_content_security_policy_and_nosniff(client, session):
    answers = {path: client.get(path) for path in (
        "/", "/static/app.js", "/static/style.css", "/api/options", "/openapi.json",
        session, f"{session}/data", "/api/sessions/nope", "/no/such/page")}
    answers["403"] = client.post("/api/sessions", headers={"origin": EVIL})
    answers["422"] = client.post(f"{session}/train", json={"epochs": True})
    answers["docs"] = client.get("/docs")
    for what, response in answers.items():
        headers = response.headers
        assert headers.get("x-content-type-options") == "nosniff", what
        assert headers.get("x-frame-options") == "DENY", what
        csp = dict(part.strip().split(" ", 1) for part in
                   headers["content-security-policy"].split(";"))
        assert csp["frame-ancestors"] == "'none'" and csp["default-src"] == "'self'", what
        assert "unsafe-inline" not in headers["content-security-policy"], what
        assert "unsafe-eval" not in headers["content-security-policy"], what
        if what != "docs":
            assert csp["script-src"] == "'self'", what
    # /docs: Swagger UI's one inline script, allowed by its hash and by nothing else
    inline = re.findall(r"<script>(.*?)</script>", answers["docs"].text, flags=re.S)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    script_src = re.search(r"script-src ([^;]*)", answers["docs"].headers[
        "content-security-policy"]).group(1)
    assert script_src.split() == ["'self'", f"'sha256-{digest}'"]


# -- point 8: the work of one request -------------------------------------------------

def rows_csv(n: int) -> bytes:
    """``n`` rows of one feature and two classes."""
    x = np.linspace(-3, 3, n)
    return ("x,t\n" + "".join(f"{v:.6f},{int(v > 0)}\n" for v in x)).encode()


@pytest.fixture
def counted_steps(monkeypatch):
    """The steps /train requests take, as a list: one for each call of the optimizer's
    ``step`` (momentum's: every engine calls it once a step; plain SGD's NumPy path
    updates in place without it)."""
    steps: list = []
    train = api.train

    def counting(*args, **kwargs):
        optimizer = kwargs["optimizer"]
        assert optimizer.name == "momentum"
        step = optimizer.step

        def counted(params, grads):
            steps.append(1)
            step(params, grads)

        optimizer.step = counted
        try:
            return train(*args, **kwargs)
        finally:
            del optimizer.step

    monkeypatch.setattr(api, "train", counting)
    return steps


@pytest.mark.slow
def test_a_train_request_is_bounded_in_steps(client, session, counted_steps):
    """Issue 19: 10 000 rows of a 1-1-1 network one row at a time ran 110 s in one request:
    500 epochs passed max_work (4 parameters) but made 5 000 000 steps."""
    state = client.post(f"{session}/csv", files={"file": ("rows.csv", rows_csv(10_000))},
                        data={"target": "t"}).json()
    state = client.put(f"{session}/config", json={"hidden": [1], "batch_size": 1,
                                                   "optimizer": "momentum"}).json()
    assert state["network"]["sizes"] == [1, 1, 1] and state["data"]["n_samples"] == 10_000
    layers = len(state["network"]["layers"])
    most = state["max_epochs_now"]
    assert 1 <= most and most * 10_000 * layers <= LIMITS.max_steps
    one_line = client.post(f"{session}/train", json={"epochs": most + 1})
    assert one_line.status_code == 413 and "max_steps" in one_line.json()["detail"]
    assert client.post(f"{session}/train", json={"epochs": 500}).status_code == 413
    assert counted_steps == []                          # refused before any step
    trained = client.post(f"{session}/train", json={"epochs": most})
    assert trained.status_code == 200 and trained.json()["epoch"] == most
    assert len(counted_steps) == most * 10_000 <= LIMITS.max_steps // layers
    # a larger batch: fewer steps, more epochs allowed
    state = client.put(f"{session}/config", json={"batch_size": 100}).json()
    assert state["max_epochs_now"] == min(LIMITS.max_epochs_per_request,
                                          LIMITS.max_work // (10_000 * 4),
                                          LIMITS.max_steps // (100 * layers))


def test_report_of_a_two_thousand_layer_model_is_refused_before_drawing(
        client, session, monkeypatch):
    """Issue 19: GET /report of an uploaded 2 000-layer model took 273 s."""
    import nnmath.report

    drawn = []
    monkeypatch.setattr(nnmath.report, "write_model_report",
                        lambda *args, **kwargs: drawn.append(args) or [])
    uploaded = client.post(f"{session}/model", files={"file": ("deep.json", model_file(2_000))})
    assert uploaded.status_code == 200, uploaded.text       # the page takes it (4 000 params)
    response = client.get(f"{session}/report")
    assert response.status_code == 413, response.text
    assert "max_report_layers" in response.json()["detail"] and "2,000" in response.json()[
        "detail"]
    assert drawn == []                                       # nothing was drawn
    deepest = LIMITS.max_report_layers
    client.post(f"{session}/model", files={"file": ("ok.json", model_file(deepest))})
    assert client.get(f"{session}/report").status_code == 200 and len(drawn) == 1


# -- point 13: the rows once -----------------------------------------------------------

@pytest.mark.slow
def test_the_rows_are_sent_once_per_data_never_with_a_state(client, session):
    uploaded = client.post(f"{session}/csv", files={"file": ("rows.csv", rows_csv(5_000))},
                           data={"target": "t"})
    version = uploaded.json()["data"]["version"]
    answers = [uploaded, client.get(session),
               client.put(f"{session}/sample", json={"index": 7}),
               client.put(f"{session}/config", json={"learning_rate": 0.05}),
               client.put(f"{session}/param", json={"name": "b1", "index": [0], "value": 0.1}),
               client.post(f"{session}/update"), client.post(f"{session}/train")]
    for response in answers:
        state = response.json()
        assert response.status_code == 200, response.text
        assert set(state["data"]) == {"name", "feature_names", "class_names", "task",
                                      "n_samples", "n_shown", "version"}
        assert state["data"]["version"] == version          # the same data: the same rows
        assert len(response.content) < 50_000               # 5 000 rows would be more
    rows = client.get(f"{session}/data").json()
    assert rows["version"] == version and len(rows["X"]) == len(rows["y"]) == 1_000
    assert rows["X"][:2] == [[-3.0], [pytest.approx(-3 + 6 / 4_999, abs=1e-6)]]
    other = client.put(f"{session}/config", json={"dataset": "circle"}).json()
    assert other["data"]["version"] != version             # new data: ask again
    assert client.get(f"{session}/data").json()["version"] == other["data"]["version"]


# -- point 8: a busy server stopped twice ---------------------------------------------------

# `nnmath serve` whose /report draws the real report and then waits for ever: a request
# that is under way for as long as the test needs (the one thing patched).
BLOCKED_REPORT = """
import sys, threading
import nnmath.report
real = nnmath.report.write_model_report
def blocked(*args, **kwargs):
    files = real(*args, **kwargs)
    print("report drawn", flush=True)
    threading.Event().wait()
nnmath.report.write_model_report = blocked
from nnmath.cli import entry
entry(sys.argv[1:])
"""


def _lines(stream) -> queue.Queue:
    """The lines of a process's stream, as they come (None at its end)."""
    lines: queue.Queue = queue.Queue()

    def read():
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def _next(lines: queue.Queue, what: str) -> str:
    try:
        line = lines.get(timeout=PATIENCE)
    except queue.Empty:
        raise AssertionError(f"no line from the server: waited for {what}") from None
    assert line is not None, f"the server ended before {what}"
    return line


def _rest(lines: queue.Queue) -> str:
    """The lines still to come, up to the stream's end (the process has ended)."""
    rest = []
    while (line := lines.get(timeout=PATIENCE)) is not None:
        rest.append(line)
    return "".join(rest)


@pytest.mark.slow
@pytest.mark.parametrize("signum,code,last", [(signal.SIGINT, 0, None),
                                              (signal.SIGTERM, 143, "nnmath serve: terminated")])
def test_a_second_signal_on_a_busy_server_exits_quietly_and_cleans_up(tmp_path, signum, code,
                                                                       last):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", BLOCKED_REPORT, "serve", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(scratch)})
    try:
        out, err = _lines(proc.stdout), _lines(proc.stderr)
        url = re.search(r"(http://\S+/)", _next(out, "its URL")).group(1)
        request = urllib.request.Request(url + "api/sessions", data=b"{}", method="POST",
                                         headers={"content-type": "application/json", **SCRIPT})
        with urllib.request.urlopen(request) as response:
            sid = json.load(response)["session"]
        nan = urllib.request.Request(f"{url}api/sessions/{sid}/train", data=b'{"epochs": NaN}',
                                     method="POST", headers={"content-type": "application/json",
                                                             **SCRIPT})
        with pytest.raises(urllib.error.HTTPError) as refused:   # 422, and nothing logged
            urllib.request.urlopen(nan)
        with refused.value as answer:
            assert answer.code == 422 and json.load(answer)["detail"]

        def ask_report():
            try:
                urllib.request.urlopen(f"{url}api/sessions/{sid}/report").read()
            except (urllib.error.URLError, ConnectionError, OSError):
                pass   # cut short with the server: expected

        threading.Thread(target=ask_report, daemon=True).start()
        assert _next(out, "the report") == "report drawn\n"      # under way, its folder full
        assert len(list(scratch.iterdir())) == 1              # the report's folder
        proc.send_signal(signum)
        said = _next(err, "the first signal's line")
        assert said == ("nnmath serve: stopping when the 1 request(s) under way end "
                        "(Ctrl-C again stops at once)\n")
        proc.send_signal(signum)
        proc.wait(timeout=PATIENCE)
        rest_out, rest_err = _rest(out), _rest(err)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == code, (proc.returncode, rest_err)
    assert "Traceback" not in rest_err and "Error" not in rest_err, rest_err
    assert rest_err == ("" if last is None else last + "\n")
    assert rest_out == ("nnmath serve: stopped\n" if last is None else "")
    assert list(scratch.iterdir()) == []                      # no report folder left


def test_sigterm_stops_an_idle_server_with_one_line(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "nnmath", "serve", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "http://127.0.0.1:" in proc.stdout.readline()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=PATIENCE)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 143 and out == "" and err == "nnmath serve: terminated\n"


TRAVERSALS = [
    "/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py",
    "/static/%2e%2e%2fapp.py", "/static/....//app.py", "/static/..\\app.py",
    "/static/..%5capp.py", "/static/%252e%252e/app.py", "/static//etc/passwd",
    "/static/%2fetc%2fpasswd", "/static/../../../../../../etc/passwd",
    "/static/vendor/../../app.py", "/static/.%2e/.%2e/app.py",
]


def test_static_files_refuse_every_traversal():
    """The page's files are served from the package's static folder only: 13 ways of
    writing "go up" (raw, percent-encoded once and twice, backslashes, absolute paths) sent
    byte for byte over a socket (an HTTP client would tidy the dots away first) get 404
    and never a byte of the package's code or of /etc/passwd."""
    import socket

    uvicorn = pytest.importorskip("uvicorn", reason="uvicorn is a dependency of nnmath serve")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started = threading.Condition()
    with started:
        while not server.started and thread.is_alive():
            started.wait(0.02)
    try:
        for path in TRAVERSALS:
            with socket.create_connection(("127.0.0.1", port)) as conn:
                conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                             "Connection: close\r\n\r\n".encode("latin-1"))
                answer = b""
                while chunk := conn.recv(65536):
                    answer += chunk
            status = answer.split(b"\r\n", 1)[0]
            assert b" 404 " in status + b" ", (path, status)
            assert b"create_app" not in answer and b"root:" not in answer, path
        with socket.create_connection(("127.0.0.1", port)) as conn:   # the control: it serves
            conn.sendall(f"GET /static/app.js HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                         "Connection: close\r\n\r\n".encode("latin-1"))
            assert b" 200 " in conn.recv(65536).split(b"\r\n", 1)[0] + b" "
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


def test_the_pages_report_draws_tex_names_as_text(client, session):
    """The page's /report of a table whose column and class names are TeX (``$x^{$``,
    ``$\\foo$``: matplotlib's mathtext fails on both) is a zip of the pictures, not a 500:
    the names are drawn as text, as the command line's report draws them."""
    import io
    import zipfile

    foo = "$\\foo$"
    rows = "".join(f"{i % 7 - 3},{(i * 3) % 5 - 2},{foo if i % 2 else 'ok'}\n" for i in range(40))
    up = client.post(f"{session}/csv", files={"file": ("t.csv", ("$x^{$,b,target\n" + rows).encode())},
                     data={"target": "target"})
    assert up.status_code == 200, up.text
    assert up.json()["data"]["feature_names"][0] == "$x^{$"
    assert client.post(f"{session}/train", json={"epochs": 5}).status_code == 200
    report = client.get(f"{session}/report")
    assert report.status_code == 200, report.text[:300]
    names = zipfile.ZipFile(io.BytesIO(report.content)).namelist()
    assert any(n.endswith(".png") for n in names) and any(n.endswith("report.md") for n in names)
