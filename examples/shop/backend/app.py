# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 Shop Inc.
"""The order service of the example shop."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/orders")
def orders():  # type: ignore[no-untyped-def]
    return jsonify([])
