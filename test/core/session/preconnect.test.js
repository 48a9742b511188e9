"use strict";
// A pre-connected stream ("start" before any audio) must work whether or not Soniox counts a
// keepalive as the first audio (UNCONFIRMED): against the strict simulator the idle session gets
// 408 and the stream reconnects lazily when audio comes; against the lenient one it simply waits.
const assert = require("assert");
const { startSimulator } = require("../../../dist/simulator");
const { TranscriptionStream, wsTransport } = require("../../../dist/core/session");
const { systemClock } = require("../../../dist/core/clock");

const KEY = "pre-key";
const SCRIPT = "pre connected words";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tone(ms) {
  const n = ms * 16;
  const b = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(9000 * Math.sin((2 * Math.PI * 440 * i) / 16000)), i * 2);
  return b;
}

async function preconnectThenTalk(simOptions) {
  const sim = await startSimulator({ apiKeys: [KEY], script: SCRIPT, wordMs: 200, finalLagMs: 200, firstAudioTimeoutMs: 400, ...simOptions });
  const stream = new TranscriptionStream({
    key: "p",
    url: sim.url,
    apiKey: KEY,
    authMethod: "header",
    start: { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 },
    transport: wsTransport,
    clock: systemClock,
    keepaliveIntervalMs: 100,
    connectTimeoutMs: 3000,
    finishTimeoutMs: 3000,
    pacing: false,
    maxQueuedBytes: 1 << 24,
    idleTimeoutMs: 0,
    reconnect: { enabled: true, maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 100, rateLimitDelayMs: 100 },
  });
  const responses = [];
  const restarts = [];
  stream.on("response", (r) => responses.push(r));
  stream.on("restart", (r) => restarts.push(r));
  const closed = new Promise((resolve) => stream.on("closed", resolve));
  try {
    stream.control({ type: "start" });
    await sleep(900); // past the 400 ms first-audio timeout, with keepalives every 100 ms
    stream.audio(tone(1000));
    stream.control({ type: "stop" });
    const info = await Promise.race([closed, sleep(5000).then(() => ({ reason: "timeout" }))]);
    const text = responses.flatMap((r) => r.tokens).filter((t) => t.is_final).map((t) => t.text).join("");
    return { info, text, restarts, connections: sim.connections.map((c) => ({ audio: c.audioBytes, error: c.error })) };
  } finally {
    stream.cancel();
    await sim.close();
  }
}

describe("a pre-connected stream under both readings of the first-audio timeout", function () {
  this.timeout(15000);

  it("strict (keepalive is not audio): the idle session's 408 costs nothing; audio opens a new session", async () => {
    const r = await preconnectThenTalk({});
    assert.strictEqual(r.info.reason, "finished", JSON.stringify(r.info));
    assert.strictEqual(r.text, "pre connected words");
    assert.strictEqual(r.connections.length, 2);
    assert.deepStrictEqual(r.connections[0], { audio: 0, error: { error_code: 408, error_message: "Timed out while waiting for the first audio chunk" } });
    assert.deepStrictEqual(r.restarts, [], "nothing was transcribed before, so there is nothing to mark");
  });

  it("lenient (keepalive counts): the pre-connected session takes the audio", async () => {
    const r = await preconnectThenTalk({ strict: false });
    assert.strictEqual(r.info.reason, "finished", JSON.stringify(r.info));
    assert.strictEqual(r.text, "pre connected words");
    assert.strictEqual(r.connections.length, 1);
  });
});
