/*
 * tinyqueue — a small binary heap priority queue, vendored into the shop front end.
 *
 * Copyright (c) 2017-2024 Example Heap Authors
 * SPDX-License-Identifier: ISC
 */
export default class TinyQueue {
  constructor(data = [], compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0)) {
    this.data = data;
    this.length = data.length;
    this.compare = compare;
  }
}
