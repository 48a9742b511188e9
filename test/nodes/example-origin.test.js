"use strict";
// The browser examples answer only their own pages, checked without a browser: plain HTTP and
// WebSocket requests carrying the headers a browser would send, against a real Node-RED process
// running examples/flows.json and the simulator. test/browser/origin.test.js does it in Chromium.
const assert = require("assert");
const http = require("http");
const WebSocket = require("ws");
const { startStack, waitFor } = require("../browser/support");

/** POSTs with the given headers; `localAddress` (another loopback address) makes it another client. */
function post(base, path, headers = {}, localAddress = undefined) {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), { method: "POST", headers: { "content-length": 0, ...headers }, localAddress }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      const json = /json/.test(res.headers["content-type"] || "");
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: json ? JSON.parse(body) : body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Opens the caption socket; resolves with the socket and the messages it receives, or the refusal. */
function openCaptionSocket(base, origin) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${base.replace("http", "ws")}/ws/soniox-caption`, origin ? { origin } : {});
    const received = [];
    ws.on("message", (data) => received.push(JSON.parse(String(data))));
    ws.on("open", () => resolve({ ws, received }));
    ws.on("unexpected-response", (req, res) => resolve({ refused: res.statusCode }));
    ws.on("error", () => resolve({ refused: "error" }));
  });
}

const speech = () => {
  const buf = Buffer.alloc(32000);
  for (let i = 0; i < buf.length / 2; i++) buf.writeInt16LE(i % 40 < 20 ? 8000 : -8000, i * 2);
  return buf;
};

describe("browser examples refuse other origins (plain HTTP/WS)", function () {
  this.timeout(60000);
  let stack;
  let own;
  const sockets = [];

  before(async function () {
    stack = await startStack();
    own = stack.red.url;
    // Node-RED says it is running before every flow has registered its routes (404 until then);
    // a refused request mints nothing, so it can be repeated until the routes are there.
    const started = Date.now();
    while ((await post(own, "/soniox/caption/ticket", { origin: "http://evil.example" })).status === 404) {
      if (Date.now() - started > 20000) throw new Error("the example routes never appeared");
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async function () {
    for (const ws of sockets) ws.terminate();
    if (stack) await stack.stop();
  });

  for (const [what, headers] of [
    ["an Origin of another site", { origin: "http://evil.example" }],
    ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
    ["Sec-Fetch-Site: same-site (a sibling subdomain)", { "sec-fetch-site": "same-site" }],
    ["a malformed Origin", { origin: "not a url" }],
  ]) {
    it(`refuses the key and ticket routes for ${what}, with no wildcard CORS header`, async function () {
      for (const path of ["/soniox/direct/key", "/soniox/caption/ticket"]) {
        const res = await post(own, path, headers);
        assert.strictEqual(res.status, 403, path);
        assert.match(res.body.error, /only answers pages served by this Node-RED/);
        assert.notStrictEqual(res.headers["access-control-allow-origin"], "*", path);
      }
      assert.strictEqual(stack.sim.tempKeys.count, 0, "no key was minted");
    });
  }

  it("refuses a page of another site that names itself in X-Forwarded-Host when no proxy is trusted (no Sec-Fetch-Site: plain http on a LAN, older Safari)", async function () {
    for (const path of ["/soniox/direct/key", "/soniox/caption/ticket"]) {
      const res = await post(own, path, { origin: "http://evil.example", "x-forwarded-host": "evil.example" });
      assert.strictEqual(res.status, 403, `${path}: ${JSON.stringify(res.body)}`);
      assert.notStrictEqual(res.headers["access-control-allow-origin"], "http://evil.example");
    }
    assert.strictEqual(stack.sim.tempKeys.count, 0, "no key was minted");
  });

  it("limits unused caption tickets per client: one program asking in a loop does not lock out another", async function () {
    const ask = (localAddress) => post(own, "/soniox/caption/ticket", { "sec-fetch-site": "same-origin" }, localAddress);
    let granted = 0;
    let last;
    for (let i = 0; i < 150 && (last = await ask("127.0.0.3")).status === 200; i++) granted++;
    assert.strictEqual(last.status, 429, "the looping client is stopped");
    assert.ok(granted <= 20, `${granted} tickets for one client`);
    const other = await ask("127.0.0.4");
    assert.strictEqual(other.status, 200, `another client: ${JSON.stringify(other.body)}`);
    assert.match(other.body.ticket, /^[0-9a-f]{32}$/);
  });

  it("needs its own CORS header: Node-RED gives every route under the editor's root a wildcard", async function () {
    const res = await new Promise((resolve) => http.get(`${own}/soniox/direct`, { headers: { origin: "http://evil.example" } }, resolve));
    res.resume();
    assert.strictEqual(res.headers["access-control-allow-origin"], "*", "if this changes, the examples' header override may go");
  });

  it("mints for its own page, naming only its own origin for CORS", async function () {
    const res = await post(own, "/soniox/direct/key", { origin: own, "sec-fetch-site": "same-origin" });
    assert.strictEqual(res.status, 200);
    assert.match(res.body.api_key, /^temp:/);
    assert.strictEqual(res.headers["access-control-allow-origin"], own);
  });

  it("refuses the caption socket's handshake from another origin (webSocketNodeVerifyClient)", async function () {
    const res = await openCaptionSocket(own, "http://evil.example");
    assert.strictEqual(res.refused, 401);
  });

  it("streams nothing for a connection without a ticket, and says why once per command", async function () {
    const before = stack.sim.connections.length;
    const { ws, received } = await openCaptionSocket(own);
    sockets.push(ws);
    ws.send("ticket 0123456789abcdef0123456789abcdef");
    ws.send("start");
    for (let i = 0; i < 5; i++) ws.send(speech());
    await waitFor(() => received.length === 2, 5000, "two refusals");
    await new Promise((r) => setTimeout(r, 300));
    assert.deepStrictEqual(received, [
      { error: "Refused: open this page from this Node-RED (no valid ticket)." },
      { error: "Refused: open this page from this Node-RED (no valid ticket)." },
    ]);
    assert.strictEqual(stack.sim.connections.length, before, "no Soniox stream was opened");
  });

  it("streams for a connection that presents a fresh ticket, which works only once", async function () {
    const ticket = (await post(own, "/soniox/caption/ticket", { "sec-fetch-site": "same-origin" })).body.ticket;
    assert.match(ticket, /^[0-9a-f]{32}$/);
    const before = stack.sim.connections.length;
    const first = await openCaptionSocket(own, own);
    sockets.push(first.ws);
    first.ws.send(`ticket ${ticket}`);
    first.ws.send("start");
    first.ws.send(speech());
    await waitFor(() => stack.sim.connections.length === before + 1 && stack.sim.connections[before].audioMs > 0, 10000, "audio at the simulator");
    const second = await openCaptionSocket(own, own);
    sockets.push(second.ws);
    second.ws.send(`ticket ${ticket}`);
    second.ws.send("start");
    await waitFor(() => second.received.length >= 1, 5000, "a refusal for the reused ticket");
    assert.match(second.received[0].error, /no valid ticket/);
  });
});

describe("browser examples behind a reverse proxy that settings.js trusts (plain HTTP)", function () {
  this.timeout(60000);
  let stack;

  before(async function () {
    stack = await startStack({}, { settings: { httpServerOptions: { "trust proxy": "loopback" } } });
    const started = Date.now();
    while ((await post(stack.red.url, "/soniox/caption/ticket", { origin: "http://evil.example" })).status === 404) {
      if (Date.now() - started > 20000) throw new Error("the example routes never appeared");
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async function () {
    if (stack) await stack.stop();
  });

  // What nginx in front of Node-RED sends: the browser's host and scheme, and the browser's address.
  const proxied = (client, extra = {}) => ({
    origin: "https://captions.example",
    "x-forwarded-host": "captions.example",
    "x-forwarded-proto": "https",
    "x-forwarded-for": client,
    ...extra,
  });

  it("mints for the page the proxy serves, naming the public origin for CORS", async function () {
    const res = await post(stack.red.url, "/soniox/direct/key", proxied("203.0.113.7", { "sec-fetch-site": "same-origin" }));
    assert.strictEqual(res.status, 200, JSON.stringify(res.body));
    assert.strictEqual(res.headers["access-control-allow-origin"], "https://captions.example");
  });

  it("still refuses another site through the proxy", async function () {
    const res = await post(stack.red.url, "/soniox/caption/ticket", proxied("203.0.113.7", { origin: "https://evil.example" }));
    assert.strictEqual(res.status, 403);
  });

  it("counts tickets per browser behind the proxy (X-Forwarded-For), not per proxy", async function () {
    let last;
    for (let i = 0; i < 150 && (last = await post(stack.red.url, "/soniox/caption/ticket", proxied("203.0.113.8"))).status === 200; i++);
    assert.strictEqual(last.status, 429);
    const other = await post(stack.red.url, "/soniox/caption/ticket", proxied("203.0.113.9"));
    assert.strictEqual(other.status, 200, JSON.stringify(other.body));
  });
});
