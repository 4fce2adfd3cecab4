"""``nnmath serve``: the local page and the JSON API behind it.

The page (``static/``) computes nothing; every number comes from the engine through the
API (:mod:`nnmath.web.app`): a session (:mod:`nnmath.web.sessions`) holds one tab's data,
network and training settings (:mod:`nnmath.web.setup`); :mod:`nnmath.web.views` turns
them, and one step's :class:`~nnmath.trace.Trace`, into JSON. FastAPI and uvicorn are
imported here only, never by ``import nnmath``.
"""
