"use strict";
// DEFAULT_STREAM_SETTINGS is the one place the defaults live: the node falls back to it for a blank
// or missing dialog field, the editor shows it (in the dialog's units), and the session and stream
// use it for an option they are not given.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { DEFAULT_STREAM_SETTINGS, SonioxSession } = require("../../../dist/core/session");
const { RawMeter } = require("../../../dist/core/audio/audio-meter");
const { streamSettings, TRANSCRIBE_DIALOG_DEFAULTS } = require("../../../dist/nodes/lib/transcribe-options");
const { fakeClock, fakeTransportFactory } = require("../../support/fake-transport");

const START = { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 };
const D = DEFAULT_STREAM_SETTINGS;

describe("DEFAULT_STREAM_SETTINGS", function () {
  it("is what the node runs with when every dialog field is missing or blank", function () {
    const { heartbeatTimeoutMs: _notADialogSetting, maxReplayBytes: _norThis, ...defaults } = D;
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

  describe("as the docs state it", function () {
    const ROOT = path.join(__dirname, "../../..");
    const on = (b) => (b ? "on" : "off");
    const s = (ms) => `${ms / 1000} s`;

    /** What `pattern` captures in `file`, failing with the file and the phrase when the text no longer has it. */
    function stated(file, pattern, phrase) {
      const found = fs.readFileSync(path.join(ROOT, file), "utf8").match(pattern);
      assert.ok(found, `${file}: "${phrase}" is not there any more; if the text was rewritten, update this test to read the new sentence`);
      return found[1];
    }

    it("docs/nodes.md's transcribe settings table gives every default", function () {
      const rows = {
        "Convert to PCM 16 kHz mono": on(D.convertToPcm),
        "Other PCM": D.floatHandling,
        "Pass unknown msg.soniox options": on(D.passUnknownOptions),
        "Send every response": on(D.everyResponse),
        "Max streams": String(D.maxStreams),
        "Idle timeout": s(D.idleTimeoutMs),
        "Keepalive interval": s(D.keepaliveIntervalMs),
        "Real-time pacing": on(D.pacing),
        "Max queued audio": `${D.maxQueuedBytes / (1024 * 1024)} MB`,
        "Connect / finish timeout": `${s(D.connectTimeoutMs)} / ${s(D.finishTimeoutMs)}`,
        "Format wait": s(D.formatTimeoutMs),
        Reconnect: on(D.reconnect.enabled),
        "Reconnect attempts, first retry after": `${D.reconnect.maxAttempts}, ${s(D.reconnect.baseDelayMs)}`,
        "Rotate session after": `${D.rotation.afterMs / 60000} min`,
        "Dead connection check": s(D.heartbeatIntervalMs),
      };
      for (const [property, value] of Object.entries(rows)) {
        const escaped = property.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
        const cell = stated("docs/nodes.md", new RegExp(`^\\|[^|\n]*\\| ${escaped} \\| ([^|]*?) \\|`, "m"), `| ${property} |`);
        assert.strictEqual(cell, value, `docs/nodes.md: the row "| ${property} | ${cell} |" should say "| ${property} | ${value} |"`);
      }
    });

    it("README's Key options give the defaults they name", function () {
      const options = { "Max streams": String(D.maxStreams), "Idle timeout": s(D.idleTimeoutMs), Reconnect: on(D.reconnect.enabled) };
      for (const [option, value] of Object.entries(options)) {
        const said = stated("README.md", new RegExp(`\\*${option}\\* \\(([^)]*)\\)`), `*${option}* (…)`);
        assert.strictEqual(said, value, `README.md: "*${option}* (${said})" should say "*${option}* (${value})"`);
      }
    });

    it("the transcribe help gives the rotation's default and its latest delay in every language", function () {
      const phrases = {
        "en-US": [/<i>Rotate session after<\/i>, default (\d+)/, /at the latest (\d+) minutes later/],
        de: [/<i>Sitzung wechseln nach<\/i>, Standard (\d+)/, /spätestens (\d+) Minuten später/],
        ja: [/<i>セッションの切り替え<\/i>、既定 (\d+)/, /遅くとも (\d+) 分後に/],
      };
      for (const [locale, [after, grace]] of Object.entries(phrases)) {
        const file = `nodes/locales/${locale}/soniox-transcribe.html`;
        const said = stated(file, after, after.source);
        assert.strictEqual(Number(said), D.rotation.afterMs / 60000, `${file}: "${after.source}" says ${said} minutes, not the default's`);
        const latest = stated(file, grace, grace.source);
        assert.strictEqual(Number(latest), D.rotation.graceMs / 60000, `${file}: "${grace.source}" says ${latest} minutes, not the default's`);
      }
    });
  });
});
