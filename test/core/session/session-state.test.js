"use strict";
// The session's one state: what each call does in each state, and that every call the state does
// not allow fails the same way (a Catch-able SonioxError "invalid_state" naming call and state).
const assert = require("assert");
const { SonioxSession } = require("../../../dist/core/session/session");
const { checkMove } = require("../../../dist/core/session/session-state");
const { RawMeter } = require("../../../dist/core/audio/audio-meter");
const { fakeClock, fakeTransportFactory, fakeSessionOptions } = require("../../support/fake-transport");

const SPEC = { format: "pcm_s16le", sampleRate: 16000, channels: 1 };
const pcm = (ms) => Buffer.alloc(ms * 32, 1);

function makeSession(overrides = {}) {
  const clock = fakeClock();
  const transport = fakeTransportFactory();
  const session = new SonioxSession(fakeSessionOptions(transport, clock, { keepaliveIntervalMs: 5000, ...overrides }));
  const events = { states: [], closes: [] };
  session.on("state", (s, previous) => events.states.push([previous, s]));
  session.on("close", (c) => events.closes.push(c));
  return { session, clock, transport, events };
}

/** A session brought into each state the way a stream brings it there. */
const REACH = {
  idle: () => {},
  connecting: ({ session }) => session.start(),
  streaming: ({ session, transport }) => {
    session.start();
    transport.last().open();
  },
  paused: ({ session, transport }) => {
    session.start();
    transport.last().open();
    session.pause();
  },
  finishing: ({ session, transport }) => {
    session.start();
    transport.last().open();
    session.end();
  },
  finished: ({ session, transport }) => {
    session.start();
    transport.last().open();
    session.end();
    transport.last().result({ tokens: [], final_audio_proc_ms: 0, total_audio_proc_ms: 0, finished: true });
  },
  canceled: ({ session }) => session.cancel(),
  failed: ({ session, transport }) => {
    session.start();
    transport.last().serverClose(1006);
  },
};
const STATES = Object.keys(REACH);
const LIVE = ["idle", "connecting", "streaming", "paused"];

function inState(state, overrides) {
  const s = makeSession(overrides);
  REACH[state](s);
  assert.strictEqual(s.session.state, state, `reached ${state}`);
  s.events.states.length = 0;
  s.events.closes.length = 0;
  return s;
}

/** Asserts the call fails the session's one way, naming the call and the state. */
function assertRefused(call, action, state) {
  assert.throws(call, (err) => {
    assert.strictEqual(err.name, "SonioxError");
    assert.strictEqual(err.code, "invalid_state");
    assert.strictEqual(err.key, "session.not-live");
    assert.deepStrictEqual(err.params, { action, state });
    assert.strictEqual(err.message, `Cannot ${action}: the stream is ${state}`);
    return true;
  });
}

describe("SonioxSession state: each call in each state", function () {
  for (const state of STATES) {
    const live = LIVE.includes(state);

    it(`${state}: sendAudio ${live ? (state === "paused" ? "drops and counts the audio" : "queues the audio") : "is refused"}`, function () {
      const { session } = inState(state);
      if (!live) return assertRefused(() => session.sendAudio(pcm(10)), "send audio", state);
      session.sendAudio(pcm(10));
      if (state === "paused") {
        assert.strictEqual(session.stats.pausedBytes, 320);
        assert.strictEqual(session.stats.audioBytesIn, 0);
      } else {
        assert.strictEqual(session.stats.audioBytesIn, 320);
        assert.strictEqual(session.stats.pausedBytes, 0);
      }
      // An idle session starts on its first audio.
      assert.strictEqual(session.state, state === "idle" ? "connecting" : state);
    });

    for (const [call, action, frame] of [
      [(s) => s.finalize(), "finalize", "finalize"],
      [(s) => s.keepalive(), "keepalive", "keepalive"],
      [(s) => s.sendText('{"type":"finalize"}'), "send a command", "finalize"],
    ]) {
      it(`${state}: ${action} ${live ? "is queued" : "is refused"}`, function () {
        const { session, transport } = inState(state);
        if (!live) return assertRefused(() => call(session), action, state);
        const before = transport.made.length === 0 ? 0 : transport.last().kinds().filter((k) => k === frame).length;
        call(session);
        if (state === "idle") session.start();
        if (state === "idle" || state === "connecting") transport.last().open();
        const after = transport.last().kinds().filter((k) => k === frame).length;
        // A paused session's own pause already sent one finalize.
        assert.strictEqual(after - before, 1, transport.last().kinds().join(","));
      });
    }

    it(`${state}: pause ${live ? "pauses (once)" : "is refused"}`, function () {
      const { session, events } = inState(state);
      if (!live) return assertRefused(() => session.pause(), "pause", state);
      session.pause();
      session.pause();
      assert.strictEqual(session.state, "paused");
      assert.deepStrictEqual(events.states, state === "paused" ? [] : [[state, "paused"]]);
    });

    it(`${state}: resume ${state === "paused" ? "streams again" : "changes nothing: the session is not paused"}`, function () {
      const { session, events } = inState(state);
      session.resume();
      assert.strictEqual(session.state, state === "paused" ? "streaming" : state);
      assert.deepStrictEqual(events.states, state === "paused" ? [["paused", "streaming"]] : []);
    });

    it(`${state}: start ${state === "idle" ? "connects" : live || state === "finishing" ? "changes nothing once started" : "is refused"}`, function () {
      const { session, transport, events } = inState(state);
      const made = transport.made.length;
      if (!live && state !== "finishing") return assertRefused(() => session.start(), "start", state);
      session.start();
      session.start();
      assert.strictEqual(transport.made.length, state === "idle" ? 1 : made, "one connection");
      assert.deepStrictEqual(events.states, state === "idle" ? [["idle", "connecting"]] : []);
    });

    it(`${state}: end ${live ? "finishes gracefully" : "changes nothing"}`, function () {
      const { session, events } = inState(state);
      session.end();
      session.end();
      // An idle session with nothing queued has nothing to finish.
      const expected = state === "idle" ? "finished" : live ? "finishing" : state;
      assert.strictEqual(session.state, expected);
      assert.deepStrictEqual(events.states, live ? [[state, expected]] : []);
    });

    it(`${state}: cancel ${live || state === "finishing" ? "closes at once" : "changes nothing"}`, function () {
      const { session, events } = inState(state);
      session.cancel();
      session.cancel();
      const open = live || state === "finishing";
      assert.strictEqual(session.state, open ? "canceled" : state);
      assert.deepStrictEqual(events.closes, open ? [{ reason: "canceled" }] : []);
    });
  }

  it("useMeter and backdate belong before the first audio, and say so after it", function () {
    const { session } = inState("streaming");
    session.backdate(100);
    session.useMeter(new RawMeter(SPEC));
    session.sendAudio(pcm(10));
    for (const call of [() => session.useMeter(new RawMeter(SPEC)), () => session.backdate(100)]) {
      assert.throws(call, (err) => err.name === "SonioxError" && err.code === "invalid_state" && /audio is already queued/.test(err.message));
    }
  });

  it("resume goes back to where the connection got: idle before start, connecting before open", function () {
    const { session, transport, events } = makeSession();
    session.pause();
    session.resume();
    assert.strictEqual(session.state, "idle");
    session.pause();
    session.start();
    assert.strictEqual(session.state, "paused", "a paused session stays paused while it connects");
    session.resume();
    assert.strictEqual(session.state, "connecting");
    session.pause();
    transport.last().open();
    assert.strictEqual(session.state, "paused", "and when it opens");
    session.resume();
    assert.strictEqual(session.state, "streaming");
    assert.deepStrictEqual(events.states.map(([, s]) => s), ["paused", "idle", "paused", "connecting", "paused", "streaming"]);
  });

  it("a deferred session ended before it started connects when started, and stays finishing", function () {
    const { session, transport, events } = makeSession({ deferStart: true });
    session.sendAudio(pcm(10));
    session.end();
    assert.strictEqual(transport.made.length, 0);
    assert.strictEqual(session.state, "finishing");
    session.start();
    assert.strictEqual(transport.made.length, 1);
    transport.last().open();
    assert.strictEqual(session.state, "finishing");
    assert.deepStrictEqual(transport.last().kinds(), ["start", "audio", "eos"]);
    assert.deepStrictEqual(events.states.map(([, s]) => s), ["finishing"]);
  });

  it("a start that fails at once is said by close, not thrown, and the state stays failed", function () {
    const first = makeSession({ authMethod: "subprotocol", apiKey: "temp:abc" });
    first.session.sendAudio(pcm(10));
    assert.strictEqual(first.session.state, "failed");
    assert.strictEqual(first.events.closes.length, 1);
    assert.strictEqual(first.events.closes[0].error.code, "invalid_config");
    const { session, events } = makeSession({ authMethod: "subprotocol", apiKey: "temp:abc" });
    session.pause();
    session.sendAudio(pcm(10)); // dropped while paused: nothing starts
    session.finalize();
    session.end(); // starts the session to send the finalize it holds; the start fails
    assert.strictEqual(session.state, "failed");
    assert.deepStrictEqual(events.states.map(([, s]) => s), ["paused", "failed"]);
    assert.strictEqual(events.closes.length, 1);
  });

  it("the handover says whether audio was paused when the session stopped taking it", function () {
    const paused = inState("paused");
    paused.transport.last().serverClose(1006);
    assert.strictEqual(paused.session.handover().paused, true, "failed while paused");
    const ended = inState("paused");
    ended.session.end();
    ended.transport.last().serverClose(1006);
    assert.strictEqual(ended.session.handover().paused, true, "ended while paused, then failed");
    const resumed = inState("paused");
    resumed.session.resume();
    resumed.transport.last().serverClose(1006);
    assert.strictEqual(resumed.session.handover().paused, false);
  });
});

describe("session state moves", function () {
  it("allows the moves a session makes and refuses the rest", function () {
    for (const [from, to] of [
      ["idle", "connecting"],
      ["idle", "finished"],
      ["connecting", "streaming"],
      ["paused", "idle"],
      ["paused", "finishing"],
      ["finishing", "failed"],
    ]) {
      assert.doesNotThrow(() => checkMove(from, to), `${from} → ${to}`);
    }
    for (const [from, to] of [
      ["idle", "streaming"],
      ["streaming", "connecting"],
      ["finishing", "paused"],
      ["finishing", "streaming"],
      ["finished", "failed"],
      ["canceled", "idle"],
    ]) {
      assert.throws(() => checkMove(from, to), new RegExp(`cannot go from ${from} to ${to}`), `${from} → ${to}`);
    }
  });
});
