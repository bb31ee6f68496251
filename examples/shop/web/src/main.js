// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 Shop Inc.
import express from "express";
import TinyQueue from "./vendor/tinyqueue.js";

const app = express();
const orders = new TinyQueue();
app.get("/health", (_req, res) => res.json({ ok: true, queued: orders.length }));
app.listen(8080);
