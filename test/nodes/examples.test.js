"use strict";
// examples/*.json is what users import first: load it whole into the real runtime and run
// its flows against the simulator, so the examples can never rot.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { startSimulator } = require("../../dist/simulator");
const { helper, NODES, coreNode, load, waitFor } = require("../support/nodered");
const { leadOverSource } = require("../support/pacing");
const { exampleFiles } = require("../../scripts/lib/example-pages");

const CORE = ["common/20-inject.js", "common/21-debug.js", "common/90-comment.js", "function/15-change.js", "function/10-switch.js", "function/10-function.js", "storage/10-file.js", "network/10-mqtt.js", "network/22-websocket.js", "network/21-httpin.js", "function/80-template.js", "function/90-exec.js"]
  .map(coreNode);
// The Dashboard 2 tab's nodes, from the real @flowfuse/node-red-dashboard (a devDependency).
const DASHBOARD = ["config/ui_base.js", "config/ui_page.js", "config/ui_group.js", "config/ui_theme.js", "widgets/ui_template.js", "widgets/ui_button.js"]
  .map((p) => require(`@flowfuse/node-red-dashboard/nodes/${p}`));
const FIXTURE_WAV = path.join(__dirname, "..", "fixtures", "audio", "speech-16k-mono.wav");
const TRANSCRIPT = fs.readFileSync(path.join(__dirname, "..", "fixtures", "audio", "transcript.txt"), "utf8").trim();
const KEY = "example-key";
const CREDENTIALS = { "ex-soniox-config": { apiKey: KEY } };

/**
 * Every file Node-RED lists under Import → Examples, loaded together. The files share their
 * soniox-config node (one id), which the editor keeps once when a second file brings it again.
 */
function examples() {
  const byId = new Map();
  for (const node of exampleFiles().flatMap((f) => JSON.parse(fs.readFileSync(f, "utf8")))) {
    const seen = byId.get(node.id);
    if (seen) assert.deepStrictEqual(node, seen, `two example files bring a different ${node.type} with id ${node.id}`);
    else byId.set(node.id, node);
  }
  return [...byId.values()];
}

/** Points the example's config node at the simulator and taps a node's outputs with helper nodes. */
function prepare(flow, sim, taps) {
  for (const n of flow) if (n.type === "soniox-config") Object.assign(n, { region: "custom", url: sim.url });
  for (const [nodeId, port, helperId] of taps) {
    const node = flow.find((n) => n.id === nodeId);
    node.wires[port].push(helperId);
    flow.push({ id: helperId, z: node.z, type: "helper" });
  }
  return flow;
}

describe("examples/flows.json", function () {
  this.timeout(30000);
  let sim;

  beforeEach(async function () {
    sim = await startSimulator({ apiKeys: [KEY], script: TRANSCRIPT, wordMs: 150 });
    process.env.SONIOX_EXAMPLE_WAV = FIXTURE_WAV;
    await new Promise((resolve) => helper.startServer(resolve));
  });

  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
    delete process.env.SONIOX_EXAMPLE_WAV;
  });

  it("loads every node of every example flow", async function () {
    const flow = prepare(examples(), sim, []);
    await load([...NODES, ...CORE, ...DASHBOARD], flow, CREDENTIALS);
    for (const n of flow) {
      if (n.type === "tab") continue;
      assert.ok(helper.getNode(n.id), `example node ${n.id} (${n.type}) did not start`);
    }
  });

  it("every example file uses the one soniox-config node npm start points at the simulator, so importing a second file reuses it", function () {
    for (const file of exampleFiles()) {
      const configs = JSON.parse(fs.readFileSync(file, "utf8")).filter((n) => n.type === "soniox-config");
      assert.deepStrictEqual(configs.map((n) => n.id), ["ex-soniox-config"], path.basename(file));
    }
  });

  it("flows.json alone starts without Dashboard 2 installed (its tab lives in its own file)", async function () {
    const flow = prepare(JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "examples", "flows.json"), "utf8")), sim, []);
    await load([...NODES, ...CORE], flow, CREDENTIALS);
    for (const n of flow) if (n.type !== "tab") assert.ok(helper.getNode(n.id), `flows.json node ${n.id} (${n.type}) did not start`);
  });

  it("WAV file example: streams the file paced by its header and prints tokens, utterances and finished", async function () {
    const flow = prepare(examples(), sim, [
      ["ex-wav-transcribe", 0, "tap-responses"],
      ["ex-wav-transcribe", 1, "tap-utterances"],
    ]);
    await load([...NODES, ...CORE, ...DASHBOARD], flow, CREDENTIALS);
    const responses = [];
    const utterances = [];
    helper.getNode("tap-responses").on("input", (m) => responses.push(m));
    helper.getNode("tap-utterances").on("input", (m) => utterances.push(m));
    const handedAt = Date.now();
    helper.getNode("ex-wav-inject").receive({});
    await waitFor(() => responses.some((m) => m.payload.finished), 20000, "finished");
    const conn = sim.connections[0];
    // The header becomes the start message's format; Soniox gets the samples, which need no header after a reconnect.
    assert.strictEqual(conn.startMessage.audio_format, "pcm_s16le");
    assert.strictEqual(conn.startMessage.sample_rate, 16000);
    assert.ok(conn.receivedAudio().equals(fs.readFileSync(FIXTURE_WAV).subarray(44)), "every sample of the file reached Soniox");
    const lead = leadOverSource(conn, handedAt);
    assert.ok(lead <= 800, `paced at real time (lead ${lead} ms)`);
    assert.ok(responses.some((m) => m.payload.non_final_text !== ""), "non-final tokens were shown");
    assert.strictEqual(responses.map((m) => m.payload.final_text).join("").trim(), TRANSCRIPT);
    assert.strictEqual(utterances.map((m) => m.payload).join(" "), TRANSCRIPT);
    assert.ok(responses.every((m) => m.topic === "wav-demo"));
  });
});

describe("examples/flows.json: the control, filter and multi-stream tabs", function () {
  this.timeout(30000);
  let sim;

  async function run(script, taps) {
    sim = await startSimulator({ apiKeys: [KEY], script, wordMs: 150, finalLagMs: 300 });
    await new Promise((resolve) => helper.startServer(resolve));
    const flow = prepare(examples(), sim, taps);
    await load([...NODES, ...CORE, ...DASHBOARD], flow, CREDENTIALS);
    const tapped = {};
    for (const [, , id] of taps) {
      tapped[id] = [];
      helper.getNode(id).on("input", (m) => tapped[id].push(m));
    }
    return tapped;
  }

  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
  });

  it("push-to-talk: press starts, release finalizes and pauses, stop ends; the utterance comes out", async function () {
    const t = await run("switch on the fan", [["ex3-ptt-transcribe", 1, "tap-utt"]]);
    helper.getNode("ex3-ptt-press").receive({});
    helper.getNode("ex3-ptt-speak").receive({});
    await waitFor(() => sim.connections[0] && sim.connections[0].audioMs >= 1500, 8000, "speech sent");
    helper.getNode("ex3-ptt-release").receive({});
    await waitFor(() => t["tap-utt"].length === 1, 8000, "utterance");
    assert.strictEqual(t["tap-utt"][0].payload, "switch on the fan");
    assert.strictEqual(t["tap-utt"][0].topic, "desk");
    helper.getNode("ex3-ptt-stop").receive({});
    await waitFor(() => sim.connections[0].finished, 8000, "finished");
    assert.ok(sim.connections[0].controlMessages.some((c) => c.type === "finalize"));
  });

  it("finalize on silence: the inline control finalizes after each pause and the filter emits each utterance", async function () {
    const t = await run("first sentence here second one now", [["ex3-inl-filter", 0, "tap-filter"]]);
    helper.getNode("ex3-inl-start").receive({});
    await waitFor(() => t["tap-filter"].length >= 1, 10000, "first utterance");
    await waitFor(() => sim.connections[0].controlMessages.filter((c) => c.type === "finalize").length >= 1, 8000, "finalize");
    const fin = sim.connections[0].controlMessages.find((c) => c.type === "finalize");
    assert.strictEqual(typeof fin.trailing_silence_ms, "number");
    helper.getNode("ex3-inl-stop").receive({});
    await waitFor(() => sim.connections[0].finished, 8000, "finished");
    assert.ok(t["tap-filter"].every((m) => typeof m.payload === "string" && m.payload.length > 0));
    assert.strictEqual(t["tap-filter"].map((m) => m.payload).join(" ").replace(/\s+/g, " "), "first sentence here second one now");
  });

  it("voice command to MQTT: the phrase trigger fires, the switch picks ON, and the stream ends when the recording does", async function () {
    const t = await run("please turn on the kitchen lights", [
      ["ex3-phr-filter", 0, "tap-trigger"],
      ["ex3-phr-on", 0, "tap-on"],
    ]);
    helper.getNode("ex3-phr-start").receive({});
    await waitFor(() => t["tap-on"].length === 1, 12000, "ON command");
    assert.match(JSON.stringify(t["tap-trigger"][0]), /turn on the kitchen lights/i);
    assert.strictEqual(t["tap-on"][0].payload, "ON");
    // Left open, the stream would be billed until the idle timeout ended it with a warning.
    await waitFor(() => sim.connections.length === 1 && sim.connections[0].finished, 8000, "the stream finished after the last audio");
  });

  it("live caption: the caption line grows with final text and shows the non-final tail, and the stream ends with the recording", async function () {
    const t = await run("welcome to the lecture on speech", [["ex3-cap-filter", 0, "tap-caption"]]);
    helper.getNode("ex3-cap-start").receive({});
    await waitFor(() => t["tap-caption"].some((m) => /welcome to the lecture on speech/.test(m.payload)), 12000, "caption");
    assert.ok(t["tap-caption"].every((m) => typeof m.payload === "string"));
    await waitFor(() => sim.connections.length === 1 && sim.connections[0].finished, 8000, "the stream finished after the last audio");
  });

  it("several streams: one transcribe node keeps camera-1 and camera-2 apart", async function () {
    const t = await run((start, i) => (i === 0 ? "front door" : "back garden"), [["ex-multi-transcribe", 1, "tap-utt"]]);
    helper.getNode("ex-multi-cam1").receive({});
    helper.getNode("ex-multi-cam2").receive({});
    await waitFor(() => sim.connections.length === 2 && sim.connections.every((c) => c.audioMs >= 2300), 10000, "audio sent");
    helper.getNode("ex-multi-stop-inject").receive({});
    await waitFor(() => sim.connections.every((c) => c.finished), 8000, "both finished");
    await waitFor(() => t["tap-utt"].length === 2, 3000, "two utterances");
    const byTopic = Object.fromEntries(t["tap-utt"].map((m) => [m.topic, m.payload]));
    const texts = Object.values(byTopic).sort();
    assert.deepStrictEqual(Object.keys(byTopic).sort(), ["camera-1", "camera-2"]);
    assert.deepStrictEqual(texts, ["back garden", "front door"]);
  });
});

describe("examples/flows.json: the microphone-on-this-machine tab, with ffmpeg as the microphone", function () {
  this.timeout(30000);
  let sim;
  let ffmpegPath;

  before(function () {
    // A real recorder process: ffmpeg (from the registry, not the system) plays the fixture at
    // real-time rate to stdout, as arecord would deliver the microphone.
    ffmpegPath = require("@ffmpeg-installer/ffmpeg").path;
    assert.ok(fs.existsSync(ffmpegPath), `@ffmpeg-installer/ffmpeg gave ${ffmpegPath}, which does not exist`);
  });

  async function run() {
    sim = await startSimulator({ apiKeys: [KEY], script: TRANSCRIPT, wordMs: 150, finalLagMs: 300 });
    await new Promise((resolve) => helper.startServer(resolve));
    const flow = prepare(examples(), sim, [
      ["ex14-mic-exec", 0, "tap-chunks"],
      ["ex14-mic-filter", 0, "tap-phrase"],
      ["ex14-mic-transcribe", 1, "tap-utt"],
      ["ex14-mic-transcribe", 0, "tap-responses"],
      ["ex14-mic-exec", 2, "tap-exit"],
    ]);
    const exec = flow.find((n) => n.id === "ex14-mic-exec");
    assert.strictEqual(exec.command, "arecord -f S16_LE -r 16000 -c 1 -t raw", "the tab ships the arecord command");
    exec.command = `${ffmpegPath} -hide_banner -loglevel error -nostdin -re -i ${FIXTURE_WAV} -f s16le -ac 1 -ar 16000 -`;
    await load([...NODES, ...CORE, ...DASHBOARD], flow, CREDENTIALS);
    const t = {};
    for (const id of ["tap-chunks", "tap-phrase", "tap-utt", "tap-responses", "tap-exit"]) {
      t[id] = [];
      helper.getNode(id).on("input", (m) => t[id].push({ at: Date.now(), msg: m }));
    }
    return t;
  }

  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
  });

  it("listen: live stdout chunks reach Soniox, the phrase fires, the transcript arrives, and the recorder's exit ends the stream", async function () {
    const t = await run();
    helper.getNode("ex14-mic-start").receive({});
    await waitFor(() => sim.connections[0] && sim.connections[0].finished, 25000, "the stream to finish after ffmpeg exits");
    const conn = sim.connections[0];
    const chunks = t["tap-chunks"];
    assert.ok(chunks.length >= 10, `stdout came in live chunks (${chunks.length})`);
    assert.ok(chunks.every((c) => c.msg.topic === "mic"));
    const spread = chunks[chunks.length - 1].at - chunks[0].at;
    assert.ok(spread >= 3000, `the recorder delivered over ${spread} ms (the clip is 4.27 s), not at once`);
    assert.ok(conn.receivedAudio().equals(fs.readFileSync(FIXTURE_WAV).subarray(44)), "every sample the recorder wrote reached Soniox");
    assert.strictEqual(conn.startMessage.audio_format, "pcm_s16le");
    assert.deepStrictEqual(t["tap-exit"].map((e) => e.msg.payload), [{ code: 0 }], "the recorder ended by itself");
    await waitFor(() => t["tap-phrase"].length >= 1, 3000, "the phrase trigger");
    assert.strictEqual(t["tap-phrase"][0].msg.payload, "hello world");
    assert.strictEqual(t["tap-phrase"][0].msg.topic, "mic");
    await waitFor(() => t["tap-responses"].some((r) => r.msg.payload.finished), 3000, "finished on output 1");
    assert.strictEqual(t["tap-utt"].map((u) => u.msg.payload).join(" "), TRANSCRIPT);
  });

  it("stop: kills the recorder, and its exit stops the Soniox stream gracefully", async function () {
    const t = await run();
    helper.getNode("ex14-mic-start").receive({});
    await waitFor(() => t["tap-responses"].some((r) => /hello/i.test(r.msg.payload.final_text + r.msg.payload.non_final_text)), 10000, "first words");
    helper.getNode("ex14-mic-stop").receive({});
    await waitFor(() => sim.connections[0].finished, 8000, "finished after stop");
    assert.strictEqual(t["tap-exit"].length, 1);
    // ffmpeg traps SIGTERM and exits with 255 (arecord likewise exits by itself), so no signal is reported.
    assert.deepStrictEqual(t["tap-exit"][0].msg.payload, { code: 255 }, "the recorder process ended on the stop button's SIGTERM");
    const conn = sim.connections[0];
    assert.ok(conn.audioMs < 3500, `the recorder was stopped early (${conn.audioMs} ms of 4267 sent)`);
    await waitFor(() => t["tap-responses"].some((r) => r.msg.payload.finished), 3000, "finished on output 1");
    assert.ok(t["tap-utt"].length >= 1 && /^Hello world/.test(t["tap-utt"][0].msg.payload), "the words before stop came out as an utterance");
  });
});
