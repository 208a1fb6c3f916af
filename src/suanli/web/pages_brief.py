"""Routes of the brief pages and API (added to the app by :func:`suanli.web.create_app`)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
