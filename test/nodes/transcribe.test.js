"use strict";
const assert = require("assert");
const { startSimulator } = require("../../dist/simulator");
const { helper, NODES, transcribeFlow, load, collect, waitFor } = require("../support/nodered");
const { leadOverSource } = require("../support/pacing");

const KEY = "sk-test-9f8e7d6c5b4a";
const SCRIPT = "turn on the kitchen lights please";

/** Speech-like PCM (a loud square wave) then silence, 16 kHz s16le mono. */
function pcm(ms, loud = true) {
  const samples = (ms * 16000) / 1000;
  const buf = Buffer.alloc(samples * 2);
  if (loud) for (let i = 0; i < samples; i++) buf.writeInt16LE(i % 40 < 20 ? 8000 : -8000, i * 2);
  return buf;
}

/** Every status the node shows from now on, in order (Node-RED keeps only the latest). */
function recordStatuses(node) {
  const statuses = [];
  const original = node.status.bind(node);
  node.status = (s) => {
    statuses.push(s);
    return original(s);
  };
  return statuses;
}

describe("soniox-transcribe node (real Node-RED runtime, simulator over real sockets)", function () {
  this.timeout(20000);
  let sim;

  beforeEach(async function () {
    sim = await startSimulator({ apiKeys: [KEY], script: SCRIPT, wordMs: 200, finalLagMs: 300 });
    await new Promise((resolve) => helper.startServer(resolve));
  });

  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
  });

  it("streams a whole buffer at real-time pace and emits non-final, then final tokens, then finished", async function () {
    await load(NODES, transcribeFlow(sim), { cfg: { apiKey: KEY } });
    const responses = collect("responses");
    const utterances = collect("utterances");
    const tx = helper.getNode("tx");
    const audio = Buffer.concat([pcm(2000), pcm(400, false)]);
    const started = Date.now();
    tx.receive({ topic: "kitchen", payload: audio });
    tx.receive({ topic: "kitchen", control: "stop" });
    await waitFor(() => responses.some((m) => m.payload.finished), 10000, "finished");
    const elapsed = Date.now() - started;
    const conn = sim.connections[0];
    assert.strictEqual(conn.authMethod, "header");
    assert.deepStrictEqual(conn.startMessage, {
      model: "stt-rt-v5",
      audio_format: "pcm_s16le",
      sample_rate: 16000,
      num_channels: 1,
      enable_endpoint_detection: true,
    });
    assert.ok(conn.receivedAudio().equals(audio), "every audio byte reached the server, in order");
    const lead = leadOverSource(conn, started);
    assert.ok(lead <= 700, `client stayed near real time (lead ${lead} ms)`);
    assert.ok(elapsed >= 1700, `2.4 s of audio took ${elapsed} ms to send (paced, not burst)`);
    const firstNonFinal = responses.findIndex((m) => m.payload.non_final_text !== "");
    const firstFinal = responses.findIndex((m) => m.payload.final_text !== "");
    assert.ok(firstNonFinal >= 0 && firstNonFinal < firstFinal, "non-final text arrives before final text");
    const finalText = responses.map((m) => m.payload.final_text).join("");
    assert.strictEqual(finalText.trim(), SCRIPT);
    const last = responses[responses.length - 1];
    assert.strictEqual(last.topic, "kitchen");
    assert.strictEqual(last.payload.finished, true);
    const stats = { sessions: 1, repeated_finals_dropped: 0, replay_bytes_dropped: 0, skipped_ms: 0, damaged_stretches: 0, damaged_bytes: 0 };
    assert.deepStrictEqual(last.soniox, { stream: "kitchen", session: 1, stats }, "the last message says what the stream went through");
    assert.deepStrictEqual(responses[0].soniox, { stream: "kitchen", session: 1 });
    for (const m of responses) {
      assert.ok(Array.isArray(m.payload.tokens));
      assert.strictEqual(typeof m.payload.final_audio_proc_ms, "number");
      assert.strictEqual(typeof m.payload.total_audio_proc_ms, "number");
    }
    assert.strictEqual(utterances.map((u) => u.payload).join(" "), SCRIPT);
    assert.strictEqual(typeof utterances[0].utterance.start_ms, "number");
    await waitFor(() => conn.closed, 2000, "socket closed");
    assert.strictEqual(conn.closeCode, 1000);
  });

  /** Output 1 of a paced stream: the script, then a second of silence (progress-only responses), then stop. */
  async function speechThenSilence(props) {
    await load(NODES, transcribeFlow(sim, props), { cfg: { apiKey: KEY } });
    const responses = collect("responses");
    helper.getNode("tx").receive({ topic: "quiet", payload: Buffer.concat([pcm(1400), pcm(1000, false)]), control: "stop" });
    await waitFor(() => responses.some((m) => m.payload.finished), 10000, "finished");
    assert.strictEqual(responses.map((m) => m.payload.final_text).join("").trim(), SCRIPT);
    const empty = responses.filter((m, i) => m.payload.tokens.length === 0 && !m.payload.finished && !(i > 0 && responses[i - 1].payload.non_final_text));
    return { empty, sent: responses.length, serverResponses: sim.connections[0].messagesSent };
  }

  it("sends only responses that bring something new, by default", async function () {
    const { empty, sent, serverResponses } = await speechThenSilence({});
    assert.deepStrictEqual(empty.map((m) => m.payload), [], "no response without tokens, tail to clear or finished");
    assert.ok(sent < serverResponses, `${sent} messages for ${serverResponses} responses`);
  });

  // How many progress-only responses the silence brings depends on how pacing cut the buffer (the
  // last part that fits the lead goes out as one frame): every response is what must come out.
  it("sends every response, progress-only ones too, when Send every response is ticked", async function () {
    const { empty, sent, serverResponses } = await speechThenSilence({ everyResponse: true });
    assert.ok(empty.length >= 1, `the silence gave progress-only responses (${empty.length})`);
    assert.strictEqual(sent, serverResponses, "one message per response the server sent");
  });

  it("reports <end> as endpoint and completes an utterance on it", async function () {
    await load(NODES, transcribeFlow(sim), { cfg: { apiKey: KEY } });
    const responses = collect("responses");
    const utterances = collect("utterances");
    helper.getNode("tx").receive({ topic: "t", payload: Buffer.concat([pcm(1400), pcm(900, false)]) });
    await waitFor(() => responses.some((m) => m.payload.endpoint), 8000, "endpoint");
    const endpoint = responses.find((m) => m.payload.endpoint);
    assert.ok(endpoint.payload.tokens.some((t) => t.text === "<end>"), "tokens kept exactly, <end> included");
    assert.ok(!endpoint.payload.final_text.includes("<end>"));
    await waitFor(() => utterances.length === 1, 2000, "utterance");
    assert.strictEqual(utterances[0].utterance.reason, "endpoint");
    assert.strictEqual(utterances[0].topic, "t");
  });

  it("drives finalize, keepalive, pause and resume from msg.control, in order with the audio", async function () {
    await load(NODES, transcribeFlow(sim, { keepaliveInterval: 1 }), { cfg: { apiKey: KEY } });
    const responses = collect("responses");
    const tx = helper.getNode("tx");
    tx.receive({ topic: "a", payload: pcm(300) });
    tx.receive({ topic: "a", control: { type: "finalize", trailing_silence_ms: 300 } });
    tx.receive({ topic: "a", control: "keepalive" });
    await waitFor(() => responses.some((m) => m.payload.finalized), 5000, "<fin>");
    tx.receive({ topic: "a", control: "pause" });
    tx.receive({ topic: "a", payload: pcm(200) });
    await waitFor(() => sim.connections[0].controlMessages.filter((c) => c.type === "keepalive").length >= 2, 4000, "keepalive while paused");
    tx.receive({ topic: "a", control: "resume", payload: pcm(100) });
    tx.receive({ topic: "a", control: "stop" });
    await waitFor(() => responses.some((m) => m.payload.finished), 5000, "finished");
    const conn = sim.connections[0];
    const types = conn.controlMessages.map((c) => c.type);
    assert.deepStrictEqual(conn.controlMessages[0], { type: "finalize", trailing_silence_ms: 300 });
    assert.strictEqual(types[1], "keepalive");
    assert.strictEqual(types[2], "finalize", "pause finalizes first");
    assert.strictEqual(conn.audioBytes, pcm(300).length + pcm(100).length, "audio sent while paused was dropped");
  });

  it("keeps several streams apart by msg.topic and refuses streams past the cap with a clear error", async function () {
    await load(NODES, transcribeFlow(sim, { maxStreams: 2 }), { cfg: { apiKey: KEY } });
    const responses = collect("responses");
    const caught = collect("caught");
    const tx = helper.getNode("tx");
    tx.receive({ topic: "cam1", payload: pcm(300) });
    tx.receive({ topic: "cam2", payload: pcm(300) });
    tx.receive({ topic: "cam3", payload: pcm(300) });
    await waitFor(() => caught.length === 1, 3000, "cap error");
    assert.match(caught[0].error.message, /Too many streams: 2 are open, so "cam3" was not started/);
    await waitFor(() => sim.connections.length === 2 && sim.connections.every((c) => c.audioBytes === pcm(300).length), 3000, "two streams");
    tx.receive({ topic: "cam1", control: "stop" });
    tx.receive({ topic: "cam2", control: "stop" });
    await waitFor(() => responses.filter((m) => m.payload.finished).length === 2, 5000, "both finished");
    const topics = new Set(responses.map((m) => m.topic));
    assert.deepStrictEqual([...topics].sort(), ["cam1", "cam2"]);
  });

  it("applies msg.soniox overrides from the first message of a stream", async function () {
    await load(NODES, transcribeFlow(sim), { cfg: { apiKey: KEY } });
    helper.getNode("tx").receive({
      topic: "x",
      payload: pcm(100),
      soniox: { language_hints: ["de", "en"], enable_speaker_diarization: true, client_reference_id: "door-1" },
    });
    await waitFor(() => sim.connections[0] && sim.connections[0].startMessage, 3000, "start message");
    const start = sim.connections[0].startMessage;
    assert.deepStrictEqual(start.language_hints, ["de", "en"]);
    assert.strictEqual(start.enable_speaker_diarization, true);
    assert.strictEqual(start.client_reference_id, "door-1");
    assert.strictEqual(start.audio_format, "pcm_s16le");
  });

  it("sends Catch-able errors for bad input and keeps streaming", async function () {
    await load(NODES, transcribeFlow(sim), { cfg: { apiKey: KEY } });
    const caught = collect("caught");
    const tx = helper.getNode("tx");
    tx.receive({ topic: "s", payload: pcm(100) });
    tx.receive({ topic: "s", control: "explode" });
    tx.receive({ topic: "s", payload: { not: "audio" } });
    tx.receive({ topic: "s", payload: [1, 2, 3] });
    tx.receive({ topic: "s", soniox: "nope", payload: 5 });
    tx.receive({ topic: "other", control: "finalize" });
    tx.receive({ topic: "bad", payload: pcm(100), soniox: { max_endpoint_delay_ms: 10 } });
    await waitFor(() => caught.length === 6, 3000, "six errors");
    const texts = caught.map((m) => m.error.message);
    assert.match(texts[0], /Unknown msg.control "explode": use one of start, finalize/);
    assert.match(texts[1], /msg.payload must be audio bytes .*got an object/);
    assert.match(texts[2], /got an array/);
    assert.match(texts[3], /got a number/);
    assert.match(texts[4], /No open stream "other" to finalize/);
    assert.match(texts[5], /max_endpoint_delay_ms must be an integer from 500 to 3000 \(got 10\)/);
    tx.receive({ topic: "s", payload: pcm(100) });
    await waitFor(() => sim.connections[0].audioBytes === pcm(100).length * 2, 3000, "stream still fine");
    assert.strictEqual(sim.connections.length, 1, "no stream was opened for the bad options");
  });

  it("refuses a message above the queue limit, and gives up on a format it cannot tell within Format wait, both to Catch with the routing", async function () {
    await load(NODES, transcribeFlow(sim, { audioFormat: "auto", maxQueueMb: 1, formatTimeout: 1 }), { cfg: { apiKey: KEY } });
    const caught = collect("caught");
    const tx = helper.getNode("tx");
    tx.receive({ topic: "big", payload: Buffer.alloc(1024 * 1024 + 1) });
    tx.receive({ topic: "web", payload: Buffer.from("OggS"), _session: { id: "browser-7" } });
    await waitFor(() => caught.length === 2, 5000, "two errors");
    assert.match(caught[0].error.message, /Stream "big": one message of 1\.0 MB is more than the "Queue limit per stream"/);
    assert.match(caught[1].error.message, /\[web\] Stream "web": the format of its audio could not be told from its first 4 bytes within 1 s/);
    assert.deepStrictEqual(caught[1]._session, { id: "browser-7" });
    assert.strictEqual(sim.connections.length, 0, "neither opened a connection");
  });

  it("surfaces Soniox errors to Catch with code, message and retryable, and never the key", async function () {
    await load(NODES, transcribeFlow(sim), { cfg: { apiKey: "wrong-key-123456" } });
    const caught = collect("caught");
    helper.getNode("tx").receive({ topic: "door", payload: pcm(100) });
    await waitFor(() => caught.length === 1, 5000, "401");
    const m = caught[0];
    assert.strictEqual(m.topic, "door");
    assert.deepStrictEqual(m.soniox.error, { code: 401, message: "Soniox error 401: Invalid API key.", retryable: false });
    assert.ok(!JSON.stringify(m).includes("wrong-key-123456"));
  });

  it("reads the key from SONIOX_API_KEY when the credential is empty", async function () {
    process.env.SONIOX_API_KEY = KEY;
    try {
      await load(NODES, transcribeFlow(sim), { cfg: {} });
      helper.getNode("tx").receive({ topic: "env", payload: pcm(100), control: "stop" });
      const responses = collect("responses");
      await waitFor(() => responses.some((m) => m.payload.finished), 5000, "finished");
      assert.strictEqual(sim.connections[0].authMethod, "header");
      assert.strictEqual(sim.connections[0].error, null);
    } finally {
      delete process.env.SONIOX_API_KEY;
    }
  });

  it("can send the key as the soniox-api-key subprotocol instead of a header", async function () {
    await load(NODES, transcribeFlow(sim, {}, { authMethod: "subprotocol" }), { cfg: { apiKey: KEY } });
    helper.getNode("tx").receive({ topic: "p", payload: pcm(100), control: "stop" });
    await waitFor(() => sim.connections[0] && sim.connections[0].finished, 5000, "finished");
    assert.strictEqual(sim.connections[0].authMethod, "subprotocol");
  });

  it("ends a stream that gets no audio for the idle timeout", async function () {
    await load(NODES, transcribeFlow(sim, { idleTimeout: 0.5 }), { cfg: { apiKey: KEY } });
    const responses = collect("responses");
    helper.getNode("tx").receive({ topic: "quiet", payload: pcm(100) });
    await waitFor(() => responses.some((m) => m.payload.finished), 5000, "idle end");
    assert.strictEqual(sim.connections[0].finished, true);
  });

  it("shows streams in the node status", async function () {
    await load(NODES, transcribeFlow(sim), { cfg: { apiKey: KEY } });
    const tx = helper.getNode("tx");
    const statuses = recordStatuses(tx);
    tx.receive({ topic: "a", payload: pcm(100) });
    tx.receive({ topic: "b", payload: pcm(100) });
    await waitFor(() => statuses.some((s) => s.text === "streaming (2 streams)"), 3000, "two streaming");
    assert.strictEqual(statuses[0].text, "connecting");
    tx.receive({ topic: "a", control: "stop" });
    tx.receive({ topic: "b", control: "stop" });
    await waitFor(() => statuses[statuses.length - 1].text === "idle", 5000, "idle");
  });

  it("clears its status when the flow is stopped, so no stale \"streaming\" stays under the node", async function () {
    await load(NODES, transcribeFlow(sim), { cfg: { apiKey: KEY } });
    const tx = helper.getNode("tx");
    const statuses = recordStatuses(tx);
    tx.receive({ topic: "a", payload: pcm(100) });
    await waitFor(() => statuses.some((s) => s.text === "streaming"), 3000, "streaming");
    await helper.unload();
    assert.deepStrictEqual(statuses[statuses.length - 1], {});
  });

  it("cancels every stream when the flow is stopped or redeployed", async function () {
    await load(NODES, transcribeFlow(sim), { cfg: { apiKey: KEY } });
    const tx = helper.getNode("tx");
    tx.receive({ topic: "a", payload: pcm(100) });
    tx.receive({ topic: "b", payload: pcm(100) });
    await waitFor(() => sim.openConnections.length === 2 && sim.connections.every((c) => c.audioBytes > 0), 3000, "open");
    const t0 = Date.now();
    await helper.unload();
    await waitFor(() => sim.openConnections.length === 0, 2000, "sockets closed");
    assert.ok(Date.now() - t0 < 2000);
  });

  it("refuses plain ws:// to another host in the config node", async function () {
    await load(NODES, transcribeFlow(sim, {}, { url: "ws://10.1.2.3:8765/transcribe-websocket" }), { cfg: { apiKey: KEY } });
    const caught = collect("caught");
    helper.getNode("tx").receive({ topic: "a", payload: pcm(100) });
    await waitFor(() => caught.length === 1, 3000, "error");
    assert.match(caught[0].error.message, /unencrypted ws:\/\/ to another machine/);
  });

  it("warns once when audio sent as auto is not a recognisable container", async function () {
    await load(NODES, transcribeFlow(sim, { audioFormat: "auto", pacing: false }), { cfg: { apiKey: KEY } });
    const tx = helper.getNode("tx");
    tx.receive({ topic: "raw", payload: pcm(200) });
    tx.receive({ topic: "raw", payload: pcm(200) });
    await waitFor(() => sim.connections[0] && sim.connections[0].audioBytes === pcm(200).length * 2, 3000, "audio");
    const warnings = tx.warn.args.map((a) => String(a[0])).filter((w) => /does not start with a known container header/.test(w));
    assert.strictEqual(warnings.length, 1);
    assert.match(warnings[0], /^\[raw\] .*set the audio format/);
  });

  it("names the field a misspelt msg.soniox option most likely meant, and leaves it out of the start message", async function () {
    await load(NODES, transcribeFlow(sim), { cfg: { apiKey: KEY } });
    const tx = helper.getNode("tx");
    tx.receive({ topic: "typo", payload: pcm(100), soniox: { enable_endpoint_detections: false } });
    await waitFor(() => sim.connections[0] && sim.connections[0].startMessage, 3000, "start message");
    assert.ok(!("enable_endpoint_detections" in sim.connections[0].startMessage), "not sent (the strict simulator would refuse it)");
    const warnings = tx.warn.args.map((a) => String(a[0])).filter((w) => /enable_endpoint_detections/.test(w));
    assert.strictEqual(warnings.length, 1);
    assert.match(warnings[0], /did you mean enable_endpoint_detection\?.*left out.*Pass unknown msg.soniox options/);
  });

  it("passes unknown msg.soniox options through when told to (new Soniox fields), still with a warning", async function () {
    sim.options = { ...sim.options, strict: false };
    await load(NODES, transcribeFlow(sim, { passUnknownOptions: true }), { cfg: { apiKey: KEY } });
    const tx = helper.getNode("tx");
    tx.receive({ topic: "new", payload: pcm(100), soniox: { shiny_new_option: 3 } });
    await waitFor(() => sim.connections[0] && sim.connections[0].startMessage, 3000, "start message");
    assert.strictEqual(sim.connections[0].startMessage.shiny_new_option, 3);
    assert.ok(tx.warn.args.some((a) => /shiny_new_option .*sent as given/.test(String(a[0]))));
  });

  it("starts a new stream when audio follows a stop before the old stream has finished", async function () {
    await load(NODES, transcribeFlow(sim), { cfg: { apiKey: KEY } });
    const responses = collect("responses");
    const caught = collect("caught");
    const tx = helper.getNode("tx");
    tx.receive({ topic: "door", payload: pcm(600), control: "stop" });
    tx.receive({ topic: "door", payload: pcm(300) });
    tx.receive({ topic: "door", control: "stop" });
    await waitFor(() => responses.filter((m) => m.payload.finished).length === 2, 8000, "both finished");
    assert.deepStrictEqual(caught, []);
    assert.strictEqual(sim.connections.length, 2);
    assert.deepStrictEqual(sim.connections.map((c) => c.audioBytes), [pcm(600).length, pcm(300).length]);
  });
});
