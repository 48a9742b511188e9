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

module.exports = { fakeClock, fakeTransportFactory };
