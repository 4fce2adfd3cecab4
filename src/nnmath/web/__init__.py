"""``nnmath serve``: the local page and the JSON API behind it.

The page (``static/``) computes nothing; every number comes from the engine through the
API, built by :func:`nnmath.web.app.create_app`:

- ``app``: the FastAPI app, its safety (Host check, bounded bodies) and error answers;
- ``api`` (a session: create, configure, edit, step, update, train), ``teaching``
  (a parameter's derivation, questions) and ``transfer`` (uploads, downloads): the routes;
- ``sessions``: one browser tab's state, and the bounded store of them;
- ``setup``: a configuration, and the data and network it makes;
- ``views``: a session and a step's :class:`~nnmath.trace.Trace` as JSON;
- ``quiz``, ``uploads``, ``limits``, ``schemas``: the teaching mode's questions, bounded
  uploads, the server's limits, the pydantic bodies and answers.

FastAPI and uvicorn are imported by these modules only, never by ``import nnmath``.
"""
