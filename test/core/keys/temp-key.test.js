"use strict";
// The temporary-key REST call and its REST base, against the simulator's real HTTP route.
const assert = require("assert");
const http = require("http");
const { startSimulator } = require("../../../dist/simulator");
const { checkTempKeyRequest, mintTemporaryKey } = require("../../../dist/core/keys/temp-key");
const { resolveApiUrl } = require("../../../dist/core/keys/rest-base");

const KEY = "long-lived-secret-key";

function rejects(promise, check) {
  return promise.then(
    () => assert.fail("expected a rejection"),
    (err) => check(err),
  );
}

describe("resolveApiUrl", function () {
  it("maps the three regions to Soniox's REST hosts", function () {
    assert.strictEqual(resolveApiUrl("us", "", ""), "https://api.soniox.com");
    assert.strictEqual(resolveApiUrl(undefined, "", ""), "https://api.soniox.com");
    assert.strictEqual(resolveApiUrl("eu", "", ""), "https://api.eu.soniox.com");
    assert.strictEqual(resolveApiUrl("jp", "", ""), "https://api.jp.soniox.com");
  });

  it("derives a custom REST base from the WebSocket URL's host (wss→https, ws→http), or takes the REST URL", function () {
    assert.strictEqual(resolveApiUrl("custom", "wss://proxy.example:8443/transcribe-websocket", ""), "https://proxy.example:8443");
    assert.strictEqual(resolveApiUrl("custom", "ws://127.0.0.1:8765/transcribe-websocket", ""), "http://127.0.0.1:8765");
    assert.strictEqual(resolveApiUrl("custom", "wss://proxy.example/ws", " https://rest.example/base/ "), "https://rest.example/base");
  });

  it("refuses http:// to another machine and anything unparsable, naming the setting", function () {
    assert.throws(() => resolveApiUrl("custom", "wss://x.example/ws", "http://rest.example"), /REST URL.*https:\/\//);
    assert.throws(() => resolveApiUrl("custom", "", ""), (err) => err.code === "invalid_config" && /Custom URL/.test(err.message));
    assert.throws(() => resolveApiUrl("mars", "", ""), /Unknown region "mars"/);
  });
});

describe("checkTempKeyRequest", function () {
  it("keeps Soniox's names, defaults usage_type and leaves blank optional fields out", function () {
    assert.deepStrictEqual(checkTempKeyRequest({ expires_in_seconds: "60", max_session_duration_seconds: "", client_reference_id: "" }), {
      usage_type: "transcribe_websocket",
      expires_in_seconds: 60,
    });
    assert.deepStrictEqual(
      checkTempKeyRequest({ usage_type: "tts_rt", expires_in_seconds: 3600, single_use: true, max_session_duration_seconds: 18000, client_reference_id: "u-1" }),
      { usage_type: "tts_rt", expires_in_seconds: 3600, single_use: true, max_session_duration_seconds: 18000, client_reference_id: "u-1" },
    );
  });

  it("names the field and range of every bad value", function () {
    const cases = [
      [{ expires_in_seconds: 0 }, /expires_in_seconds must be a whole number from 1 to 3600, got 0/],
      [{ expires_in_seconds: 3601 }, /expires_in_seconds .* 1 to 3600/],
      [{}, /expires_in_seconds/],
      [{ expires_in_seconds: 1.5 }, /expires_in_seconds/],
      [{ expires_in_seconds: 60, max_session_duration_seconds: 18001 }, /max_session_duration_seconds must be a whole number from 1 to 18000/],
      [{ expires_in_seconds: 60, client_reference_id: "x".repeat(257) }, /client_reference_id must be at most 256 characters, got 257/],
      [{ expires_in_seconds: 60, client_reference_id: 7 }, /client_reference_id must be a string/],
      [{ expires_in_seconds: 60, usage_type: "stt" }, /usage_type must be transcribe_websocket or tts_rt, got "stt"/],
      [{ expires_in_seconds: 60, single_use: "yes" }, /single_use must be true or false/],
    ];
    for (const [input, pattern] of cases) {
      assert.throws(() => checkTempKeyRequest(input), (err) => err.code === "invalid_config" && pattern.test(err.message), JSON.stringify(input));
    }
  });
});

describe("mintTemporaryKey against the simulator", function () {
  let sim;
  beforeEach(async function () {
    sim = await startSimulator({ apiKeys: [KEY] });
  });
  afterEach(async function () {
    await sim.close();
  });

  it("returns api_key and expires_at, and the simulator stored the key with its limits", async function () {
    const before = Date.now();
    const key = await mintTemporaryKey({
      apiUrl: sim.httpUrl + "/",
      apiKey: KEY,
      request: { usage_type: "transcribe_websocket", expires_in_seconds: 30, single_use: true, client_reference_id: "user-7" },
    });
    assert.match(key.api_key, /^temp:[A-Z2-7]{26}$/);
    const expires = Date.parse(key.expires_at);
    assert.ok(expires >= before + 29000 && expires <= Date.now() + 31000, key.expires_at);
    const stored = sim.tempKeys.usable(key.api_key, new Date());
    assert.strictEqual(stored.singleUse, true);
    assert.strictEqual(stored.clientReferenceId, "user-7");
  });

  it("turns a 400 ApiError into one sentence with every validation error", async function () {
    await rejects(
      mintTemporaryKey({ apiUrl: sim.httpUrl, apiKey: KEY, request: { usage_type: "transcribe_websocket", expires_in_seconds: 4000 } }),
      (err) => {
        assert.strictEqual(err.code, 400);
        assert.strictEqual(err.retryable, false);
        assert.match(err.message, /\(400 invalid_request\): Invalid request\. \(expires_in_seconds: Input should be less than or equal to 3600\)/);
      },
    );
  });

  it("says what to check on 401 and never repeats the key it sent", async function () {
    const wrong = "wrong-secret-key";
    await rejects(mintTemporaryKey({ apiUrl: sim.httpUrl, apiKey: wrong, request: { usage_type: "transcribe_websocket", expires_in_seconds: 60 } }), (err) => {
      assert.strictEqual(err.code, 401);
      assert.match(err.message, /Incorrect API key provided.*Check the API key of the soniox config node/);
      assert.ok(!err.message.includes(wrong));
    });
  });

  it("reports an unreachable host as connection_failed, without the key", async function () {
    const port = sim.port;
    await sim.close();
    sim = await startSimulator({ apiKeys: [KEY] });
    await rejects(mintTemporaryKey({ apiUrl: `http://127.0.0.1:${port}`, apiKey: KEY, request: { usage_type: "transcribe_websocket", expires_in_seconds: 60 } }), (err) => {
      assert.strictEqual(err.code, "connection_failed");
      assert.match(err.message, /Could not reach http:\/\/127\.0\.0\.1:\d+\/v1\/auth\/temporary-api-key/);
      assert.ok(!err.message.includes(KEY));
    });
  });
});

describe("mintTemporaryKey against odd servers", function () {
  let server;
  afterEach(function (done) {
    server.closeAllConnections();
    server.close(() => done());
  });

  function serve(handler) {
    server = http.createServer(handler);
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${server.address().port}`)));
  }

  it("times out with connect_timeout when no answer comes", async function () {
    const url = await serve(() => {});
    await rejects(mintTemporaryKey({ apiUrl: url, apiKey: KEY, timeoutMs: 100, request: { usage_type: "transcribe_websocket", expires_in_seconds: 60 } }), (err) => {
      assert.strictEqual(err.code, "connect_timeout");
      assert.match(err.message, /within 100 ms/);
    });
  });

  it("refuses a 201 without api_key as a protocol error, and a plain-text 500 by its status", async function () {
    let status = 201;
    const url = await serve((req, res) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(status === 201 ? "{}" : `upstream broke while using ${KEY}`);
    });
    const request = { usage_type: "transcribe_websocket", expires_in_seconds: 60 };
    await rejects(mintTemporaryKey({ apiUrl: url, apiKey: KEY, request }), (err) => assert.strictEqual(err.code, "protocol"));
    status = 500;
    await rejects(mintTemporaryKey({ apiUrl: url, apiKey: KEY, request }), (err) => {
      assert.strictEqual(err.code, 500);
      assert.strictEqual(err.retryable, true);
      assert.match(err.message, /\(500\)\./);
      assert.ok(!err.message.includes(KEY));
    });
  });
});
