"use strict";
// The Wyoming TCP server on loopback, without Node-RED: its bound on connections.
const assert = require("assert");
const { WyomingServer, MAX_CONNECTIONS } = require("../../../dist/core/wyoming");
const { systemClock } = require("../../../dist/core/clock");
const { WyomingClient } = require("../../support/wyoming-client");

const noop = () => {};
const HANDLERS = { start: noop, audio: noop, stop: noop, cancel: noop, ended: noop, timeout: noop, protocolError: noop };

describe("WyomingServer", function () {
  let server;
  const clients = [];
  beforeEach(async function () {
    server = new WyomingServer({ host: "127.0.0.1", port: 0, name: "t", version: "0", streaming: false, endpointing: false, responseTimeoutMs: 1000, clock: systemClock, handlers: HANDLERS });
    await server.listen();
  });
  afterEach(async function () {
    for (const c of clients.splice(0)) c.close();
    await server.close();
  });

  it(`takes ${MAX_CONNECTIONS} connections at once and tells the next one why it is closed`, async function () {
    for (let i = 0; i < MAX_CONNECTIONS; i++) clients.push(await WyomingClient.connect(server.port));
    for (const c of clients) c.send("ping", { text: "x" });
    await Promise.all(clients.map((c) => c.next("pong")));
    const extra = await WyomingClient.connect(server.port);
    clients.push(extra);
    assert.strictEqual((await extra.next("error")).data.code, "too-many-connections");
    await extra.untilClosed();
    clients[0].close();
    const deadline = Date.now() + 3000;
    while (server.connectionCount >= MAX_CONNECTIONS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const next = await WyomingClient.connect(server.port);
    clients.push(next);
    next.send("describe");
    assert.ok((await next.next("info")).data.asr);
  });
});
