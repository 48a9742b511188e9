"use strict";
// Redeploy and node close mid-stream: streams of raw PCM and of containers (each with an ffmpeg
// duration probe as a child process) are running when the flow is stopped or its nodes replaced.
// Within 2 s every socket must be closed as the simulator sees it, no ffmpeg child may remain, and
// active handles and process listeners must be back to their baseline.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { startSimulator } = require("../../dist/simulator");
const { ffmpegPath } = require("../support/ffmpeg");
const { helper, NODES, transcribeFlow, load, waitFor } = require("../support/nodered");
const { childPids, handles, steadyHandles, settle } = require("./measure");

const KEY = "sk-redeploy-0123456789";
const FIXTURES = path.join(__dirname, "../fixtures/audio");
const CONTAINERS = ["speech.ogg", "speech-44k-stereo.mp3", "speech.flac"].map((f) => fs.readFileSync(path.join(FIXTURES, f)));
const ROUNDS = 3;
const LIMIT_MS = 2000;

function pcm(ms) {
  const samples = (ms * 16000) / 1000;
  const buf = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) buf.writeInt16LE(i % 40 < 20 ? 8000 : -8000, i * 2);
  return buf;
}

/** A PCM transcribe node ("tx") and an auto-format one ("txc") on the same config. */
function twoNodeFlow(sim, txcProps = {}) {
  const flow = transcribeFlow(sim);
  flow.push({
    id: "txc",
    z: "tab",
    type: "soniox-transcribe",
    config: "cfg",
    audioFormat: "auto",
    enableEndpointDetection: true,
    idleTimeout: 60,
    keepaliveInterval: 8,
    maxStreams: 10,
    pacing: true,
    maxQueueMb: 16,
    connectTimeout: 5,
    finishTimeout: 5,
    streamKeyProperty: "topic",
    ...txcProps,
    wires: [["responses"], ["utterances"]],
  });
  return flow;
}

function processListeners() {
  return process.eventNames().reduce((sum, name) => sum + process.listenerCount(name), 0);
}

const ffmpegChildren = () => childPids().filter((pid) => {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "ffmpeg";
  } catch {
    return false; // already gone
  }
});

describe("redeploy and node close mid-stream (PCM and container streams with ffmpeg probes)", function () {
  this.timeout(30000);
  let sim;

  before(function () {
    ffmpegPath(); // the container half needs ffmpeg: fail here, with the reason, rather than in every round
  });

  beforeEach(async function () {
    sim = await startSimulator({ apiKeys: [KEY], script: "one two three", pacing: { enforce: false } });
    await new Promise((resolve) => helper.startServer(resolve));
  });

  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
  });

  /** Opens 3 PCM and 3 container streams and waits until all are mid-stream with ffmpeg running. */
  async function startStreams(round) {
    const tx = helper.getNode("tx");
    const txc = helper.getNode("txc");
    for (let i = 0; i < 3; i++) tx.receive({ topic: `pcm-${round}-${i}`, payload: pcm(8000) });
    CONTAINERS.forEach((file, i) => txc.receive({ topic: `box-${round}-${i}`, payload: file }));
    await waitFor(() => sim.openConnections.length === 6 && sim.openConnections.every((c) => c.audioBytes > 0), 5000, "six streams sending audio");
    await waitFor(() => ffmpegChildren().length === CONTAINERS.length, 5000, "an ffmpeg probe per container stream");
  }

  /** Measures how long it takes until sockets, ffmpeg children and handles are all gone. */
  async function closedWithin(what, baseline) {
    const t0 = Date.now();
    await what();
    const allClosed = await settle(() => sim.openConnections.length, (n) => n === 0, LIMIT_MS);
    const children = await settle(ffmpegChildren, (pids) => pids.length === 0, LIMIT_MS);
    const handleCount = await settle(() => handles().count, (n) => n <= baseline.handles, LIMIT_MS);
    return { ms: Date.now() - t0, allClosed, children, handleCount };
  }

  it(`helper.unload() ends every socket, ffmpeg child and handle within 2 s, ${ROUNDS} rounds in a row`, async function () {
    const baseline = { handles: (await steadyHandles(200, 2000)).count, listeners: processListeners() };
    const figures = [];
    for (let round = 0; round < ROUNDS; round++) {
      await load(NODES, twoNodeFlow(sim), { cfg: { apiKey: KEY } });
      await startStreams(round);
      const before = sim.connections.length;
      const r = await closedWithin(() => helper.unload(), baseline);
      figures.push(r.ms);
      assert.strictEqual(r.allClosed, 0, `round ${round}: ${r.allClosed} sockets still open on the simulator`);
      assert.deepStrictEqual(r.children, [], `round ${round}: ffmpeg children left`);
      assert.ok(r.handleCount <= baseline.handles, `round ${round}: handles ${baseline.handles} -> ${JSON.stringify(handles().byKind)}`);
      assert.ok(r.ms < LIMIT_MS, `round ${round}: closing took ${r.ms} ms`);
      assert.strictEqual(processListeners(), baseline.listeners, `round ${round}: process listeners leaked`);
      assert.strictEqual(sim.connections.length, before, "nothing reconnected after the close");
      assert.ok(sim.connections.every((c) => c.closed && !c.finished), "every stream was cut, none finished late");
    }
    console.log(`      redeploy: ${ROUNDS} rounds of 3 PCM + 3 container streams; all closed in ${figures.join(", ")} ms; handles back to ${baseline.handles}`);
  });

  it("a nodes-only redeploy that replaces both transcribe nodes closes their streams, and the new nodes stream", async function () {
    const baseline = { handles: (await steadyHandles(200, 2000)).count };
    await load(NODES, twoNodeFlow(sim), { cfg: { apiKey: KEY } });
    await startStreams(0);
    const old = sim.connections.slice();
    const changed = twoNodeFlow(sim, { maxStreams: 5 }).map((n) => (n.id === "tx" ? { ...n, maxStreams: 5 } : n));
    const r = await closedWithin(() => helper.setFlows(changed, "nodes", { cfg: { apiKey: KEY } }), { handles: Infinity });
    assert.ok(old.every((c) => c.closed), "every old socket closed");
    assert.deepStrictEqual(r.children, [], "ffmpeg children left after the redeploy");
    assert.ok(r.ms < LIMIT_MS + 300, `redeploy and close took ${r.ms} ms`); // setFlows itself waits up to 300 ms for "started"

    const responses = [];
    helper.getNode("responses").on("input", (m) => responses.push(m));
    helper.getNode("tx").receive({ topic: "fresh", payload: pcm(300), control: "stop" });
    await waitFor(() => responses.some((m) => m.topic === "fresh" && m.payload.finished), 5000, "a stream on the new node");
    await helper.unload();
    const after = await settle(() => handles().count, (n) => n <= baseline.handles, LIMIT_MS);
    assert.ok(after <= baseline.handles, `handles ${baseline.handles} -> ${JSON.stringify(handles().byKind)}`);
  });
});
