"use strict";
// Rotation over real sockets, against a simulator that counts Soniox's session cap in wall-clock
// time with pauses included: the client rotates by session age (also while paused), and when it
// is too late anyway, Soniox's "Audio is too long" rotates instead of ending the stream. Either way
// every word arrives exactly once, on the file's timeline.
const assert = require("assert");
const fs = require("fs");
const path = require("path");
const { startSimulator } = require("../../../dist/simulator");
const { TranscriptionStream, wsTransport } = require("../../../dist/core/session");
const { systemClock } = require("../../../dist/core/clock");
const { FIXTURES, SCRIPT, WORDS, FORMATS, locatorFor, bytesPerMsOf } = require("./timed-fixtures");

const KEY = "rot-key";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run(format, { rotation, maxSessionMs, pauseMs }) {
  const file = fs.readFileSync(path.join(FIXTURES, format.file));
  const sim = await startSimulator({ apiKeys: [KEY], finalLagMs: 300, maxSessionMs, timedScript: { words: WORDS, locate: locatorFor(format, file) } });
  const stream = new TranscriptionStream({
    key: "r",
    url: sim.url,
    apiKey: KEY,
    authMethod: "header",
    start: { model: "stt-rt-v5", ...format.start },
    transport: wsTransport,
    clock: systemClock,
    keepaliveIntervalMs: 300,
    connectTimeoutMs: 3000,
    finishTimeoutMs: 5000,
    pacing: true,
    maxQueuedBytes: 1 << 24,
    idleTimeoutMs: 0,
    rotation,
  });
  const responses = [];
  const restarts = [];
  stream.on("response", (r) => responses.push(r));
  stream.on("restart", (r) => restarts.push(r));
  const closed = new Promise((resolve) => stream.on("closed", resolve));
  try {
    const chunk = Math.round(bytesPerMsOf(format) * 100) + 1;
    const pieces = [];
    for (let at = 0; at < file.length; at += chunk) pieces.push(file.subarray(at, at + chunk));
    for (let i = 0; i < pieces.length; i++) {
      if (i === Math.floor(pieces.length / 2) && pauseMs) {
        stream.control({ type: "pause" });
        await sleep(pauseMs);
        stream.control({ type: "resume" });
      }
      stream.audio(pieces[i]);
      await sleep(80);
    }
    stream.control({ type: "stop" });
    const info = await Promise.race([closed, sleep(15000).then(() => ({ reason: "timeout" }))]);
    const finals = responses.flatMap((r) => r.tokens).filter((t) => t.is_final && !t.text.startsWith("<"));
    return { info, finals, restarts, responses, connections: sim.connections.length };
  } finally {
    stream.cancel();
    await sim.close();
  }
}

function assertExactlyOnce(r) {
  assert.strictEqual(r.info.reason, "finished", JSON.stringify(r.info));
  assert.strictEqual(r.finals.map((t) => t.text).join(""), SCRIPT.join(" "));
  for (let i = 1; i < r.finals.length; i++) assert.ok(r.finals[i].start_ms >= r.finals[i - 1].start_ms, `start_ms goes back at ${i}`);
  const last = r.finals[r.finals.length - 1];
  assert.ok(Math.abs(last.end_ms - WORDS[WORDS.length - 1].endMs) <= 100, `last word at ${last.end_ms}`);
  // A retiring session's replies keep its number and all come before the next restart marker.
  const sessions = r.responses.map((x) => x.session);
  for (let i = 1; i < sessions.length; i++) assert.ok(sessions[i] >= sessions[i - 1], `session ${sessions[i]} after ${sessions[i - 1]}`);
}

describe("rotation against a wall-clock session cap", function () {
  this.timeout(30000);
  const wav = FORMATS.find((f) => f.file === "speech-16k-mono.wav");
  const ogg = FORMATS.find((f) => f.file === "speech.ogg");

  it("rotates by session age, at once while paused, before the cap; every word once", async function () {
    // The pause alone outlasts the rotation age: only a client counting wall-clock time rotates in it.
    const r = await run(wav, { rotation: { afterMs: 1500, graceMs: 500 }, maxSessionMs: 4000, pauseMs: 2000 });
    assertExactlyOnce(r);
    assert.ok(r.restarts.length >= 2, JSON.stringify(r.restarts));
    assert.ok(r.restarts.every((x) => x.reason === "rotation"), JSON.stringify(r.restarts));
  });

  it("rotates instead of failing when the cap comes first (Audio is too long), for a container too", async function () {
    for (const format of [wav, ogg]) {
      const r = await run(format, { rotation: { afterMs: 0, graceMs: 0 }, maxSessionMs: 1800, pauseMs: 0 });
      assertExactlyOnce(r);
      assert.ok(r.restarts.length >= 1 && r.restarts.every((x) => x.reason === "rotation" && x.error.message.includes("Audio is too long")), JSON.stringify(r.restarts));
    }
  });
});
