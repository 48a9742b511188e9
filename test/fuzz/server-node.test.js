"use strict";
// Server-side fuzzing through the real node: the simulator pushes random garbage frames (sendRaw)
// into a live stream of a soniox-transcribe node, and error frames into other streams of the same
// node. The live stream's transcript must come out intact; each error frame must reach Catch as a
// clear error with its code; the simulator must see every failed socket closed.
const assert = require("assert");
const { startSimulator } = require("../../dist/simulator");
const { helper, NODES, transcribeFlow, load, waitFor } = require("../support/nodered");
const { prng, fuzzSettings } = require("./prng");
const { tolerableFrame, fatalFrame } = require("./frame-generators");
const { classifyError } = require("./error-text");

const KEY = "sk-fuzz-0123456789";
const SCRIPT = "turn on the kitchen lights please";
const { seed: SEED, cases: FRAMES } = fuzzSettings(777, 400, 4000);
const DOOMED = 6;

function pcm(ms, loud) {
  const samples = (ms * 16000) / 1000;
  const buf = Buffer.alloc(samples * 2);
  if (loud) for (let i = 0; i < samples; i++) buf.writeInt16LE(i % 40 < 20 ? 8000 : -8000, i * 2);
  return buf;
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe("fuzz: server frames through soniox-transcribe (simulator sendRaw, real sockets)", function () {
  this.timeout(process.env.FUZZ_LONG === "1" ? 300000 : 30000);
  let sim;

  before(async function () {
    sim = await startSimulator({ apiKeys: [KEY], script: SCRIPT, wordMs: 200, finalLagMs: 300 });
    await new Promise((resolve) => helper.startServer(resolve));
  });

  after(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
  });

  it(`keeps a live stream's transcript through ${FRAMES} garbage frames and reports error frames to Catch (seed ${SEED})`, async function () {
    await load(NODES, transcribeFlow(sim), { cfg: { apiKey: KEY } });
    const tx = helper.getNode("tx");
    const responses = [];
    const utterances = [];
    const caught = [];
    helper.getNode("responses").on("input", (m) => responses.push(m));
    helper.getNode("utterances").on("input", (m) => utterances.push(m));
    helper.getNode("caught").on("input", (m) => caught.push(m));
    const warnings = [];
    const warn = tx.warn.bind(tx);
    tx.warn = (text) => {
      warnings.push(String(text));
      warn(text);
    };
    const connOf = (id) => sim.connections.find((c) => c.startMessage && c.startMessage.client_reference_id === id);

    const r = prng(SEED);
    const speech = Buffer.concat([pcm(1400, true), pcm(600, false)]);
    const chunks = [];
    for (let off = 0; off < speech.length; off += 3200) chunks.push(speech.subarray(off, off + 3200));
    tx.receive({ topic: "good", payload: chunks[0], soniox: { client_reference_id: "good" } });
    const doomed = [];
    for (let i = 0; i < DOOMED; i++) {
      tx.receive({ topic: `doomed-${i}`, payload: pcm(100, true), soniox: { client_reference_id: `doomed-${i}` } });
      doomed.push({ key: `doomed-${i}`, ...fatalFrame(r) });
    }
    const good = await waitFor(() => connOf("good") && connOf("good").startMessage && connOf("good"), 5000, "the live stream");
    await waitFor(() => doomed.every((d) => connOf(d.key)), 5000, "the doomed streams");

    let sentFrames = 0;
    let bytes = 0;
    const perChunk = Math.ceil(FRAMES / (chunks.length - 1));
    for (let c = 1; c < chunks.length; c++) {
      for (let i = 0; i < perChunk && sentFrames < FRAMES; i++) {
        const frame = tolerableFrame(r);
        const data = frame.binary ? frame.binary : frame.text;
        assert.ok(sim.sendRaw(good, data), "the live stream's socket is still open");
        sentFrames++;
        bytes += data.length;
      }
      const victim = doomed[c - 1];
      if (victim) sim.sendRaw(connOf(victim.key), JSON.stringify(victim.frame));
      tx.receive({ topic: "good", payload: chunks[c] });
      await pause(5);
    }
    tx.receive({ topic: "good", control: "stop" });
    await waitFor(() => responses.some((m) => m.topic === "good" && m.payload.finished), 15000, "the live stream to finish");
    await waitFor(() => caught.length >= DOOMED, 5000, "an error per error frame");

    const goodText = responses.filter((m) => m.topic === "good").map((m) => m.payload.final_text).join("");
    assert.strictEqual(goodText.trim(), SCRIPT, "garbage frames changed the live stream's transcript");
    assert.strictEqual(utterances.filter((m) => m.topic === "good").map((m) => m.payload).join(" "), SCRIPT);
    assert.ok(good.receivedAudio().equals(speech), "every audio byte of the live stream arrived");
    assert.strictEqual(good.error, null);

    assert.strictEqual(caught.length, DOOMED, `one Catch per error frame, none for garbage: ${caught.map((m) => m.error.message)}`);
    for (const d of doomed) {
      const m = caught.find((x) => x.topic === d.key);
      assert.ok(m, `no Catch message for ${d.key}`);
      assert.strictEqual(classifyError(m.error.message), "soniox error");
      assert.strictEqual(m.soniox.error.code, d.code);
      assert.strictEqual(m.soniox.error.retryable, false);
      await waitFor(() => connOf(d.key).closed, 2000, `the simulator to see ${d.key} closed`);
    }
    for (const w of warnings) assert.ok(w.length <= 320, `a warning of ${w.length} chars`);
    tx.receive({ topic: "after", payload: pcm(200, true), control: "stop" });
    await waitFor(() => responses.some((m) => m.topic === "after" && m.payload.finished), 5000, "a fresh stream afterwards");
    console.log(
      `      fuzz server frames (node): seed ${SEED}, ${sentFrames} garbage frames (${(bytes / 1048576).toFixed(1)} MB) into a live stream, ` +
        `${warnings.length} warnings, ${DOOMED} error frames -> ${caught.length} Catch messages`,
    );
  });
});
