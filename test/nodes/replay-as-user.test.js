"use strict";
// The issue as a user met it: an MP3 (44.1 kHz stereo, ID3) read whole by `file in` into the
// transcribe node, the connection dropped twice mid-stream. Every word must come out exactly
// once, start_ms must never go back, and the last word must sit at its time in the file. The
// simulator decodes the MP3 itself and finds each connection's place in the file by its bytes.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { startSimulator } = require("../../dist/simulator");
const { helper, NODES, transcribeFlow, load, collect, waitFor } = require("../support/nodered");
const { FIXTURES, SCRIPT, WORDS, FORMATS, locatorFor } = require("../core/session/timed-fixtures");

const KEY = "user-key";

describe("replay as a user meets it: an MP3 through file in, dropped twice", function () {
  this.timeout(30000);
  let sim;

  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    if (sim) await sim.close();
  });

  for (const file of ["speech-44k-stereo.mp3", "speech.ogg"]) {
    it(`${file}: every word once, start_ms never back, last word at its time in the file`, async function () {
      const format = FORMATS.find((f) => f.file === file);
      const bytes = fs.readFileSync(path.join(FIXTURES, file));
      sim = await startSimulator({
        apiKeys: [KEY],
        finalLagMs: 300,
        timedScript: { words: WORDS, locate: locatorFor(format, bytes) },
        faults: [
          { connection: 0, afterAudioMs: 1500, action: "abrupt-close" },
          { connection: 1, afterAudioMs: 1200, action: "error", code: 503 },
        ],
      });
      await new Promise((resolve) => helper.startServer(resolve));
      await load(NODES, transcribeFlow(sim, { audioFormat: "auto", reconnectDelay: 0.05, enableEndpointDetection: false }), { cfg: { apiKey: KEY } });
      const responses = collect("responses");
      const caught = collect("caught");
      const tx = helper.getNode("tx");
      tx.receive({ topic: "file", payload: bytes });
      tx.receive({ topic: "file", control: "stop" });
      await waitFor(() => responses.some((m) => m.payload.finished), 20000, "finished");
      assert.deepStrictEqual(caught, []);
      assert.strictEqual(sim.connections.length, 3, "dropped twice");
      const finals = responses.flatMap((m) => m.payload.tokens).filter((t) => t.is_final && !t.text.startsWith("<"));
      assert.strictEqual(finals.map((t) => t.text).join(""), SCRIPT.join(" "));
      for (let i = 1; i < finals.length; i++) assert.ok(finals[i].start_ms >= finals[i - 1].start_ms, `start_ms goes back at ${i}`);
      const last = finals[finals.length - 1];
      assert.ok(Math.abs(last.end_ms - WORDS[WORDS.length - 1].endMs) <= 100, `last word ends at ${last.end_ms}, in the file at ${WORDS[WORDS.length - 1].endMs}`);
      const restarts = responses.filter((m) => m.payload.restart).map((m) => m.payload.restart);
      assert.deepStrictEqual(restarts.map((r) => [r.session, r.skipped_ms]), [[2, 0], [3, 0]]);
    });
  }
});
