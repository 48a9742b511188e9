"use strict";
// Input-side fuzzing of soniox-transcribe in the real Node-RED runtime, against the simulator over
// real sockets. Thousands of random messages (payload types and sizes, msg.control, msg.soniox,
// stream keys) go to the node while one valid stream runs in the same node; its transcript must
// come out intact, every input must end in exactly one Complete or Catch, and every error text
// must be clear. FUZZ_LONG=1 runs ten times as many cases; FUZZ_SEED replays another seed.
const assert = require("assert");
const { startSimulator } = require("../../dist/simulator");
const { helper, NODES, transcribeFlow, load, waitFor } = require("../support/nodered");
const { prng, fuzzSettings } = require("./prng");
const { anyMessage, refusedMessage, fuzzTopic, sonioxOverrides } = require("./input-generators");
const { classifyError } = require("./error-text");

const KEY = "sk-fuzz-0123456789";
const SCRIPT = "turn on the kitchen lights please";
const { seed: SEED, cases: CASES } = fuzzSettings(20261124, 3000, 30000);
const BATCHES = 30;
const OPTION_CASES = Math.round(CASES / 6);
const OPTION_GROUP = 10;

/** Speech-like PCM (a loud square wave) or silence, 16 kHz s16le mono. */
function pcm(ms, loud) {
  const samples = (ms * 16000) / 1000;
  const buf = Buffer.alloc(samples * 2);
  if (loud) for (let i = 0; i < samples; i++) buf.writeInt16LE(i % 40 < 20 ? 8000 : -8000, i * 2);
  return buf;
}

/** The transcribe flow plus a Complete node on it, so every input's done() is observable. */
function fuzzFlow(sim) {
  return [
    ...transcribeFlow(sim, { maxStreams: 40 }),
    { id: "completer", z: "tab", type: "complete", scope: ["tx"], uncaught: false, wires: [["completed"]] },
    { id: "completed", z: "tab", type: "helper" },
  ];
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe("fuzz: soniox-transcribe input (real Node-RED runtime, simulator over real sockets)", function () {
  this.timeout(process.env.FUZZ_LONG === "1" ? 600000 : 45000);
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

  it(`keeps a valid stream intact and refuses every bad input clearly (${CASES + 2 * OPTION_CASES} cases, seed ${SEED})`, async function () {
    await load(NODES, fuzzFlow(sim), { cfg: { apiKey: KEY } });
    const tx = helper.getNode("tx");
    const outcome = new Map(); // _msgid -> "complete" | error text
    const streamErrors = [];
    const goodResponses = [];
    const goodUtterances = [];
    const endedTwice = []; // checked at the end: a throw inside a Node-RED listener would be swallowed
    const isCase = (msg) => typeof msg._msgid === "string" && msg._msgid.startsWith("fz-");
    const note = (id, what) => {
      if (outcome.has(id)) endedTwice.push(`${id}: ${outcome.get(id)} / ${what}`);
      outcome.set(id, what);
    };
    helper.getNode("completed").on("input", (msg) => isCase(msg) && note(msg._msgid, "complete"));
    helper.getNode("caught").on("input", (msg) => (isCase(msg) ? note(msg._msgid, msg.error.message) : streamErrors.push(msg)));
    helper.getNode("responses").on("input", (msg) => msg.topic === "good" && goodResponses.push(msg));
    helper.getNode("utterances").on("input", (msg) => msg.topic === "good" && goodUtterances.push(msg));
    let warnings = 0;
    const warn = tx.warn.bind(tx);
    tx.warn = (text) => {
      warnings++;
      warn(text);
    };

    const r = prng(SEED);
    const speech = Buffer.concat([pcm(1400, true), pcm(600, false)]);
    const goodChunks = [];
    for (let off = 0; off < speech.length; off += 3200) goodChunks.push(speech.subarray(off, off + 3200));
    const sent = [];
    const send = (msg, expectRefused) => {
      msg._msgid = `fz-${sent.length}`;
      sent.push({ id: msg._msgid, expectRefused, topic: msg.topic });
      tx.receive(msg);
    };
    tx.receive({ topic: "good", payload: goodChunks[0], soniox: { client_reference_id: "good-stream" } });

    const perBatch = Math.ceil(CASES / BATCHES);
    let goodIndex = 1;
    for (let n = 0; n < CASES; ) {
      for (let i = 0; i < perBatch && n < CASES; i++, n++) {
        if (r.chance(0.25)) send(refusedMessage(r, "good"), true);
        else {
          const { msg, refused } = anyMessage(r, fuzzTopic(r));
          send(msg, refused);
        }
      }
      if (goodIndex < goodChunks.length) tx.receive({ topic: "good", payload: goodChunks[goodIndex++] });
      await tick();
    }
    // msg.soniox is read when a stream opens, so each of these opens a new stream; it is canceled
    // once its socket had time to open, so the start message built from the options is sent too.
    for (let i = 0; i < OPTION_CASES; i += OPTION_GROUP) {
      const group = [];
      for (let j = i; j < Math.min(OPTION_CASES, i + OPTION_GROUP); j++) {
        group.push(`opt-${j}`);
        send({ topic: `opt-${j}`, payload: pcm(20, true), soniox: sonioxOverrides(r) }, false);
      }
      await pause(25);
      for (const topic of group) send({ topic, control: "cancel" }, false);
    }
    while (goodIndex < goodChunks.length) tx.receive({ topic: "good", payload: goodChunks[goodIndex++] });
    tx.receive({ topic: "good", control: "stop" });

    await waitFor(() => outcome.size === sent.length, 20000, `an outcome for all ${sent.length} inputs (have ${outcome.size})`);
    await waitFor(() => goodResponses.some((m) => m.payload.finished), 15000, "the valid stream to finish");

    assert.deepStrictEqual(endedTwice, [], "an input ended more than once");
    const categories = {};
    let refusedCount = 0;
    for (const { id, expectRefused, topic } of sent) {
      const result = outcome.get(id);
      if (result !== "complete") {
        refusedCount++;
        const category = classifyError(result);
        categories[category] = (categories[category] || 0) + 1;
      }
      if (expectRefused) assert.notStrictEqual(result, "complete", `${id} (topic ${String(topic)}) should have been refused`);
    }
    for (const m of streamErrors) {
      const category = classifyError(m.error.message);
      categories[category] = (categories[category] || 0) + 1;
      assert.ok(m.soniox && m.soniox.error && m.soniox.error.code !== undefined, `stream error without code: ${m.error.message}`);
    }

    const goodConn = sim.connections.find((c) => c.startMessage && c.startMessage.client_reference_id === "good-stream");
    assert.ok(goodConn, "the valid stream reached the simulator");
    assert.ok(goodConn.receivedAudio().equals(speech), "every byte of the valid stream arrived, in order, and nothing else");
    const finalText = goodResponses.map((m) => m.payload.final_text).join("");
    assert.strictEqual(finalText.trim(), SCRIPT, "the valid stream's transcript is intact");
    assert.strictEqual(goodUtterances.map((u) => u.payload).join(" "), SCRIPT);
    assert.strictEqual(goodConn.error, null);
    assert.ok(!streamErrors.some((m) => m.topic === "good"), "no error on the valid stream");

    // The node still serves a fresh stream after all of it.
    tx.receive({ topic: "after", payload: pcm(200, true), control: "stop" });
    await waitFor(() => sim.connections.some((c) => c.finished && c.audioBytes === pcm(200, true).length), 5000, "a fresh stream after the fuzz");

    console.log(
      `      fuzz input: seed ${SEED}, ${sent.length} cases, ${refusedCount} refused (Catch), ${sent.length - refusedCount} completed, ` +
        `${streamErrors.length} stream errors, ${warnings} warnings, ${sim.connections.length} simulator sessions\n` +
        `      error kinds: ${JSON.stringify(categories)}`,
    );
  });
});
