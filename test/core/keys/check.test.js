"use strict";
// Checking a key without streaming: each outcome a user can act on, from a real server over a real
// socket (the simulator's REST route, or a small server answering as a proxy, a portal or a
// TLS-inspecting middlebox would), and the key never in what comes back.
const assert = require("assert");
const fs = require("fs");
const http = require("http");
const https = require("https");
const net = require("net");
const path = require("path");
const { startSimulator } = require("../../../dist/simulator");
const { checkKey, proxyInEnvironment } = require("../../../dist/core/keys");

const KEY = "check-me-long-lived-key-0123456789";
const TLS = path.join(__dirname, "..", "..", "fixtures", "tls");

/** A server that answers every request with `status`, `type` and `body`, and records what came. */
async function answering(status, type, body, { secure = false } = {}) {
  const seen = [];
  const handler = (req, res) => {
    seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    req.resume();
    res.writeHead(status, { "Content-Type": type });
    res.end(typeof body === "function" ? body(req) : body);
  };
  const server = secure
    ? https.createServer({ key: fs.readFileSync(path.join(TLS, "self-signed.key")), cert: fs.readFileSync(path.join(TLS, "self-signed.crt")) }, handler)
    : http.createServer(handler);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `${secure ? "https" : "http"}://127.0.0.1:${server.address().port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

/** A loopback port nothing listens on. */
async function deadPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const apiError = (status, type, message) => JSON.stringify({ status_code: status, error_type: type, message, validation_errors: [], request_id: "r" });

describe("checkKey: does a key work in a region, without streaming", function () {
  this.timeout(15000);
  let server = null;
  let sim = null;

  afterEach(async function () {
    if (server) await server.close();
    if (sim) await sim.close();
    server = null;
    sim = null;
  });

  it("ok: the region mints a one-second single-use key with it (the simulator's REST route)", async function () {
    sim = await startSimulator({ apiKeys: [KEY] });
    const apiUrl = sim.url.replace(/^ws/, "http").replace(/\/[^/]*$/, "").replace(/(:\d+).*$/, "$1");
    const result = await checkKey({ apiUrl, apiKey: KEY });
    assert.strictEqual(result.outcome, "ok", JSON.stringify(result));
    const rejected = await checkKey({ apiUrl, apiKey: "not-the-key" });
    assert.deepStrictEqual([rejected.outcome, rejected.status], ["key-rejected", 401]);
  });

  it("the probe asks for the shortest key, single use, and sends the key only in the Authorization header", async function () {
    let body = null;
    server = await answering(201, "application/json", (req) => {
      req.on("data", (d) => (body = JSON.parse(d)));
      return JSON.stringify({ api_key: "temp:x", expires_at: new Date().toISOString() });
    });
    assert.strictEqual((await checkKey({ apiUrl: server.url, apiKey: KEY })).outcome, "ok");
    assert.deepStrictEqual(server.seen.map((s) => [s.method, s.url, s.authorization]), [["POST", "/v1/auth/temporary-api-key", `Bearer ${KEY}`]]);
    assert.strictEqual(body.expires_in_seconds, 1);
    assert.strictEqual(body.single_use, true);
  });

  it("no balance: 402 from Soniox", async function () {
    server = await answering(402, "application/json", apiError(402, "payment_required", "Organization balance exhausted. Please either add funds manually or enable autopay."));
    const result = await checkKey({ apiUrl: server.url, apiKey: KEY });
    assert.deepStrictEqual([result.outcome, result.status], ["no-balance", 402]);
    assert.match(result.detail, /balance exhausted/);
  });

  it("key rejected: 401 or 403 (no permission), and a key echoed in the answer is not in the detail", async function () {
    server = await answering(401, "application/json", apiError(401, "unauthenticated", `Incorrect API key provided: ${KEY}`));
    const result = await checkKey({ apiUrl: server.url, apiKey: KEY });
    assert.deepStrictEqual([result.outcome, result.status], ["key-rejected", 401]);
    assert.ok(!JSON.stringify(result).includes(KEY), JSON.stringify(result));
    await server.close();
    server = await answering(403, "application/json", apiError(403, "permission_denied", "The key has no permission for this API."));
    assert.strictEqual((await checkKey({ apiUrl: server.url, apiKey: KEY })).outcome, "key-rejected");
  });

  it("proxy trouble: an answer that is not Soniox's (a filtering proxy's or a portal's HTML page)", async function () {
    server = await answering(502, "text/html", "<html>Bad Gateway</html>");
    assert.deepStrictEqual([(await checkKey({ apiUrl: server.url, apiKey: KEY })).outcome], ["proxy"]);
    await server.close();
    server = await answering(403, "text/html", `<html><body>Access denied by policy. ${KEY}</body></html>`);
    const result = await checkKey({ apiUrl: server.url, apiKey: KEY });
    assert.strictEqual(result.outcome, "proxy", "a 403 page that is not Soniox's ApiError is not a rejected key");
    assert.ok(!JSON.stringify(result).includes(KEY));
  });

  it("TLS trouble: a certificate that cannot be verified (as a TLS-inspecting middlebox presents)", async function () {
    server = await answering(201, "application/json", "{}", { secure: true });
    const result = await checkKey({ apiUrl: server.url, apiKey: KEY });
    assert.strictEqual(result.outcome, "tls", JSON.stringify(result));
    assert.deepStrictEqual(server.seen, [], "the key was not sent over the unverified connection");
  });

  it("region unreachable: nothing listens there; with HTTPS_PROXY set it is proxy trouble (these nodes connect directly)", async function () {
    const apiUrl = `http://127.0.0.1:${await deadPort()}`;
    assert.strictEqual((await checkKey({ apiUrl, apiKey: KEY })).outcome, "unreachable");
    assert.strictEqual((await checkKey({ apiUrl, apiKey: KEY, proxyConfigured: true })).outcome, "proxy");
  });

  it("knows a proxy is set from HTTPS_PROXY / HTTP_PROXY in either case, and not from a blank one", function () {
    assert.strictEqual(proxyInEnvironment({ HTTPS_PROXY: "http://proxy:3128" }), true);
    assert.strictEqual(proxyInEnvironment({ http_proxy: "http://proxy:3128" }), true);
    assert.strictEqual(proxyInEnvironment({ https_proxy: " " }), false);
    assert.strictEqual(proxyInEnvironment({}), false);
  });

  it("another error from Soniox (429, 500) is said as it came", async function () {
    server = await answering(429, "application/json", apiError(429, "rate_limited", "Too many requests."));
    const result = await checkKey({ apiUrl: server.url, apiKey: KEY });
    assert.deepStrictEqual([result.outcome, result.status], ["refused", 429]);
    assert.match(result.detail, /Too many requests/);
  });
});
