"use strict";
// An in-memory transport for session tests: records every frame the session sends and lets the
// test play the server (open, results, errors, close) synchronously.
const FakeTimers = require("@sinonjs/fake-timers");

function fakeClock() {
  const clock = FakeTimers.createClock(0);
  return {
    fake: clock,
    now: () => clock.now,
    setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
    clearTimeout: (h) => clock.clearTimeout(h),
    tick: (ms) => clock.tick(ms),
  };
}

function fakeTransportFactory() {
  const made = [];
  const factory = (request, handlers) => {
    const t = {
      request,
      handlers,
      sent: [],
      closed: null,
      terminated: false,
      bufferedAmount: 0,
      send(data) {
        if (t.closed !== null || t.terminated) throw new Error("send after close");
        t.sent.push(typeof data === "string" ? { text: data } : { bytes: Buffer.from(data) });
      },
      close(code) {
        t.closed = code ?? 1000;
      },
      terminate() {
        t.terminated = true;
      },
      // Server side helpers.
      open() {
        handlers.open();
      },
      result(obj) {
        handlers.message(JSON.stringify(obj), false);
      },
      raw(text, isBinary = false) {
        handlers.message(text, isBinary);
      },
      serverClose(code = 1000, reason = "") {
        handlers.close(code, reason);
      },
      fail(message, status, i18n) {
        handlers.error(new Error(message), status, i18n);
      },
      texts() {
        return t.sent.filter((f) => f.text !== undefined).map((f) => f.text);
      },
      audio() {
        return Buffer.concat(t.sent.filter((f) => f.bytes).map((f) => f.bytes));
      },
      kinds() {
        return t.sent.map((f) => (f.bytes ? "audio" : f.text === "" ? "eos" : JSON.parse(f.text).type || "start"));
      },
    };
    made.push(t);
    return t;
  };
  factory.made = made;
  factory.last = () => made[made.length - 1];
  return factory;
}

/**
 * A TranscriptionStream's options over the fake transport and clock: 16 kHz PCM, no pacing, no
 * idle timeout or heartbeat, reconnect jitter fixed at its middle.
 */
function fakeStreamOptions(transport, clock, overrides = {}) {
  const { DEFAULT_RECONNECT } = require("../../dist/core/session/reconnect-policy");
  return {
    key: "k",
    url: "ws://127.0.0.1:1/x",
    apiKey: "key",
    authMethod: "header",
    start: { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 },
    transport,
    clock,
    keepaliveIntervalMs: 8000,
    connectTimeoutMs: 5000,
    finishTimeoutMs: 5000,
    pacing: false,
    maxQueuedBytes: 1 << 24,
    idleTimeoutMs: 0,
    reconnect: { ...DEFAULT_RECONNECT, random: () => 0.5 },
    heartbeatIntervalMs: 0,
    ...overrides,
  };
}

/** A SonioxSession's options over the fake transport and clock, for 16 kHz PCM measured exactly. */
function fakeSessionOptions(transport, clock, overrides = {}) {
  const { RawMeter } = require("../../dist/core/audio/audio-meter");
  return {
    url: "ws://127.0.0.1:1/transcribe-websocket",
    apiKey: "secret-key",
    start: { model: "stt-rt-v5", audio_format: "pcm_s16le", sample_rate: 16000, num_channels: 1 },
    transport,
    clock,
    meter: new RawMeter({ format: "pcm_s16le", sampleRate: 16000, channels: 1 }),
    ...overrides,
  };
}

module.exports = { fakeClock, fakeTransportFactory, fakeStreamOptions, fakeSessionOptions };
