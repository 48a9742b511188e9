"use strict";
// Corrupt input as a flow meets it: a real file with garbage spliced in, sent whole into the
// transcribe node, in every compressed format the node times by its own clock. The node warns
// once, naming where and how much, keeps its clock, and sends every byte on. (Whether Soniox hears
// past the damage is its decoder's affair: ffmpeg reading a pipe, as the simulator does, stops at
// such damage in WebM and ADTS AAC, and drops the damaged page or frame in Ogg, MP3 and FLAC.)
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { startSimulator } = require("../../dist/simulator");
const { helper, NODES, transcribeFlow, load, collect, waitFor } = require("../support/nodered");
const { FIXTURES } = require("../core/session/timed-fixtures");
const { CLOCKED_FILES, spliced } = require("../support/damaged-audio");

const KEY = "damaged-key";

describe("transcribe node: damaged container audio is reported and the stream goes on", function () {
  this.timeout(30000);
  let sim;

  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    if (sim) await sim.close();
  });

  for (const file of CLOCKED_FILES) {
    it(`${file}: 400 bytes of garbage a third of the way in`, async function () {
      const clean = fs.readFileSync(path.join(FIXTURES, file));
      const at = Math.floor(clean.length / 3);
      const bytes = spliced(clean, at, 400);
      // The whole file at once, so neither side paces.
      sim = await startSimulator({ apiKeys: [KEY], pacing: { enforce: false } });
      await new Promise((resolve) => helper.startServer(resolve));
      await load(NODES, transcribeFlow(sim, { audioFormat: "auto", pacing: false, enableEndpointDetection: false }), { cfg: { apiKey: KEY } });
      const responses = collect("responses");
      const caught = collect("caught");
      const tx = helper.getNode("tx");
      tx.receive({ topic: "file", payload: bytes });
      tx.receive({ topic: "file", control: "stop" });
      await waitFor(() => responses.some((m) => m.payload.finished), 20000, "finished");

      assert.deepStrictEqual(caught, []);
      const damaged = tx.warn.args.map((a) => String(a[0])).filter((w) => /is damaged at byte/.test(w));
      assert.strictEqual(damaged.length, 1, tx.warn.args.map((a) => String(a[0])).join("\n"));
      const [, offset, skipped] = /at byte (\d+): (\d+) bytes/.exec(damaged[0]).map(Number);
      assert.ok(offset <= at + 64 * 1024 && offset + skipped >= at + 400 - 64, `${damaged[0]} (garbage at ${at})`);
      assert.ok(!tx.warn.args.some((a) => /could not be timed/.test(String(a[0]))), "the clock kept its sync");
      assert.ok(sim.connections[0].receivedAudio().equals(bytes), "every byte, the damage and all after it, reached Soniox");
      assert.strictEqual(sim.connections.length, 1);
      const last = responses.find((m) => m.payload.finished);
      assert.deepStrictEqual(
        { stretches: last.soniox.stats.damaged_stretches, bytes: last.soniox.stats.damaged_bytes, sessions: last.soniox.stats.sessions },
        { stretches: 1, bytes: skipped, sessions: 1 },
        "the last message counts the damage the warning named",
      );
      assert.ok(responses.filter((m) => !m.payload.finished).every((m) => m.soniox.stats === undefined), "only the last message carries stats");
    });
  }
});
