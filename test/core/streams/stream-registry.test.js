"use strict";
// The stream registry of a transcribe node with a fake clock and fake transport: which streams
// open, wait, are refused, stay closed after a failure, finish in the background and close.
const assert = require("assert");
const { StreamRegistry } = require("../../../dist/core/streams");
const { DEFAULT_RECONNECT } = require("../../../dist/core/session");
const { fakeClock, fakeTransportFactory } = require("../../support/fake-transport");

const RAW = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 };
const AUTO = { model: "stt-rt-v5", audio_format: "auto" };
const MB = 1024 * 1024;

function pcm(ms, seed = 1) {
  const b = Buffer.alloc(ms * 32);
  for (let i = 0; i < b.length; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

function makeRegistry({ base = RAW, ...settings } = {}) {
  const clock = fakeClock();
  const transport = fakeTransportFactory();
  const registry = new StreamRegistry({
    settings: {
      maxStreams: 10,
      idleTimeoutMs: 0,
      keepaliveIntervalMs: 8000,
      pacing: false,
      maxQueuedBytes: 16 * MB,
      connectTimeoutMs: 5000,
      finishTimeoutMs: 5000,
      formatTimeoutMs: 10000,
      reconnect: { ...DEFAULT_RECONNECT, random: () => 0.5 },
      rotation: { afterMs: 0, graceMs: 0 },
      heartbeatIntervalMs: 0,
      convertToPcm: false,
      floatHandling: "send",
      ...settings,
    },
    base,
    connection: () => ({ url: "ws://127.0.0.1:1/x", apiKey: "key", authMethod: "header" }),
    transport,
    clock,
  });
  const events = { responses: [], utterances: [], failures: [], warnings: [], closed: [] };
  registry.on("response", (e) => events.responses.push(e));
  registry.on("utterance", (e) => events.utterances.push(e));
  registry.on("failure", (e) => events.failures.push(e));
  registry.on("warning", (w) => events.warnings.push(w));
  registry.on("closed", (e) => events.closed.push(e));
  return { registry, clock, transport, events };
}

function input(key, { audio = null, command = null, routing = {}, overrides, props = {} } = {}) {
  return { key, audio, command, routing, overrides, props };
}

/** The server side of a whole stop: the session sends end-of-stream, the server says finished. */
function finish(t) {
  t.result({ tokens: [], final_audio_proc_ms: 0, total_audio_proc_ms: 0, finished: true });
}

describe("StreamRegistry", function () {
  it("opens a stream on its first audio, sends the start message then the bytes, and reports responses and utterances with the routing", function () {
    const { registry, transport, events } = makeRegistry();
    registry.input(input("mic", { audio: pcm(100), routing: { _session: "s1" } }));
    assert.strictEqual(transport.made.length, 1);
    const t = transport.last();
    t.open();
    assert.deepStrictEqual(JSON.parse(t.texts()[0]).audio_format, "pcm_s16le");
    assert.deepStrictEqual(t.audio(), pcm(100));
    registry.input(input("mic", { audio: pcm(50, 2), routing: { _client: "c1" } }));
    t.result({ tokens: [{ text: "hi", is_final: true, start_ms: 0, end_ms: 100 }, { text: "<end>", is_final: true }], final_audio_proc_ms: 150, total_audio_proc_ms: 150 });
    assert.strictEqual(events.responses.length, 1);
    assert.strictEqual(events.responses[0].key, "mic");
    assert.strictEqual(events.responses[0].session, 1);
    assert.deepStrictEqual(events.responses[0].routing, { _session: "s1", _client: "c1" }, "later routing joins the first");
    assert.deepStrictEqual(events.utterances.map((u) => [u.key, u.utterance.text]), [["mic", "hi"]]);
    assert.deepStrictEqual(registry.summary().states, ["streaming"]);
  });

  it('opens on "start" without audio, refuses other commands for no stream, and ignores stop of nothing', function () {
    const { registry, transport } = makeRegistry();
    assert.throws(() => registry.input(input("a", { command: { type: "finalize" } })), /No open stream "a" to finalize: send audio or a "start" command first/);
    registry.input(input("a", { command: { type: "stop" } }));
    assert.strictEqual(transport.made.length, 0);
    registry.input(input("a", { command: { type: "start" } }));
    assert.strictEqual(transport.made.length, 1);
  });

  it("warns once that msg.soniox is only read on a stream's first message", function () {
    const { registry, events } = makeRegistry();
    registry.input(input("a", { audio: pcm(10), overrides: { language_hints: ["en"] } }));
    registry.input(input("a", { audio: pcm(10), overrides: { language_hints: ["de"] } }));
    registry.input(input("a", { audio: pcm(10), overrides: { language_hints: ["fr"] } }));
    assert.deepStrictEqual(events.warnings, ["[a] msg.soniox is only read on the first message of a stream; stop the stream to change its options"]);
  });

  it("refuses streams past Max streams, and opens one again once a stream has closed", function () {
    const { registry, transport } = makeRegistry({ maxStreams: 2 });
    registry.input(input("a", { audio: pcm(10) }));
    registry.input(input("b", { audio: pcm(10) }));
    assert.throws(() => registry.input(input("c", { audio: pcm(10) })), /Too many streams: 2 are open, so "c" was not started\. Stop unused streams or raise "Max streams"/);
    assert.strictEqual(transport.made.length, 2);
    const [ta] = transport.made;
    ta.open();
    registry.input(input("a", { command: { type: "stop" } }));
    finish(ta);
    registry.input(input("c", { audio: pcm(10) }));
    assert.strictEqual(transport.made.length, 3);
  });

  it("refuses one message larger than the queue limit, naming its size and the setting, and opens nothing", function () {
    const { registry, transport } = makeRegistry({ maxQueuedBytes: 1 * MB });
    assert.throws(
      () => registry.input(input("big", { audio: Buffer.alloc(MB + 2) })),
      /Stream "big": one message of 1\.0 MB is more than the "Queue limit per stream" \(1\.0 MB\), so it was refused\. Send the audio in smaller chunks or raise the limit/,
    );
    assert.strictEqual(transport.made.length, 0);
    registry.input(input("big", { audio: Buffer.alloc(MB) }));
    assert.strictEqual(transport.made.length, 1, "exactly the limit is taken");
  });

  describe("a stream whose format is not known yet (auto, first chunk too short)", function () {
    const head = Buffer.from("OggS");
    const rest = Buffer.alloc(200, 7);

    it("holds its bytes and opens with all of them, in order, once the format is known", function () {
      const { registry, transport } = makeRegistry({ base: AUTO });
      registry.input(input("web", { audio: head }));
      assert.strictEqual(transport.made.length, 0);
      registry.input(input("web", { audio: rest }));
      assert.strictEqual(transport.made.length, 1);
      const t = transport.last();
      t.open();
      assert.strictEqual(JSON.parse(t.texts()[0]).audio_format, "auto");
      assert.deepStrictEqual(t.audio(), Buffer.concat([head, rest]));
    });

    it("counts against Max streams", function () {
      const { registry, transport } = makeRegistry({ base: AUTO, maxStreams: 1 });
      registry.input(input("web", { audio: head }));
      assert.throws(() => registry.input(input("other", { audio: rest })), /Too many streams: 1 are open, so "other" was not started \(1 of them still waiting for enough audio to tell its format\)/);
      assert.strictEqual(transport.made.length, 0);
    });

    it("times out with an error naming the stream, the dropped bytes and the fix, and frees its place", function () {
      const { registry, clock, transport, events } = makeRegistry({ base: AUTO, maxStreams: 1, formatTimeoutMs: 3000 });
      registry.input(input("web", { audio: head, routing: { _session: "s9" } }));
      clock.tick(2999);
      assert.deepStrictEqual(events.failures, []);
      clock.tick(1);
      assert.strictEqual(events.failures.length, 1);
      const f = events.failures[0];
      assert.strictEqual(f.key, "web");
      assert.deepStrictEqual(f.routing, { _session: "s9" });
      assert.match(f.error.message, /^Stream "web": the format of its audio could not be told from its first 4 bytes within 3 s, so they were dropped\. Set the node's audio format \(or msg\.soniox\.audio_format\)/);
      registry.input(input("other", { audio: Buffer.concat([head, rest]) }));
      assert.strictEqual(transport.made.length, 1, "the waiting stream no longer holds a place");
    });

    it("is decided with what there is when a command comes, and forgotten on cancel", function () {
      const { registry, clock, transport, events } = makeRegistry({ base: AUTO });
      registry.input(input("a", { audio: head }));
      registry.input(input("a", { command: { type: "cancel" } }));
      clock.tick(60000);
      assert.deepStrictEqual(events.failures, [], "a cancelled wait does not time out");
      registry.input(input("b", { audio: head }));
      registry.input(input("b", { command: { type: "finalize" } }));
      assert.strictEqual(transport.made.length, 1);
      transport.last().open();
      assert.deepStrictEqual(transport.last().audio(), head);
    });
  });

  describe("after a non-retryable error", function () {
    function failed() {
      const made = makeRegistry();
      made.registry.input(input("mic", { audio: pcm(100), routing: { _client: "c" } }));
      const t = made.transport.last();
      t.open();
      t.result({ tokens: [], error_code: 401, error_message: "Invalid API key." });
      return made;
    }

    it("reports the error with the stream's routing and shows it in the summary", function () {
      const { registry, events } = failed();
      assert.strictEqual(events.failures.length, 1);
      assert.strictEqual(events.failures[0].error.code, 401);
      assert.deepStrictEqual(events.failures[0].routing, { _client: "c" });
      assert.deepStrictEqual(registry.summary(), { states: [], lastError: "401" });
    });

    it('drops and counts the stream\'s audio (said once) until "start", then opens it again and says how much was dropped', function () {
      const { registry, transport, events } = failed();
      registry.input(input("mic", { audio: pcm(100) }));
      registry.input(input("mic", { audio: pcm(50) }));
      assert.strictEqual(transport.made.length, 1, "no new connection per chunk");
      assert.deepStrictEqual(events.warnings, ['[mic] stream stopped after error 401: its audio is dropped (and counted) until a "start" command (msg.control) opens it again']);
      registry.input(input("mic", { command: { type: "start" } }));
      assert.strictEqual(events.warnings[1], `[mic] ${pcm(150).length} bytes of audio were dropped while the stream was stopped by error 401`);
      assert.strictEqual(transport.made.length, 2);
    });

    it("leaves other streams alone", function () {
      const { registry, transport } = failed();
      registry.input(input("other", { audio: pcm(10) }));
      assert.strictEqual(transport.made.length, 2);
    });
  });

  it("lets a stopped stream finish in the background while the same key starts a new one", function () {
    const { registry, transport, events } = makeRegistry();
    registry.input(input("door", { audio: pcm(600), command: { type: "stop" } }));
    const t1 = transport.last();
    t1.open();
    registry.input(input("door", { audio: pcm(300, 2) }));
    assert.strictEqual(transport.made.length, 2, "a new stream for the new audio");
    const t2 = transport.last();
    t2.open();
    assert.strictEqual(registry.summary().states.length, 2, "both streams are counted while the first finishes");
    finish(t1);
    assert.deepStrictEqual(t1.audio(), pcm(600));
    assert.deepStrictEqual(t2.audio(), pcm(300, 2));
    assert.deepStrictEqual(events.closed.map((c) => [c.key, c.info.reason]), [["door", "finished"]]);
    registry.input(input("door", { command: { type: "stop" } }));
    finish(t2);
    assert.deepStrictEqual(events.closed.map((c) => c.info.reason), ["finished", "finished"]);
    assert.deepStrictEqual(registry.summary().states, []);
  });

  describe("responses with nothing new", function () {
    const word = (text, isFinal) => ({ text, is_final: isFinal, start_ms: 0, end_ms: 100 });
    const progress = (ms) => ({ tokens: [], final_audio_proc_ms: ms, total_audio_proc_ms: ms });
    const seen = (events) => events.responses.map((e) => [e.response.final_text, e.response.non_final_text, e.response.finished]);

    /** Progress only, a tail, its clearing, progress again, a final word, then the end. */
    function play(t) {
      t.result(progress(100));
      t.result({ tokens: [word("hel", false)], final_audio_proc_ms: 0, total_audio_proc_ms: 200 });
      t.result(progress(300));
      t.result(progress(400));
      t.result({ tokens: [word("hi", true)], final_audio_proc_ms: 500, total_audio_proc_ms: 500 });
      t.result(progress(600));
      finish(t);
    }

    it("are left out by default; the clearing of a non-final tail and the last response are not", function () {
      const { registry, transport, events } = makeRegistry();
      registry.input(input("mic", { audio: pcm(100), command: { type: "stop" } }));
      const t = transport.last();
      t.open();
      play(t);
      assert.deepStrictEqual(seen(events), [
        ["", "hel", false],
        ["", "", false],
        ["hi", "", false],
        ["", "", true],
      ]);
    });

    it("are all emitted with everyResponse", function () {
      const { registry, transport, events } = makeRegistry({ everyResponse: true });
      registry.input(input("mic", { audio: pcm(100), command: { type: "stop" } }));
      const t = transport.last();
      t.open();
      play(t);
      assert.strictEqual(events.responses.length, 7);
    });

    it("count a tail as cleared by the restart of a new session", function () {
      const { registry, clock, transport, events } = makeRegistry();
      const restarts = [];
      registry.on("restart", (e) => restarts.push(e));
      registry.input(input("mic", { audio: pcm(100) }));
      const t1 = transport.last();
      t1.open();
      t1.result({ tokens: [word("hel", false)], final_audio_proc_ms: 0, total_audio_proc_ms: 100 });
      t1.serverClose(1006);
      clock.tick(5000);
      const t2 = transport.last();
      assert.notStrictEqual(t2, t1, "reconnected");
      t2.open();
      t2.result(progress(200));
      assert.strictEqual(restarts.length, 1);
      assert.deepStrictEqual(seen(events), [["", "hel", false]], "the restart message cleared the tail; the progress after it is left out");
    });
  });

  it("closes everything at once: open, finishing and waiting streams, with no events afterwards", function () {
    const { registry, clock, transport, events } = makeRegistry({ base: AUTO });
    registry.input(input("a", { audio: Buffer.concat([Buffer.from("OggS"), Buffer.alloc(200)]), command: { type: "stop" } }));
    registry.input(input("a", { command: { type: "start" } }));
    registry.input(input("b", { audio: Buffer.from("OggS") }));
    assert.strictEqual(transport.made.length, 2);
    registry.closeAll();
    assert.ok(transport.made.every((t) => t.terminated || t.closed !== null), "every connection is closed");
    clock.tick(60000);
    assert.deepStrictEqual([events.failures, events.closed], [[], []]);
    assert.deepStrictEqual(registry.summary().states, []);
  });
});
