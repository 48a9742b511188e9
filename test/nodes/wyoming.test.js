"use strict";
// wyoming in → soniox-transcribe → wyoming response on the real Node-RED runtime, against the
// simulator over real sockets, driven by a Wyoming client written from the protocol description.
const assert = require("assert");
const { startSimulator } = require("../../dist/simulator");
const fs = require("fs");
const path = require("path");
const { helper, NODES, coreNode, transcribeFlow, load, collect, waitFor } = require("../support/nodered");
const { WyomingClient, speech, freePort } = require("../support/wyoming-client");

const KEY = "sk-test-wyoming-1234";
const SCRIPTS = { en: "turn on the kitchen lights", de: "mach das licht an", fr: "allume la lumière" };
const ALL = [...NODES, ...["function/15-change.js", "common/21-debug.js", "common/90-comment.js"].map(coreNode)];

/** transcribe's test flow with wyoming in before it and wyoming response after it (or nothing: a flow that never answers). */
function flow(sim, port, inProps = {}, { respond = true, viaFilter = false, failures = false } = {}) {
  const nodes = transcribeFlow(sim);
  nodes.find((n) => n.id === "tx").wires = [respond ? [viaFilter ? "filter" : "resp"] : [], []];
  nodes.push(
    { id: "win", z: "tab", type: "wyoming-in", host: "127.0.0.1", port, streaming: false, endpointing: false, timeout: 5, ...inProps, wires: [["tx", "seen"]] },
    { id: "filter", z: "tab", type: "soniox-token-filter", mode: "utterance", finality: "final", dropMarkers: true, maxStreams: 100, wires: [["resp"]] },
    { id: "resp", z: "tab", type: "wyoming-response" },
    { id: "seen", z: "tab", type: "helper" },
  );
  if (failures) nodes.push({ id: "failures", z: "tab", type: "catch", scope: ["tx"], uncaught: false, wires: [["resp"]] });
  return nodes;
}

describe("wyoming in / wyoming response", function () {
  this.timeout(30000);
  let sim;
  let port;
  const clients = [];

  async function client() {
    const c = await WyomingClient.connect(port);
    clients.push(c);
    return c;
  }

  beforeEach(async function () {
    sim = await startSimulator({
      apiKeys: [KEY],
      script: (start) => SCRIPTS[(start.language_hints || [])[0]] || "hello there",
      wordMs: 150,
      finalLagMs: 300,
    });
    port = await freePort();
    await new Promise((resolve) => helper.startServer(resolve));
  });

  afterEach(async function () {
    for (const c of clients.splice(0)) c.close();
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    await sim.close();
  });

  async function deploy(inProps, options, apiKey = KEY) {
    await loaded(flow(sim, port, inProps, options), { cfg: { apiKey } });
  }

  async function loaded(nodes, credentials) {
    await load(ALL, nodes, credentials);
    // Listening starts right after deploy; the first connect that succeeds says it has.
    for (let tries = 0; ; tries++) {
      try {
        (await WyomingClient.connect(port)).close();
        return;
      } catch (err) {
        if (tries > 100) throw err;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  it("answers describe with an info listing Soniox's languages, and what it supports", async function () {
    await deploy({ streaming: true, endpointing: false, serviceName: "Soniox test" });
    const c = await client();
    c.send("describe");
    const info = await c.next("info");
    const asr = info.data.asr[0];
    assert.strictEqual(asr.name, "Soniox test");
    assert.strictEqual(asr.installed, true);
    assert.strictEqual(asr.supports_transcript_streaming, true);
    assert.strictEqual(asr.requires_external_vad, true);
    const languages = asr.models[0].languages;
    for (const l of ["en", "de", "ja", "cy", "no"]) assert.ok(languages.includes(l), `lists ${l}`);
    assert.strictEqual(languages.length, 60);
  });

  it("says requires_external_vad false when Soniox endpointing ends commands", async function () {
    await deploy({ streaming: false, endpointing: true });
    const c = await client();
    c.send("describe");
    const asr = (await c.next("info")).data.asr[0];
    assert.strictEqual(asr.requires_external_vad, false);
    assert.strictEqual(asr.supports_transcript_streaming, false);
  });

  it("non-streaming: transcribe, audio, audio-stop → one transcript, with the language as a Soniox hint", async function () {
    await deploy();
    const seen = collect("seen");
    const c = await client();
    await c.command(speech(1200, 300), { language: "de-DE", realTime: false });
    const t = await c.next("transcript");
    assert.deepStrictEqual(t.data, { text: SCRIPTS.de, language: "de-DE" });
    assert.deepStrictEqual(sim.connections[0].startMessage.language_hints, ["de"]);
    assert.strictEqual(sim.connections[0].startMessage.audio_format, "pcm_s16le");
    assert.deepStrictEqual(c.events.map((e) => e.type), [], "nothing but the transcript");
    // The flow saw one stream: start (format, hint), audio, stop.
    const first = seen[0];
    assert.strictEqual(first.control, "start");
    assert.deepStrictEqual([first.rate, first.channels, first.bits, first.encoding], [16000, 1, 16, "signed-integer"]);
    assert.deepStrictEqual(first.soniox, { language_hints: ["de"] });
    assert.ok(seen.slice(1, -1).every((m) => Buffer.isBuffer(m.payload) && m.topic === first.topic));
    assert.strictEqual(seen.at(-1).control, "stop");
    await waitFor(() => sim.openConnections.length === 0, 5000, "the Soniox stream closed");
  });

  it("streaming: transcript-start, chunks that add up to the transcript, transcript, transcript-stop", async function () {
    await deploy({ streaming: true });
    const c = await client();
    await c.command(speech(1200, 300), { language: "en", realTime: false });
    const t = await c.next("transcript");
    assert.strictEqual(t.data.text, SCRIPTS.en);
    await c.next("transcript-stop");
    const types = c.events.map((e) => e.type);
    assert.strictEqual(types[0], "transcript-start");
    const chunks = c.events.filter((e) => e.type === "transcript-chunk").map((e) => e.data.text);
    assert.ok(chunks.length >= 1, "at least one chunk");
    assert.strictEqual(chunks.join("").trim(), SCRIPTS.en);
  });

  it("serves several clients at once, each its own transcript", async function () {
    await deploy({ streaming: true });
    const [a, b, d] = [await client(), await client(), await client()];
    await Promise.all([
      a.command(speech(1200, 300), { language: "en", chunkMs: 64 }),
      b.command(speech(1200, 300), { language: "de", chunkMs: 64 }),
      d.command(speech(1200, 300), { language: "fr", chunkMs: 64 }),
    ]);
    const texts = await Promise.all([a, b, d].map((c) => c.next("transcript").then((e) => e.data.text)));
    assert.deepStrictEqual(texts, [SCRIPTS.en, SCRIPTS.de, SCRIPTS.fr]);
    assert.strictEqual(sim.connections.length, 3);
  });

  it("a client that disconnects mid-command cancels its Soniox stream; the others go on", async function () {
    await deploy();
    const seen = collect("seen");
    const [leaver, stayer] = [await client(), await client()];
    const staying = stayer.command(speech(1200, 300), { language: "en" });
    await leaver.command(speech(600), { language: "de", stop: false });
    await waitFor(() => sim.openConnections.length === 2, 5000, "both streams open");
    leaver.close();
    await waitFor(() => seen.some((m) => m.control === "cancel"), 5000, "a cancel");
    const cancel = seen.find((m) => m.control === "cancel");
    assert.strictEqual(cancel.wyoming.event, "disconnect");
    await staying;
    assert.strictEqual((await stayer.next("transcript")).data.text, SCRIPTS.en);
    await waitFor(() => sim.openConnections.length === 0, 5000, "no Soniox stream left open");
  });

  it("through a token filter in utterance mode: the utterances make the transcript", async function () {
    await deploy({ streaming: true }, { viaFilter: true });
    const c = await client();
    await c.command(speech(1200, 300), { language: "fr", realTime: false });
    assert.strictEqual((await c.next("transcript")).data.text, SCRIPTS.fr);
    await c.next("transcript-stop");
  });

  it("a Soniox failure caught into wyoming response answers at once: an error event, then an empty transcript", async function () {
    await deploy({ streaming: true, timeout: 20 }, { failures: true }, "sk-wrong-key");
    const c = await client();
    const started = Date.now();
    await c.command(speech(400), { language: "en", realTime: false });
    const err = await c.next("error");
    assert.strictEqual(err.data.code, "transcription-failed");
    assert.match(err.data.text, /Soniox could not transcribe/);
    assert.strictEqual((await c.next("transcript")).data.text, "");
    assert.ok(Date.now() - started < 5000, "long before the 20 s timeout");
  });

  it("a flow that never answers: empty transcript after the timeout, an error to Catch, the stream cancelled", async function () {
    await deploy({ timeout: 1 }, { respond: false });
    const caught = collect("caught");
    const c = await client();
    const started = Date.now();
    await c.command(speech(400, 100), { language: "en", realTime: false });
    const t = await c.next("transcript");
    assert.strictEqual(t.data.text, "");
    assert.ok(Date.now() - started >= 1000, "after the timeout");
    await waitFor(() => caught.length === 1, 3000, "the Catch error");
    assert.match(caught[0].error.message, /no complete transcript within 1 s/);
    assert.strictEqual(caught[0]._session.type, "wyoming");
    await waitFor(() => sim.openConnections.length === 0, 5000, "the Soniox stream closed");
  });

  it("answers an unknown event with an error event and keeps the connection", async function () {
    await deploy();
    const c = await client();
    c.send("synthesize", { text: "hello" });
    const err = await c.next("error");
    assert.strictEqual(err.data.code, "unknown-event");
    assert.match(err.data.text, /synthesize/);
    c.send("ping", { text: "still there?" });
    assert.deepStrictEqual((await c.next("pong")).data, { text: "still there?" });
    assert.strictEqual(c.closed, false);
  });

  // Each sends its bytes as a repetition of one small chunk, so the test process holds no large input itself.
  const MALFORMED = [
    ["a header that is not JSON", Buffer.from('{"type": "audio-chunk", oops}\n'), 1, "bad-header", /not JSON/],
    ["a huge payload_length", Buffer.from('{"type":"audio-chunk","payload_length":1000000000000}\n'), 1, "too-large", /payload_length/],
    ["a negative data_length", Buffer.from('{"type":"describe","data_length":-5}\n'), 1, "bad-length", /data_length/],
    ["a 10 MB line without a newline", Buffer.alloc(64 * 1024, 0x61), 160, "header-too-long", /without a newline/],
  ];
  for (const [what, chunk, times, code, text] of MALFORMED) {
    it(`${what}: an error event to that client, closed, and nothing else disturbed`, async function () {
      await deploy();
      const caught = collect("caught");
      const [bad, good] = [await client(), await client()];
      const goodDone = good.command(speech(1200, 300), { language: "en" });
      await new Promise((r) => setTimeout(r, 300));
      const before = process.memoryUsage();
      bad.repeat(chunk, times);
      const err = await bad.next("error");
      assert.strictEqual(err.data.code, code);
      assert.match(err.data.text, text);
      await bad.untilClosed();
      const after = process.memoryUsage();
      await waitFor(() => caught.length === 1, 3000, "the Catch error");
      assert.match(caught[0].error.message, /malformed event/);
      await goodDone;
      assert.strictEqual((await good.next("transcript")).data.text, SCRIPTS.en);
      // The server keeps at most 64 KB of a header line; holding the 10 MB line would show here.
      const grown = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
      assert.ok(grown < 8 * 1024 * 1024, `memory grew ${grown} bytes`);
    });
  }

  it("with endpointing, the transcript goes out at the speaker's pause, before audio-stop", async function () {
    await deploy({ endpointing: true, streaming: true });
    const seen = collect("seen");
    const c = await client();
    // Speech then a long silence, no audio-stop yet: Soniox's endpoint must end the command.
    await c.command(speech(1200, 1800), { language: "en", stop: false, realTime: false, request: { vad_sensitivity: "aggressive" } });
    const t = await c.next("transcript", 10000);
    assert.strictEqual(t.data.text, SCRIPTS.en);
    assert.strictEqual(sim.connections[0].startMessage.enable_endpoint_detection, true);
    assert.strictEqual(sim.connections[0].startMessage.max_endpoint_delay_ms, 500, "Home Assistant's aggressive sensitivity");
    await waitFor(() => seen.some((m) => m.control === "cancel" && m.wyoming.event === "answered"), 5000, "the stream cancelled");
    c.send("audio-stop");
    c.send("describe");
    await c.next("info");
    assert.strictEqual(c.events.filter((e) => e.type === "transcript").length, 0, "no second transcript");
  });

  it("the example tab: Home Assistant's command comes back transcribed and is logged for MQTT", async function () {
    const all = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "examples", "flows.json"), "utf8"));
    const tab = all.filter((n) => n.id === "ex27-tab-wyoming" || n.z === "ex27-tab-wyoming" || n.id === "ex-soniox-config");
    for (const n of tab) {
      if (n.type === "soniox-config") Object.assign(n, { region: "custom", url: sim.url });
      if (n.type === "wyoming-in") n.port = port;
    }
    // The MQTT node is replaced by a helper with its id: what the broker would get.
    const mqtt = tab.findIndex((n) => n.type === "mqtt out");
    tab[mqtt] = { id: tab[mqtt].id, z: tab[mqtt].z, type: "helper" };
    await loaded(tab, { "ex-soniox-config": { apiKey: KEY } });
    const logged = collect(tab[mqtt].id);
    const c = await client();
    await c.command(speech(1200, 300), { language: "en-US", realTime: false });
    assert.strictEqual((await c.next("transcript")).data.text, SCRIPTS.en);
    await waitFor(() => logged.length === 1, 5000, "the MQTT log entry");
    assert.strictEqual(logged[0].payload.text, SCRIPTS.en);
    assert.match(logged[0].payload.command, /^wy/);
  });
});
