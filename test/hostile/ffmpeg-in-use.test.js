"use strict";
// ffmpeg decodes audio that may come from anywhere, and the bundled @ffmpeg-installer build is
// from 2018: Node-RED's log says once which ffmpeg (path and version) the transcoders and
// duration probes run, and when it is the bundled one, what to install instead.
const assert = require("assert");
const { helper, NODES, transcribeFlow, load, waitFor } = require("../support/nodered");
const { startSimulator } = require("../../dist/simulator");
const { ffmpegPath } = require("../support/ffmpeg");

const KEY = "sk-FFMPEG-61c0d9e2a7b84f35";
const pcm = (ms) => Buffer.alloc((ms * 16000 * 2) / 1000, 1);

describe("which ffmpeg decodes untrusted audio is logged once", function () {
  this.timeout(30000);
  let sim;

  beforeEach(async function () {
    sim = await startSimulator({ apiKeys: [KEY], script: "hello there", wordMs: 100 });
    await new Promise((resolve) => helper.startServer(resolve));
  });
  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
  });

  it("names the ffmpeg and its version once for several transcoded streams, with advice when it is the bundled build", async function () {
    await load(NODES, transcribeFlow(sim, { convertToPcm: true, pacing: false }), { cfg: { apiKey: KEY } });
    const from = helper.log().args.length;
    const tx = helper.getNode("tx");
    for (const topic of ["a", "b", "c"]) tx.receive({ topic, payload: pcm(300), control: "stop" });
    await waitFor(() => sim.connections.length === 3 && sim.connections.every((c) => c.audioBytes > 0), 15000, "three transcoded streams");
    const said = () =>
      helper
        .log()
        .args.slice(from)
        .map((a) => a[0])
        .filter((e) => e && /Decoding audio with ffmpeg/.test(String(e.msg)));
    await waitFor(() => said().length > 0, 5000, "the ffmpeg log line");
    await new Promise((r) => setTimeout(r, 300));
    const lines = said();
    assert.strictEqual(lines.length, 1, lines.map((e) => e.msg).join("\n"));
    assert.strictEqual(lines[0].level, 40, "info (Node-RED: warn 30, info 40)");
    const m = /Decoding audio with ffmpeg (\S+) at (.+?)(?::|$)/.exec(lines[0].msg);
    assert.ok(m, lines[0].msg);
    assert.notStrictEqual(m[1], "unknown");
    assert.ok(lines[0].msg.includes(ffmpegPath()), lines[0].msg);
    assert.strictEqual(/from 2018/.test(lines[0].msg), ffmpegPath().includes("@ffmpeg-installer"), lines[0].msg);
  });
});
