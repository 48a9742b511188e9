"use strict";
// Flow tests: soniox-control → soniox-transcribe → soniox-token-filter in the real Node-RED
// runtime, against the Soniox simulator over real sockets.
const assert = require("assert");
const { startSimulator } = require("../../dist/simulator");
const { helper, NODES, configFor, load, collect, waitFor } = require("../support/nodered");
const { pcm, tone, silence, chunks } = require("../core/control/vad-generate");

const KEY = "sk-flow-3c2b1a";
const S16 = { format: "pcm_s16le", sampleRate: 16000, channels: 1 };

function pipeline(sim, controlProps, transcribeProps = {}) {
  return [
    { id: "tab", type: "tab", label: "flow" },
    configFor(sim),
    { id: "ctl", z: "tab", type: "soniox-control", mode: "inline", keepaliveAfter: 0, quietLimit: 0, ...controlProps, wires: [["tx"]] },
    {
      id: "tx",
      z: "tab",
      type: "soniox-transcribe",
      config: "cfg",
      audioFormat: "pcm_s16le",
      sampleRate: 16000,
      numChannels: 1,
      enableEndpointDetection: false,
      idleTimeout: 60,
      keepaliveInterval: 8,
      maxStreams: 10,
      pacing: true,
      maxQueueMb: 16,
      connectTimeout: 5,
      finishTimeout: 5,
      streamKeyProperty: "topic",
      ...transcribeProps,
      wires: [["f-utter", "f-phrase", "responses"], ["txUtterances"]],
    },
    { id: "f-utter", z: "tab", type: "soniox-token-filter", mode: "utterance", wires: [["utterances"]] },
    // Node ids must not equal a property value ("phrase"), or Node-RED takes it for a config node reference.
    { id: "f-phrase", z: "tab", type: "soniox-token-filter", mode: "phrase", phrases: "turn on the lights\nopen the door", wires: [["triggers"]] },
    { id: "responses", z: "tab", type: "helper" },
    { id: "utterances", z: "tab", type: "helper" },
    { id: "triggers", z: "tab", type: "helper" },
    { id: "txUtterances", z: "tab", type: "helper" },
    { id: "catcher", z: "tab", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
    { id: "caught", z: "tab", type: "helper" },
  ];
}

describe("control → transcribe → token-filter (simulator)", function () {
  this.timeout(20000);
  let sim;

  beforeEach(async function () {
    sim = await startSimulator({ apiKeys: [KEY], script: "turn on the lights what time is it", wordMs: 200, finalLagMs: 300 });
    await new Promise((resolve) => helper.startServer(resolve));
  });

  afterEach(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
  });

  it("inline voice activity finalizes each utterance; the filter turns them into text and a phrase trigger", async function () {
    await load(NODES, pipeline(sim, { silenceMs: 400 }), { cfg: { apiKey: KEY } });
    const utterances = collect("utterances");
    const triggers = collect("triggers");
    const responses = collect("responses");
    const caught = collect("caught");
    const ctl = helper.getNode("ctl");
    // A "file" read at once: 800 ms speech, 600 ms silence, 800 ms speech, 1000 ms silence.
    const audio = pcm(S16, [tone(800), silence(600), tone(800), silence(1000)]);
    for (const payload of chunks(audio, 3200)) ctl.receive({ topic: "hall", payload });
    ctl.receive({ topic: "hall", control: "stop" });
    await waitFor(() => responses.some((m) => m.payload.finished), 12000, "finished");
    await waitFor(() => utterances.length >= 2, 2000, "two utterances");

    const conn = sim.connections[0];
    // Audio time, not wall time: the first finalize after 400 ms of silence (1200 ms of audio);
    // the second would be due at 2600 ms but the 2000 ms rate limit holds it until 3200 ms, when
    // the silence has reached 1000 ms.
    assert.deepStrictEqual(
      conn.controlMessages.filter((c) => c.type === "finalize"),
      [
        { type: "finalize", trailing_silence_ms: 400 },
        { type: "finalize", trailing_silence_ms: 1000 },
      ],
    );
    assert.ok(conn.receivedAudio().equals(audio), "every audio byte reached Soniox, in order");
    assert.deepStrictEqual(
      utterances.map((m) => [m.topic, m.payload, m.utterance.reason]),
      [
        ["hall", "turn on the lights", "finalize"],
        ["hall", "what time is it", "finalize"],
      ],
    );
    assert.deepStrictEqual(
      triggers.map((m) => [m.payload, m.match.index]),
      [["turn on the lights", 0]],
    );
    assert.deepStrictEqual(caught, []);
  });

  it("push-to-talk drives pause and resume of a live stream", async function () {
    // The microphone feeds the transcribe node directly; the control node only turns the button into commands.
    await load(NODES, pipeline(sim, { mode: "ptt", minFinalizeInterval: 0 }), { cfg: { apiKey: KEY } });
    const responses = collect("responses");
    const utterances = collect("utterances");
    const caught = collect("caught");
    const ctl = helper.getNode("ctl");
    const tx = helper.getNode("tx");
    // Commands reach tx one hop later than audio given to tx directly, so let each one land first.
    const button = async (payload) => {
      ctl.receive({ topic: "desk", payload });
      await new Promise((resolve) => setTimeout(resolve, 30));
    };
    tx.receive({ topic: "desk", payload: pcm(S16, [tone(800)]) });
    await button(true);
    await button(false);
    await waitFor(() => utterances.length >= 1, 8000, "utterance after release");
    tx.receive({ topic: "desk", payload: pcm(S16, [tone(400)]) }); // dropped: paused
    await button(true);
    tx.receive({ topic: "desk", payload: pcm(S16, [tone(800)]) });
    await button(false);
    tx.receive({ topic: "desk", control: "stop" });
    await waitFor(() => responses.some((m) => m.payload.finished), 10000, "finished");
    const conn = sim.connections[0];
    const types = conn.controlMessages.map((c) => c.type);
    assert.deepStrictEqual(types, ["finalize", "finalize", "finalize", "finalize"], "release: finalize, then pause's own finalize, twice");
    assert.strictEqual(conn.audioBytes, pcm(S16, [tone(800)]).length * 2, "audio sent while paused was dropped");
    assert.strictEqual(utterances[0].payload, "turn on the lights");
    assert.deepStrictEqual(caught, []);
  });
});
