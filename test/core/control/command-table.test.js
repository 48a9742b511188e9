"use strict";
// The control-command table is what parsing, the control node's settings, the stream's dispatch
// and the "command word sent as audio" check read: each is held to it here.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { CONTROL_COMMANDS, CONTROL_TYPES, commandNamed, commandWordProblem, parseControl, controlSettings } = require("../../../dist/core/control");
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
});
