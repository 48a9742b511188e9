"use strict";
// The session core against the simulator over real sockets: what the fake transport cannot show.
const assert = require("assert");
const { SonioxSession } = require("../../../dist/core/session/session");
const { RawMeter } = require("../../../dist/core/audio/audio-meter");
const { systemClock } = require("../../../dist/core/clock");
const { wsTransport } = require("../../../dist/core/session/transport");
const { startSimulator } = require("../../../dist/simulator");

const START = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 };

function session(sim, overrides = {}) {
  const s = new SonioxSession({
    url: sim.url,
    apiKey: "test-key",
    start: START,
    transport: wsTransport,
    clock: systemClock,
    meter: new RawMeter({ format: "pcm_s16le", sampleRate: 16000, channels: 1 }),
    ...overrides,
  });
  const closed = new Promise((resolve) => s.once("close", resolve));
  return { s, closed };
}

function tone(ms) {
  const n = ms * 16;
  const b = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) b.writeInt16LE(i % 32 < 16 ? 9000 : -9000, i * 2);
  return b;
}

describe("SonioxSession over real sockets against the simulator", function () {
  this.timeout(10000);
  let sim;
  afterEach(() => sim && sim.close());

  it("authenticates by header, streams, ends with finished and a clean close", async function () {
    sim = await startSimulator({ script: "one two three", wordMs: 100 });
    const { s, closed } = session(sim);
    const results = [];
    s.on("result", (r) => results.push(r));
    s.sendAudio(tone(500));
    s.end();
    const info = await closed;
    assert.deepStrictEqual(info, { reason: "finished" });
    const conn = sim.connections[0];
    assert.strictEqual(conn.authMethod, "header");
    assert.deepStrictEqual(conn.startMessage, START);
    assert.strictEqual(conn.audioBytes, tone(500).length);
    assert.strictEqual(results.flatMap((r) => r.tokens).filter((t) => t.is_final).map((t) => t.text).join("").trim(), "one two three");
  });

  it("authenticates with the soniox-api-key subprotocol", async function () {
    sim = await startSimulator();
    const { s, closed } = session(sim, { authMethod: "subprotocol" });
    s.sendAudio(tone(100));
    s.end();
    assert.strictEqual((await closed).reason, "finished");
    assert.strictEqual(sim.connections[0].authMethod, "subprotocol");
  });

  it("refuses a temp: key with subprotocol auth as a configuration error, without connecting", async function () {
    sim = await startSimulator();
    const { s, closed } = session(sim, { authMethod: "subprotocol", apiKey: "temp:WYJ67RBEFUWQXXPKYPD2UGXKWB" });
    s.start();
    const info = await closed;
    assert.strictEqual(info.error.code, "invalid_config");
    assert.strictEqual(info.error.retryable, false);
    assert.match(info.error.message, /Authorization header/);
    assert.strictEqual(sim.connections.length, 0);
  });

  it("surfaces an HTTP 401 upgrade refusal with its status", async function () {
    sim = await startSimulator({ badKeyResponse: "http" });
    const { s, closed } = session(sim, { apiKey: "bad-key" });
    s.start();
    const info = await closed;
    assert.strictEqual(info.reason, "failed");
    assert.strictEqual(info.error.code, 401);
    assert.match(info.error.message, /HTTP 401/);
    assert.ok(!info.error.message.includes("bad-key"));
  });

  it("surfaces a 401 error frame sent after the upgrade", async function () {
    sim = await startSimulator();
    const { s, closed } = session(sim, { apiKey: "bad-key" });
    s.start();
    const info = await closed;
    assert.strictEqual(info.error.code, 401);
    assert.strictEqual(info.error.retryable, false);
  });

  it("reports a connection refused as a retryable connection failure", async function () {
    sim = await startSimulator();
    const url = sim.url;
    await sim.close();
    sim = null;
    const { s, closed } = session({ url });
    s.start();
    const info = await closed;
    assert.strictEqual(info.error.code, "connection_failed");
    assert.strictEqual(info.error.retryable, true);
  });

  it("keeps a silent stream open past the server's idle timeout with keepalives", async function () {
    sim = await startSimulator({ keepaliveTimeoutMs: 400 });
    const { s, closed } = session(sim, { keepaliveIntervalMs: 150 });
    s.sendAudio(tone(100));
    await new Promise((r) => setTimeout(r, 1200));
    assert.strictEqual(s.state, "streaming");
    assert.ok(sim.connections[0].controlMessages.filter((c) => c.type === "keepalive").length >= 5);
    s.end();
    assert.strictEqual((await closed).reason, "finished");
  });

  it("surfaces a 503 mid-stream as retryable", async function () {
    sim = await startSimulator({ faults: [{ afterAudioMs: 200, action: "error", code: 503 }] });
    const { s, closed } = session(sim);
    s.sendAudio(tone(600));
    const info = await closed;
    assert.strictEqual(info.error.code, 503);
    assert.strictEqual(info.error.retryable, true);
    assert.match(info.error.message, /Cannot continue request/);
  });
});
