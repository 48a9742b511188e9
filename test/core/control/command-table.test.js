"use strict";
// The control-command table is what parsing, the control node's settings, the stream's dispatch
// and the "command word sent as audio" check read: each is held to it here.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { CONTROL_COMMANDS, CONTROL_TYPES, commandNamed, commandWordProblem, parseControl, controlSettings, ControlStreams } = require("../../../dist/core/control");
const { StreamRegistry } = require("../../../dist/core/streams");
const { DEFAULT_STREAM_SETTINGS } = require("../../../dist/core/session");
const { stringPayloadProblem } = require("../../../dist/core/audio");
const { TranscriptionStream } = require("../../../dist/core/session/stream");
const { fakeClock, fakeTransportFactory, fakeStreamOptions } = require("../../support/fake-transport");

const START = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 };

describe("control-command table", function () {
  it("is what msg.control accepts, trailing silence only where a row allows it", function () {
    assert.deepStrictEqual(CONTROL_TYPES, Object.keys(CONTROL_COMMANDS));
    for (const type of CONTROL_TYPES) {
      assert.deepStrictEqual(parseControl(type), { type });
      const withSilence = parseControl({ type, trailing_silence_ms: 300 });
      assert.deepStrictEqual(withSilence, CONTROL_COMMANDS[type].trailingSilence ? { type, trailing_silence_ms: 300 } : { type });
      for (const word of CONTROL_COMMANDS[type].alsoSaid) assert.throws(() => parseControl(word), /Unknown msg.control/);
    }
    assert.throws(() => parseControl("flush"), new RegExp(`use one of ${CONTROL_TYPES.join(", ")} `));
  });

  it("is what the control node's fixed command may be", function () {
    for (const type of CONTROL_TYPES) assert.strictEqual(controlSettings({ command: type }).command, type);
    assert.throws(() => controlSettings({ command: "end" }), new RegExp(`use one of ${CONTROL_TYPES.join(", ")},`));
  });

  it("is what the control node's dialog offers, after the msg.payload choice", function () {
    const html = fs.readFileSync(path.join(__dirname, "../../../nodes/soniox-control.html"), "utf8");
    const select = html.match(/<select id="node-input-command"[^>]*>([\s\S]*?)<\/select>/)[1];
    const offered = [...select.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
    assert.deepStrictEqual(offered.slice().sort(), ["", ...CONTROL_TYPES].sort());
  });

  it("is documented in the control and transcribe nodes' help in every language", function () {
    for (const locale of ["en-US", "de", "ja"]) {
      for (const node of ["soniox-control", "soniox-transcribe"]) {
        const help = fs.readFileSync(path.join(__dirname, `../../../nodes/locales/${locale}/${node}.html`), "utf8");
        for (const type of CONTROL_TYPES) assert.ok(help.includes(`<code>${type}</code>`), `${locale} ${node} help names ${type}`);
      }
    }
  });

  it("is the list of commands the README and docs/nodes.md give, with the ones that act before the audio", function () {
    const ROOT = path.join(__dirname, "../../..");
    /** The commands named in backticks in what `pattern` captures (parentheses left out), failing with the file and the phrase when the text no longer has it. */
    function named(file, pattern, phrase) {
      const found = fs.readFileSync(path.join(ROOT, file), "utf8").match(pattern);
      assert.ok(found, `${file}: "${phrase}" is not there any more; if the text was rewritten, update this test to read the new sentence`);
      return [...found[1].replace(/\([^)]*\)/g, "").matchAll(/`(\w+)`/g)].map((m) => m[1]);
    }
    const lists = [
      ["README.md", /`msg\.control` is a command \(([^;]*)\);/, "`msg.control` is a command (…);"],
      ["docs/nodes.md", /\| `msg\.control` \| [^|]* \| ([^.]*)\./, "| `msg.control` | … | `start`, … ."],
      ["docs/nodes.md", /\| command \|[^|]*\| That command: ([^.]*)\./, "| command | … | That command: … ."],
    ];
    for (const [file, pattern, phrase] of lists) {
      const list = named(file, pattern, phrase);
      assert.deepStrictEqual(list.slice().sort(), CONTROL_TYPES.slice().sort(), `${file}: "${phrase}" lists ${list.join(", ")}`);
    }
    const before = named("docs/nodes.md", /together: ([^ ]*) act before the audio/, "together: `start`/`resume` act before the audio");
    assert.deepStrictEqual(before, CONTROL_TYPES.filter((t) => CONTROL_COMMANDS[t].beforeAudio), "docs/nodes.md: the commands that act before the audio");
  });

  it("names every command a word in msg.payload may mean, and the command to send instead", function () {
    for (const type of CONTROL_TYPES) {
      for (const word of [type, ...CONTROL_COMMANDS[type].alsoSaid]) {
        assert.strictEqual(commandNamed(word.toUpperCase()), type);
        const problem = commandWordProblem(` ${word[0].toUpperCase()}${word.slice(1)} \n`);
        assert.ok(problem, `${word} as msg.payload is refused`);
        assert.match(problem.message, new RegExp(`msg\\.control = "${type}"`));
        assert.deepStrictEqual(problem.params, { text: `${word[0].toUpperCase()}${word.slice(1)}`, command: type });
        // Audio's own checks leave it to the control part.
        assert.strictEqual(stringPayloadProblem(word), null);
      }
    }
    for (const text of ["stopp", "go", "AB", "st op x"]) assert.strictEqual(commandWordProblem(text), null, text);
  });

  it("has a case in the stream's dispatch for every command", function () {
    for (const type of CONTROL_TYPES) {
      const clock = fakeClock();
      const transport = fakeTransportFactory();
      const stream = new TranscriptionStream(fakeStreamOptions(transport, clock, { start: START }));
      stream.on("warning", () => {});
      stream.on("closed", () => {});
      assert.doesNotThrow(() => stream.control(parseControl(type)), type);
      stream.cancel();
    }
    const clock = fakeClock();
    const stream = new TranscriptionStream(fakeStreamOptions(fakeTransportFactory(), clock, { start: START }));
    stream.on("closed", () => {});
    assert.throws(() => stream.control({ type: "flush" }), /"flush".*no case in TranscriptionStream\.control\(\)/);
    stream.cancel();
  });

  describe("what a command does to a stream's life", function () {
    /** A transcribe node's registry over the fake transport; `base` is its start message. */
    function registry(base = START, settings = {}) {
      const clock = fakeClock();
      const transport = fakeTransportFactory();
      const connection = () => ({ url: "ws://127.0.0.1:1/x", apiKey: "key", authMethod: "header" });
      const r = new StreamRegistry({ settings: { ...DEFAULT_STREAM_SETTINGS, pacing: false, ...settings }, base, connection, transport, clock });
      const warnings = [];
      for (const name of ["failure", "closed", "response", "utterance"]) r.on(name, () => {});
      r.on("warning", (w) => warnings.push(w));
      return { r, transport, warnings };
    }
    const input = (key, command, audio = null) => ({ key, audio, command, routing: {}, props: {} });
    const states = (r) => r.summary().states;

    it("opens a stream for a key with none only if its row opens; an ending one with none is no error", function () {
      for (const type of CONTROL_TYPES) {
        const { r } = registry();
        const { opens, ends } = CONTROL_COMMANDS[type];
        if (opens || ends) r.input(input("k", parseControl(type)));
        else assert.throws(() => r.input(input("k", parseControl(type))), /No open stream "k"/, type);
        assert.strictEqual(states(r).length, opens ? 1 : 0, `${type} opens a stream`);
        r.closeAll();
      }
    });

    it("opens a new stream while the key's stopped one finishes only if its row opens", function () {
      for (const type of CONTROL_TYPES.filter((t) => !CONTROL_COMMANDS[t].ends)) {
        const { r, transport } = registry();
        r.input(input("k", { type: "stop" }, Buffer.alloc(3200)));
        transport.last().open();
        try {
          r.input(input("k", parseControl(type)));
        } catch {
          // A command for the finishing stream may be refused by it; what matters is whether a new one opened.
        }
        assert.strictEqual(transport.made.length, CONTROL_COMMANDS[type].opens ? 2 : 1, type);
        r.closeAll();
      }
    });

    it("ends an open stream only if its row ends it: after its audio (finishing) or at once (closed)", function () {
      for (const type of CONTROL_TYPES) {
        const { r, transport } = registry();
        r.input(input("k", null, Buffer.alloc(3200)));
        transport.last().open();
        r.input(input("k", parseControl(type)));
        const expected = { null: ["streaming"], "after its audio": ["finishing"], "at once": [] }[String(CONTROL_COMMANDS[type].ends)];
        assert.deepStrictEqual(states(r).map((s) => (s === "paused" ? "streaming" : s)), expected, type);
        r.closeAll();
      }
    });

    it("drops audio still waiting for its format only if its row ends the stream at once", function () {
      for (const type of CONTROL_TYPES.filter((t) => CONTROL_COMMANDS[t].ends)) {
        const { r, transport } = registry({ model: "stt-rt-v5", audio_format: "auto" });
        r.input(input("k", null, Buffer.from("RIFF")));
        r.input(input("k", parseControl(type)));
        // Stopping decides the format with what there is, and the stream ends after that audio.
        assert.strictEqual(transport.made.length, CONTROL_COMMANDS[type].ends === "at once" ? 0 : 1, type);
        r.closeAll();
      }
    });

    it("clears a stop after an error only if its row says so", function () {
      for (const type of CONTROL_TYPES) {
        const { r, transport, warnings } = registry();
        r.input(input("k", null, Buffer.alloc(3200)));
        transport.last().open();
        transport.last().result({ tokens: [], error_code: 401, error_message: "Invalid API key." });
        r.input(input("k", null, Buffer.alloc(320)));
        try {
          r.input(input("k", parseControl(type)));
        } catch {
          // No open stream for a command that neither opens nor ends one.
        }
        const cleared = warnings.some((w) => /bytes of audio were dropped while the stream was stopped by error 401/.test(w));
        assert.strictEqual(cleared, CONTROL_COMMANDS[type].clearsErrorStop, type);
        r.closeAll();
      }
    });

    it("makes the control node forget the stream's state (a finalize still waiting) only if its row ends the stream", function () {
      for (const type of CONTROL_TYPES.filter((t) => t !== "finalize")) {
        const clock = fakeClock();
        const later = [];
        const streams = new ControlStreams(controlSettings({ mode: "command", minFinalizeInterval: 2 }), clock, (out) => later.push(out));
        const send = () => {};
        for (const payload of ["finalize", "finalize", type]) streams.input({ key: "k", routing: {}, payload, control: undefined, props: {}, msg: {} }, send);
        clock.tick(5000);
        assert.strictEqual(later.length, CONTROL_COMMANDS[type].ends ? 0 : 1, type);
        // Inline mode forgets the same way when someone else's command passes by: no keepalive for it later.
        const inlineLater = [];
        const inline = new ControlStreams(controlSettings({ mode: "inline", keepaliveAfter: 10 }), clock, (out) => inlineLater.push(out));
        inline.input({ key: "k", routing: {}, payload: Buffer.alloc(320), control: undefined, props: {}, msg: {} }, send);
        inline.input({ key: "k", routing: {}, payload: null, control: type, props: {}, msg: {} }, send);
        clock.tick(15000);
        assert.strictEqual(inlineLater.length, CONTROL_COMMANDS[type].ends ? 0 : 1, `inline, ${type} passing by`);
        inline.closeAll();
      }
    });
  });
});
