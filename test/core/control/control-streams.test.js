"use strict";
// The control node's per-stream logic with a fake clock: what goes out now, what a timer sends
// later, and which stream is forgotten past Max streams.
const assert = require("assert");
const { ControlStreams, controlSettings } = require("../../../dist/core/control");
const { fakeClock } = require("../../support/fake-transport");
const { pcm, tone, silence } = require("./vad-generate");

function make(config) {
  const clock = fakeClock();
  const later = [];
  const streams = new ControlStreams(controlSettings(config), clock, (out) => later.push(out));
  const events = [];
  for (const name of ["sent", "delayed", "activity", "warning", "evicted"]) streams.on(name, (...args) => events.push([name, ...args]));
  const now = [];
  const input = (key, payload, extra = {}) => streams.input({ key, routing: {}, payload, control: undefined, props: {}, msg: { payload, key }, ...extra }, (out) => now.push(out));
  return { streams, clock, later, now, events, input };
}

const describeOut = (o) => (o.kind === "pass" ? "pass" : `${o.key}:${o.command.type}`);

describe("ControlStreams", function () {
  it("command mode: sends the command now with its message as the base, and one deferred finalize per interval", function () {
    const { clock, later, now, events, input } = make({ mode: "command", minFinalizeInterval: 2 });
    input("a", "finalize");
    input("a", "finalize");
    input("a", "finalize");
    assert.deepStrictEqual(now.map(describeOut), ["a:finalize"]);
    assert.deepStrictEqual(now[0].base, { payload: "finalize", key: "a" });
    assert.deepStrictEqual(events.filter((e) => e[0] === "delayed").length, 1, "several requests become one");
    clock.tick(2000);
    assert.deepStrictEqual(later.map(describeOut), ["a:finalize"]);
  });

  it("command mode: stop forgets a finalize still waiting", function () {
    const { clock, later, now, input } = make({ mode: "command", minFinalizeInterval: 2 });
    input("a", "finalize");
    input("a", "finalize");
    input("a", "stop");
    clock.tick(5000);
    assert.deepStrictEqual(now.map(describeOut), ["a:finalize", "a:stop"]);
    assert.deepStrictEqual(later, []);
  });

  it("forgets the least recently used stream past Max streams and says so", function () {
    const { events, input } = make({ mode: "ptt", maxStreams: 2 });
    input("a", true);
    input("b", true);
    input("a", false);
    input("c", true);
    assert.deepStrictEqual(events.filter((e) => e[0] === "evicted"), [["evicted", "b", 2]]);
  });

  it("push-to-talk: start, then finalize and pause on release, then resume", function () {
    const { now, input } = make({ mode: "ptt" });
    for (const p of [true, true, false, true]) input("m", p);
    assert.deepStrictEqual(now.map(describeOut), ["m:start", "m:finalize", "m:pause", "m:resume"]);
  });

  it("inline: passes audio on, finalizes after speech then silence, and passes others' commands on", function () {
    const { now, input } = make({ mode: "inline" });
    const audio = pcm({ format: "pcm_s16le", sampleRate: 16000, channels: 1 }, [tone(1000), silence(1000)]);
    for (let i = 0; i < audio.length; i += 3200) input("m", audio.subarray(i, i + 3200));
    const log = now.map(describeOut);
    assert.strictEqual(log.filter((l) => l === "pass").length, 20);
    assert.deepStrictEqual(log.filter((l) => l !== "pass"), ["m:finalize"]);
    input("m", null, { control: "stop" });
    assert.strictEqual(describeOut(now[now.length - 1]), "pass");
  });

  it("refuses invalid inline options when made, so a bad setting fails at deploy, not on the first chunk", function () {
    const settings = controlSettings({ mode: "inline" });
    settings.inline.silenceMs = 0;
    assert.throws(() => new ControlStreams(settings, fakeClock(), () => {}), /Silence before finalize must be more than 0 ms/);
  });
});
