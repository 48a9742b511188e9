"use strict";
// A real Soniox session (recorded by Soniox, with one-way translation en→de) played back by the
// simulator over a real socket into the transcribe node, whose first output feeds a token-filter
// node in every mode. The expected texts are read from the recording itself, not from our code.
const assert = require("assert");
const { startSimulator } = require("../../dist/simulator");
const { recordedResponses } = require("../support/recorded-session");
const { helper, NODES, transcribeFlow, load, collect, waitFor } = require("../support/nodered");

const KEY = "recorded-key";
const RECORDING = recordedResponses();
const AUDIO_MS = 14000;

// What the recording says: every final token once, and the last response's non-final tail, which
// the end of stream finalizes.
const lastTail = RECORDING.at(-1).filter((t) => !t.is_final);
const allFinal = [...RECORDING.flatMap((tokens) => tokens.filter((t) => t.is_final)), ...lastTail];
const isTranslation = (t) => t.translation_status === "translation";
const SPOKEN = allFinal.filter((t) => !isTranslation(t)).map((t) => t.text).join("");
const TRANSLATED = allFinal.filter(isTranslation).map((t) => t.text).join("");
const INTERLEAVED = allFinal.map((t) => t.text).join("");

/** A token-filter node per mode, each on the transcribe node's first output, each into its own sink. */
const FILTERS = {
  tokens: { mode: "tokens" },
  text: { mode: "text" },
  textSpoken: { mode: "text", translation: "original" },
  textSplit: { mode: "text", splitTranslation: true },
  caption: { mode: "caption", captionMaxChars: 100000, translation: "original" },
  utterance: { mode: "utterance" },
  utteranceSplit: { mode: "utterance", splitTranslation: true },
  turns: { mode: "turns", translation: "original" },
  phrase: { mode: "phrase", phrases: "google sheets\nhave a collision" },
};

function flow(sim) {
  const base = transcribeFlow(sim, {
    pacing: false,
    enableEndpointDetection: false,
    translation: "one_way",
    translationTargetLanguage: "de",
  });
  const tx = base.find((n) => n.id === "tx");
  tx.wires = [["responses", ...Object.keys(FILTERS).map((name) => `f-${name}`)], ["utterances"]];
  for (const [name, settings] of Object.entries(FILTERS)) {
    base.push({ id: `f-${name}`, z: "tab", type: "soniox-token-filter", name, ...settings, wires: [[`${name}0`], [`${name}1`]] });
    base.push({ id: `${name}0`, z: "tab", type: "helper" }, { id: `${name}1`, z: "tab", type: "helper" });
  }
  return base;
}

const joined = (messages) => messages.map((m) => m.payload).join("");

describe("a recorded real session through transcribe → token-filter, every mode", function () {
  this.timeout(30000);
  let sim;
  const got = {};

  before(async function () {
    // Faster than real time: pacing is off on both sides; the simulator plays one response per 200 ms of audio.
    sim = await startSimulator({ apiKeys: [KEY], recording: RECORDING, pacing: { enforce: false } });
    await new Promise((resolve) => helper.startServer(resolve));
    await load(NODES, flow(sim), { cfg: { apiKey: KEY } });
    const sinks = ["responses", "utterances", "caught"];
    for (const name of Object.keys(FILTERS)) sinks.push(`${name}0`, `${name}1`);
    for (const id of sinks) got[id] = collect(id);
    const tx = helper.getNode("tx");
    tx.receive({ topic: "talk", payload: Buffer.alloc((AUDIO_MS * 32) | 0) });
    tx.receive({ topic: "talk", control: "stop" });
    await waitFor(() => got.responses.some((m) => m.payload.finished), 20000, "finished");
    // The filters are one hop further on.
    await new Promise((resolve) => setTimeout(resolve, 200));
  });

  after(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
  });

  it("plays the whole recording over one session, and nothing is caught", function () {
    assert.deepStrictEqual(got.caught, []);
    assert.strictEqual(sim.connections.length, 1);
    const sent = sim.connections[0].sentMessages.filter((m) => Array.isArray(m.tokens) && m.tokens.length > 0);
    assert.ok(sent.length >= RECORDING.length, `${sent.length} responses`);
  });

  it("output 1 carries every final token once, in order", function () {
    const finals = got.responses.flatMap((m) => m.payload.tokens).filter((t) => t.is_final);
    assert.strictEqual(finals.map((t) => t.text).join(""), INTERLEAVED);
    assert.ok(SPOKEN.startsWith("It was a great day at Google Sheets,"), SPOKEN);
    assert.ok(TRANSLATED.startsWith("Es war ein großartiger Tag."), TRANSLATED);
  });

  it("tokens mode: one message per final token, translations included", function () {
    assert.strictEqual(joined(got.tokens0), INTERLEAVED);
    assert.deepStrictEqual(got.tokens1, []);
  });

  it("text mode: the final text of each response, spoken and translated interleaved as sent", function () {
    assert.strictEqual(joined(got.text0), INTERLEAVED);
  });

  it("text mode, spoken only: the spoken text", function () {
    assert.strictEqual(joined(got.textSpoken0), SPOKEN);
  });

  it("text mode, translation split: spoken on output 1, translation on output 2", function () {
    assert.strictEqual(joined(got.textSplit0), SPOKEN);
    assert.strictEqual(joined(got.textSplit1), TRANSLATED);
  });

  it("caption mode: the last caption is the whole spoken text", function () {
    assert.strictEqual(got.caption0.at(-1).caption.final, SPOKEN);
    assert.strictEqual(got.caption0.at(-1).payload, SPOKEN);
  });

  it("utterance mode: no endpoint in the recording, so one utterance at the end, with its translation", function () {
    assert.deepStrictEqual(
      got.utterance0.map((m) => [m.payload, m.utterance.translation]),
      [[SPOKEN.trim(), TRANSLATED.trim()]],
    );
    assert.deepStrictEqual(got.utteranceSplit0.map((m) => m.payload), [SPOKEN.trim()]);
    assert.deepStrictEqual(got.utteranceSplit1.map((m) => m.payload), [TRANSLATED.trim()]);
  });

  it("the transcribe node's own output 2 gives the same utterance", function () {
    assert.deepStrictEqual(
      got.utterances.map((m) => [m.payload, m.utterance.translation]),
      [[SPOKEN.trim(), TRANSLATED.trim()]],
    );
  });

  it("turns mode: no diarization, so one turn holding the spoken text", function () {
    assert.deepStrictEqual(got.turns0.map((m) => m.payload), [SPOKEN.trim()]);
  });

  it("phrase mode: both phrases found in the spoken text, and the name again in the translation", function () {
    assert.deepStrictEqual(
      got.phrase0.map((m) => m.payload),
      ["google sheets", "have a collision", "google sheets"], // "… Bei Google Sheets, …"
    );
  });
});
