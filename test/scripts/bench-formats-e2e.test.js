"use strict";
// The bench's compressed streams end to end, in one Node-RED: every format's messages, as the
// bench cuts them, through ours (soniox-transcribe, audio format auto) and through the bench's
// nr-floor node, to the simulator, which decodes them itself. Sent faster than real time (2 s of
// audio each, under the simulator's 4 s lead), so this takes seconds; the bench streams them live.
const assert = require("node:assert/strict");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { startSimulator } = require("../../dist/simulator");
const { helper, NODES, transcribeFlow, load, collect, waitFor } = require("../support/nodered");
const { planFor } = require("../../scripts/bench/chunk-plan");
const { fixturesFor } = require("../../scripts/bench/fixtures");
const { startFieldsFor } = require("../../scripts/bench/formats");
const nrFloorNode = require("../../scripts/bench/nr-nodes/nr-floor");

const KEY = "bench-formats-key";
const COMPRESSED = ["ogg-opus", "webm-opus", "mp3", "aac"];

describe("bench formats end to end: ours and nr-floor on the same bytes", function () {
  this.timeout(60000);
  let dir;
  let sim;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-e2e-"));
  });
  after(async () => {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    if (sim) await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("streams every compressed format through both, and the simulator hears all of its audio", async () => {
    const fixtures = fixturesFor(COMPRESSED, 6, dir);
    sim = await startSimulator({ apiKeys: [KEY] });
    await new Promise((resolve) => helper.startServer(resolve));
    const flow = transcribeFlow(sim, { audioFormat: "auto", maxStreams: 10 });
    // Every compressed format has the same start message ("auto"): one nr-floor node serves them all.
    flow.push(
      { id: "nrf", z: "tab", type: "nr-floor", url: sim.url, apiKey: KEY, start: startFieldsFor("webm-opus"), wires: [["floor-out"]] },
      { id: "floor-out", z: "tab", type: "helper" },
    );
    await load([...NODES, nrFloorNode], flow, { cfg: { apiKey: KEY } });
    const ours = collect("responses");
    const floor = collect("floor-out");
    const caught = collect("caught");

    const plans = {};
    for (const format of COMPRESSED) {
      const plan = (plans[format] = planFor(format, 2, fixtures[format]));
      for (const [node, topic] of [["tx", `ours-${format}`], ["nrf", `floor-${format}`]]) {
        for (let seq = 0; seq < plan.count; seq++) {
          helper.getNode(node).receive({ topic, payload: plan.chunk(seq), ...(seq === 0 ? { soniox: { client_reference_id: topic } } : {}) });
        }
        helper.getNode(node).receive({ topic, control: "stop" });
      }
    }
    const finished = (msgs) => new Set(msgs.filter((m) => m.payload && m.payload.finished).map((m) => m.topic));
    await waitFor(() => (finished(ours).size === COMPRESSED.length && finished(floor).size === COMPRESSED.length) || caught.length > 0, 40000, "every stream finished");
    assert.deepEqual(caught.map((m) => m.error && m.error.message), []);

    for (const format of COMPRESSED) {
      const plan = plans[format];
      const bytes = Array.from({ length: plan.count }, (_, seq) => plan.chunk(seq).length).reduce((a, b) => a + b, 0);
      for (const [topic, msgs] of [[`ours-${format}`, ours], [`floor-${format}`, floor]]) {
        const conn = sim.connections.find((c) => c.startMessage && c.startMessage.client_reference_id === topic);
        assert.ok(conn, `${topic}: a connection`);
        assert.equal(conn.startMessage.audio_format, "auto", `${topic}: sent as it is`);
        assert.equal(conn.audioBytes, bytes, `${topic}: every byte arrived`);
        // The simulator's own decoding, not the bench's timing: the same audio, less codec priming.
        assert.ok(Math.abs(conn.audioMs - plan.audioMs) <= 100, `${topic}: the simulator heard ${conn.audioMs} ms of ${plan.audioMs.toFixed(0)} sent`);
        assert.equal(conn.error, null, `${topic}: no error`);
        const words = msgs.filter((m) => m.topic === topic).flatMap((m) => m.payload.tokens ?? []);
        assert.ok(words.length > 0, `${topic}: words came back`);
      }
    }
  });
});
