"""``nnmath serve``'s API against its own OpenAPI schema, with schemathesis.

Every operation gets at most :data:`MAX_EXAMPLES` generated requests (derandomized:
the same requests on every run), each on a fresh session (a path's ``sid`` is replaced
by a real one; a quiz id stays random, so those answers are 404s). Checks: no server
error, and the status code, content type and body are the ones the schema documents.
"""

from __future__ import annotations

from collections import Counter

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from nnmath.web.app import LOCAL_HOSTS, create_app  # noqa: E402

# not in make test-fast: seconds of pictures, reports, searches or pages
pytestmark = pytest.mark.slow

MAX_EXAMPLES = 25
APP = create_app(allowed_hosts=LOCAL_HOSTS + ("testserver",))   # schemathesis's test host
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
SCRIPT = {"X-Requested-With": "schemathesis"}   # a script's proof (app.SameOrigin)
CALLS: Counter = Counter()
STATUSES: Counter = Counter()
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@SCHEMA.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_schema(case):
    if "sid" in (case.path_parameters or {}):
        case.path_parameters["sid"] = APP.state.store.create({}).sid
    response = case.call_and_validate(checks=CHECKS, headers=SCRIPT)
    CALLS[f"{case.operation.method.upper()} {case.operation.path}"] += 1
    STATUSES[response.status_code] += 1


def test_every_operation_was_called():
    operations = {f"{op.ok().method.upper()} {op.ok().path}"
                  for op in SCHEMA.get_all_operations()}
    assert set(CALLS) == operations, operations - set(CALLS)
    print(f"\nschemathesis: {len(operations)} operations, {sum(CALLS.values())} requests, "
          f"statuses {dict(sorted(STATUSES.items()))}")
