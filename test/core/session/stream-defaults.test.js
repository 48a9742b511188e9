"use strict";
// DEFAULT_STREAM_SETTINGS is the one place the defaults live: the node falls back to it for a blank
// or missing dialog field, the editor shows it (in the dialog's units), and the session and stream
// use it for an option they are not given.
const assert = require("assert");
const { DEFAULT_STREAM_SETTINGS, SonioxSession } = require("../../../dist/core/session");
const { RawMeter } = require("../../../dist/core/audio/audio-meter");
const { streamSettings, TRANSCRIBE_DIALOG_DEFAULTS } = require("../../../dist/nodes/lib/transcribe-options");
const { fakeClock, fakeTransportFactory } = require("../../support/fake-transport");

const START = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 };
const D = DEFAULT_STREAM_SETTINGS;

describe("DEFAULT_STREAM_SETTINGS", function () {
  it("is what the node runs with when every dialog field is missing or blank", function () {
    const { heartbeatTimeoutMs: _notADialogSetting, ...defaults } = D;
    const expected = { streamKeyProperty: "topic", ...defaults };
    assert.deepStrictEqual(streamSettings({}), expected);
    const blanks = Object.fromEntries(Object.keys(TRANSCRIBE_DIALOG_DEFAULTS).map((prop) => [prop, typeof TRANSCRIBE_DIALOG_DEFAULTS[prop] === "number" ? " " : undefined]));
    assert.deepStrictEqual(streamSettings(blanks), expected);
  });

  it("is what the editor shows a new node, in the dialog's units", function () {
    assert.deepStrictEqual(streamSettings(TRANSCRIBE_DIALOG_DEFAULTS), streamSettings({}));
    assert.strictEqual(TRANSCRIBE_DIALOG_DEFAULTS.keepaliveInterval * 1000, D.keepaliveIntervalMs);
    assert.strictEqual(TRANSCRIBE_DIALOG_DEFAULTS.maxQueueMb * 1024 * 1024, D.maxQueuedBytes);
    assert.strictEqual(TRANSCRIBE_DIALOG_DEFAULTS.rotateAfter * 60000, D.rotation.afterMs);
  });

  it("is what a session uses for the timers it is not given", function () {
    const clock = fakeClock();
    const transport = fakeTransportFactory();
    const session = new SonioxSession({ url: "ws://127.0.0.1:1/x", apiKey: "k", start: START, transport, clock, meter: new RawMeter({ format: "pcm_s16le", sampleRate: 16000, channels: 1 }) });
    const closes = [];
    session.on("close", (c) => closes.push(c));
    session.on("warning", () => {});
    session.start();
    const t = transport.last();
    assert.strictEqual(t.request.heartbeatIntervalMs, D.heartbeatIntervalMs);
    assert.strictEqual(t.request.heartbeatTimeoutMs, D.heartbeatTimeoutMs);
    assert.strictEqual(t.request.handshakeTimeoutMs, D.connectTimeoutMs);
    t.open();
    clock.tick(D.keepaliveIntervalMs - 1);
    assert.ok(!t.kinds().includes("keepalive"), "no keepalive before the interval");
    clock.tick(1);
    assert.ok(t.kinds().includes("keepalive"), "a keepalive once the interval passed without audio");
    session.cancel();
  });
});
