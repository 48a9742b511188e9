"use strict";
// Fault injection against the simulator, through the real Node-RED runtime. For every retryable
// fault: no crash, the right status, every audio byte that went into the node reached a Soniox
// session in order, and timestamps continue across the restart.
const assert = require("assert");
const { startSimulator } = require("../../dist/simulator");
const { helper, NODES, transcribeFlow, load, collect, waitFor } = require("../support/nodered");

const KEY = "fault-key";
const BYTES_PER_MS = 32;
const figures = [];

/** Loud PCM whose every 64-byte run is unique within a few seconds, so pieces can be located. */
function rampAudio(ms, startSample = 0) {
  const samples = ms * 16;
  const buf = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const n = startSample + i;
    buf.writeInt16LE(((n * 37) % 30000) - 15000 + ((n >> 10) % 7), i * 2);
  }
  return buf;
}

/** Feeds audio like a live source: one 120 ms chunk every 120 ms. */
function liveFeed(tx, topic, totalMs, chunkMs = 120) {
  const chunks = [];
  for (let t = 0; t < totalMs; t += chunkMs) chunks.push(rampAudio(chunkMs, t * 16));
  const input = Buffer.concat(chunks);
  const done = new Promise((resolve) => {
    let i = 0;
    const timer = setInterval(() => {
      tx.receive({ topic, payload: chunks[i++] });
      if (i === chunks.length) {
        clearInterval(timer);
        resolve();
      }
    }, chunkMs);
  });
  return { input, done };
}

/**
 * Every byte of `input` reached some connection, in order. A replacement session may repeat the
 * audio its predecessor had not finalized (that is the point), so later connections may overlap
 * earlier ones but never leave a gap. Returns the byte offset each connection started at.
 */
function assertCovered(input, conns, headerBytes = 0) {
  let covered = 0;
  const starts = [];
  conns.forEach((conn, i) => {
    let data = conn.receivedAudio();
    if (i > 0 && headerBytes) data = data.subarray(headerBytes);
    if (data.length === 0) return starts.push(covered);
    const probe = data.subarray(0, Math.min(64, data.length));
    const at = input.indexOf(probe, Math.max(0, covered - 400 * 1024));
    assert.ok(at >= 0, `connection ${i}'s audio is not from the input`);
    assert.ok(at <= covered, `gap before connection ${i}: bytes ${covered}..${at} never reached Soniox`);
    assert.ok(input.subarray(at, at + data.length).equals(data), `connection ${i}'s audio is out of order`);
    covered = Math.max(covered, at + data.length);
    starts.push(at);
  });
  assert.strictEqual(covered, input.length, `only ${covered} of ${input.length} bytes reached Soniox`);
  return starts;
}

/** Final spoken tokens across the whole stream: timestamps never go backwards at a restart. */
function assertTimelineContinues(responses, restartAt) {
  const tokens = responses.flatMap((m) => m.payload.tokens).filter((t) => t.is_final && t.start_ms !== undefined);
  for (let i = 1; i < tokens.length; i++) {
    assert.ok(tokens[i].start_ms >= tokens[i - 1].start_ms - 1, `timestamps jump back at token ${i}: ${tokens[i - 1].start_ms} → ${tokens[i].start_ms}`);
  }
  const after = responses.slice(restartAt + 1).flatMap((m) => m.payload.tokens).filter((t) => t.start_ms !== undefined);
  assert.ok(after.length > 0, "the new session produced tokens");
  return tokens;
}

describe("fault injection: streams survive the real world", function () {
  this.timeout(20000);
  let sim;

  async function setup(simOptions, props = {}) {
    sim = await startSimulator({ apiKeys: [KEY], wordMs: 200, finalLagMs: 400, ...simOptions });
    await new Promise((resolve) => helper.startServer(resolve));
    await load(NODES, transcribeFlow(sim, { reconnectDelay: 0.05, ...props }), { cfg: { apiKey: KEY } });
    return { tx: helper.getNode("tx"), responses: collect("responses"), caught: collect("caught") };
  }

  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
  });

  after(function () {
    if (figures.length) console.log(`      fault figures: ${figures.join("; ")}`);
  });

  const retryable = [
    ["503 mid-utterance", { faults: [{ connection: 0, afterAudioMs: 1000, action: "error", code: 503 }] }],
    ["500", { faults: [{ connection: 0, afterAudioMs: 900, action: "error", code: 500 }] }],
    ["408", { faults: [{ connection: 0, afterAudioMs: 900, action: "error", code: 408 }] }],
    ["429 (longer backoff)", { faults: [{ connection: 0, afterAudioMs: 900, action: "error", code: 429 }] }],
    ["abrupt close (no close frame)", { faults: [{ connection: 0, afterAudioMs: 900, action: "abrupt-close" }] }],
  ];
  for (const [name, simOptions] of retryable) {
    it(`${name}: reconnects, loses no audio, continues the timeline`, async function () {
      const { tx, responses, caught } = await setup(simOptions);
      const feed = liveFeed(tx, "mic", 2400);
      await feed.done;
      tx.receive({ topic: "mic", control: "stop" });
      await waitFor(() => responses.some((m) => m.payload.finished), 12000, "finished");
      assert.deepStrictEqual(caught, [], "a retryable fault never reaches Catch");
      assert.strictEqual(sim.connections.length, 2);
      const restartAt = responses.findIndex((m) => m.payload.restart);
      assert.ok(restartAt > 0, "a message marks the restart");
      const restart = responses[restartAt].payload.restart;
      assert.strictEqual(restart.session, 2);
      assert.strictEqual(restart.reason, "reconnect");
      assert.strictEqual(responses[restartAt].soniox.session, 2);
      const starts = assertCovered(feed.input, sim.connections);
      assert.strictEqual(restart.offset_ms, starts[1] / BYTES_PER_MS, "the new session's timeline starts where its audio starts");
      assertTimelineContinues(responses, restartAt);
      const last = responses[responses.length - 1];
      assert.ok(last.payload.total_audio_proc_ms >= 2300, `progress continues on the stream timeline (${last.payload.total_audio_proc_ms} ms)`);
      const stats = responses.find((m) => m.payload.finished).soniox.stats;
      assert.deepStrictEqual([stats.sessions, stats.skipped_ms, stats.damaged_stretches], [2, 0, 0], "the last message says the stream took two sessions and lost nothing");
      figures.push(`${name}: 0 bytes lost, replayed ${sim.connections[0].audioBytes - starts[1]} bytes`);
    });
  }

  it("a WAV stream is sent as the PCM its header names, so a reconnect needs no header and loses nothing", async function () {
    const { tx, responses, caught } = await setup({ faults: [{ connection: 0, afterAudioMs: 800, action: "error", code: 503 }] }, { audioFormat: "auto" });
    const pcm = rampAudio(2000);
    const header = Buffer.alloc(44);
    header.write("RIFF", 0);
    header.writeUInt32LE(36 + pcm.length, 4);
    header.write("WAVEfmt ", 8);
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(1, 22);
    header.writeUInt32LE(16000, 24);
    header.writeUInt32LE(32000, 28);
    header.writeUInt16LE(2, 32);
    header.writeUInt16LE(16, 34);
    header.write("data", 36);
    header.writeUInt32LE(pcm.length, 40);
    const wav = Buffer.concat([header, pcm]);
    tx.receive({ topic: "w", payload: wav, control: "stop" });
    await waitFor(() => responses.some((m) => m.payload.finished), 12000, "finished");
    assert.deepStrictEqual(caught, []);
    assert.strictEqual(sim.connections.length, 2);
    assert.deepStrictEqual(
      sim.connections.map((c) => [c.startMessage.audio_format, c.startMessage.sample_rate, c.startMessage.num_channels]),
      [["pcm_s16le", 16000, 1], ["pcm_s16le", 16000, 1]],
    );
    assertCovered(pcm, sim.connections);
  });

  for (const code of [400, 401, 402]) {
    it(`${code}: no reconnect, a Catch-able error with the code; later audio is dropped and counted until "start"`, async function () {
      const { tx, responses, caught } = await setup({ faults: [{ connection: 0, afterAudioMs: 300, action: "error", code }] });
      const feed = liveFeed(tx, "mic", 1200);
      await waitFor(() => caught.length === 1, 5000, "error");
      await feed.done;
      assert.strictEqual(caught.length, 1, "one error, not one per chunk");
      assert.strictEqual(caught[0].soniox.error.code, code);
      assert.strictEqual(caught[0].soniox.error.retryable, false);
      assert.strictEqual(sim.connections.length, 1, "no reconnect and no new connection per chunk");
      // 401 and 402 concern the whole account: the status says so, with Soniox's words (test/nodes/account-status.test.js).
      const status = { 400: /^error: 400$/, 401: /^key rejected \(401\): /, 402: /^no balance \(402\): Organization balance exhausted/ }[code];
      assert.match(tx.status.lastCall.args[0].text, status);
      assert.ok(tx.warn.args.some((a) => /stream stopped after error .*dropped \(and counted\)/.test(String(a[0]))));
      tx.receive({ topic: "mic", control: "start" });
      tx.receive({ topic: "mic", payload: rampAudio(300), control: "stop" });
      await waitFor(() => responses.some((m) => m.payload.finished), 5000, "a fresh stream after start");
      assert.ok(tx.warn.args.some((a) => /bytes of audio were dropped while the stream was stopped by error/.test(String(a[0]))));
    });
  }

  it("gives up after the configured attempts with a clear error", async function () {
    const { tx, caught } = await setup({ faults: [{ afterAudioMs: 200, action: "error", code: 503 }] }, { reconnectAttempts: 2 });
    const feed = liveFeed(tx, "mic", 1500);
    await waitFor(() => caught.length === 1, 10000, "give up");
    await feed.done;
    assert.strictEqual(caught[0].soniox.error.code, 503);
    assert.match(caught[0].error.message, /gave up after 2 reconnect attempts/);
    assert.strictEqual(sim.connections.filter((c) => c.error).length, 3);
  });

  it("with reconnect switched off, a retryable error stops the stream", async function () {
    const { tx, caught } = await setup({ faults: [{ connection: 0, afterAudioMs: 300, action: "error", code: 503 }] }, { reconnect: false });
    const feed = liveFeed(tx, "mic", 800);
    await waitFor(() => caught.length === 1, 5000, "error");
    await feed.done;
    assert.strictEqual(caught[0].soniox.error.retryable, true);
    assert.strictEqual(sim.connections.length, 1);
  });

  it("silence longer than Soniox's idle limit: keepalives hold the stream, no error", async function () {
    const { tx, responses, caught } = await setup({ keepaliveTimeoutMs: 1500 }, { keepaliveInterval: 1 });
    tx.receive({ topic: "quiet", payload: rampAudio(300) });
    await new Promise((r) => setTimeout(r, 3500));
    tx.receive({ topic: "quiet", payload: rampAudio(300, 300 * 16), control: "stop" });
    await waitFor(() => responses.some((m) => m.payload.finished), 6000, "finished");
    assert.deepStrictEqual(caught, []);
    assert.strictEqual(sim.connections.length, 1);
    assert.ok(sim.connections[0].controlMessages.filter((c) => c.type === "keepalive").length >= 2);
  });

  it("a server that stops answering (no pong) is detected and replaced", async function () {
    const { tx, responses, caught } = await setup({ faults: [{ connection: 0, afterAudioMs: 600, action: "stop-responding" }] }, { heartbeat: 0.3 });
    const feed = liveFeed(tx, "mic", 2400);
    let silencedAt = null;
    sim.connections.length || (await waitFor(() => sim.connections.length, 3000, "connection"));
    await waitFor(() => sim.connections[0].audioMs >= 600, 3000, "fault point").then(() => (silencedAt = Date.now()));
    await waitFor(() => sim.connections.length === 2, 5000, "replacement");
    const detectMs = Date.now() - silencedAt;
    await feed.done;
    tx.receive({ topic: "mic", control: "stop" });
    await waitFor(() => responses.some((m) => m.payload.finished), 12000, "finished");
    assert.deepStrictEqual(caught, []);
    assert.ok(detectMs <= 1500, `dead connection noticed in ${detectMs} ms (ping every 300 ms, 300 ms to answer)`);
    figures.push(`dead connection detected in ${detectMs} ms with a 0.3 s heartbeat`);
    assertCovered(feed.input, sim.connections);
  });

  it("slow server reads: backpressure holds audio in the bounded queue and delivers it all in order", async function () {
    const { tx, responses, caught } = await setup({ pacing: { enforce: false } }, { pacing: false, maxQueueMb: 64 });
    await waitFor(() => true, 10);
    const big = rampAudio(16000); // 512 KB
    // Loopback TCP buffers absorb several MB by themselves; 40 MB is sure to back up into the socket.
    const burst = Buffer.concat(Array.from({ length: 80 }, () => big));
    tx.receive({ topic: "slow", payload: rampAudio(100) });
    await waitFor(() => sim.connections[0] && sim.connections[0].audioBytes > 0, 3000, "open");
    sim.pauseReading(sim.connections[0], 1500);
    tx.receive({ topic: "slow", payload: burst, control: "stop" });
    await waitFor(() => responses.some((m) => m.payload.finished), 15000, "finished");
    assert.deepStrictEqual(caught, []);
    assert.ok(sim.connections[0].receivedAudio().equals(Buffer.concat([rampAudio(100), burst])));
    const warned = tx.warn.args.some((a) => /cannot keep up/.test(String(a[0])));
    assert.ok(warned, "the user is told the socket cannot keep up");
  });

  it("rotates the session before the cap at a quiet moment, seamlessly", async function () {
    const { tx, responses, caught } = await setup({}, { rotateAfter: 0.01 });
    const parts = [rampAudio(960), Buffer.alloc(960 * BYTES_PER_MS), rampAudio(960, 960 * 16)];
    const all = Buffer.concat(parts);
    const chunks = [];
    for (let at = 0; at < all.length; at += 120 * BYTES_PER_MS) chunks.push(all.subarray(at, at + 120 * BYTES_PER_MS));
    for (const chunk of chunks) {
      tx.receive({ topic: "r", payload: chunk });
      await new Promise((r) => setTimeout(r, 120));
    }
    tx.receive({ topic: "r", control: "stop" });
    await waitFor(() => responses.some((m) => m.payload.finished), 12000, "finished");
    assert.deepStrictEqual(caught, []);
    assert.strictEqual(sim.connections.length, 2);
    await waitFor(() => sim.connections[0].finished, 3000, "old session finished");
    const restart = responses.find((m) => m.payload.restart).payload.restart;
    assert.strictEqual(restart.reason, "rotation");
    const joined = Buffer.concat(sim.connections.map((c) => c.receivedAudio()));
    assert.ok(joined.equals(all), "rotation neither repeats nor drops audio");
    assert.strictEqual(restart.offset_ms, sim.connections[0].audioBytes / BYTES_PER_MS);
    assert.strictEqual(responses.filter((m) => m.payload.finished).length, 1, "one finished for the stream");
  });
});
