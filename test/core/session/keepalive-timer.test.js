"use strict";
const assert = require("assert");
const { KeepaliveTimer, MAX_KEEPALIVE_MS } = require("../../../dist/core/session/keepalive-timer");
const { fakeClock } = require("../../support/fake-transport");

function timer(intervalMs, onQuiet = () => {}) {
  const clock = fakeClock();
  const quiet = [];
  const t = new KeepaliveTimer(clock, intervalMs, () => {
    quiet.push(clock.now());
    onQuiet(t);
  });
  return { clock, t, quiet };
}

describe("KeepaliveTimer", function () {
  it("says the stream is quiet once per interval without activity, counted from the last", function () {
    // The owner sends a keepalive each time, which is activity.
    const { clock, t, quiet } = timer(5000, (self) => self.touch());
    t.start();
    clock.tick(3000);
    t.touch();
    clock.tick(4999);
    assert.deepStrictEqual(quiet, [], "activity at 3 s moved the first keepalive to 8 s");
    clock.tick(1);
    assert.deepStrictEqual(quiet, [8000]);
    clock.tick(10000);
    assert.deepStrictEqual(quiet, [8000, 13000, 18000]);
  });

  it("asks again 100 ms later, not every millisecond, while the owner sends nothing (a full socket holds what waits)", function () {
    const { clock, t, quiet } = timer(5000);
    t.start();
    clock.tick(5250);
    assert.deepStrictEqual(quiet, [5000, 5100, 5200]);
    t.touch();
    clock.tick(4999);
    assert.deepStrictEqual(quiet, [5000, 5100, 5200]);
    clock.tick(1);
    assert.deepStrictEqual(quiet, [5000, 5100, 5200, 10250], "a full interval again after activity");
  });

  it("caps the interval at 15 s, a margin below Soniox's 20 s limit", function () {
    const { clock, t, quiet } = timer(60000);
    assert.strictEqual(MAX_KEEPALIVE_MS, 15000);
    assert.strictEqual(t.intervalMs, 15000);
    t.start();
    clock.tick(14999);
    assert.deepStrictEqual(quiet, []);
    clock.tick(1);
    assert.deepStrictEqual(quiet, [15000]);
  });

  it("does nothing before start or after stop, also when stopped from its own callback", function () {
    const idle = timer(1000);
    idle.clock.tick(5000);
    assert.deepStrictEqual(idle.quiet, [], "not started");
    idle.t.start();
    idle.clock.tick(1000);
    idle.t.stop();
    idle.clock.tick(5000);
    assert.deepStrictEqual(idle.quiet, [6000], "counted from start");
    const selfStopping = timer(1000, (t) => t.stop());
    selfStopping.t.start();
    selfStopping.clock.tick(5000);
    assert.deepStrictEqual(selfStopping.quiet, [1000]);
    assert.strictEqual(selfStopping.clock.fake.countTimers(), 0, "no timer left behind");
  });
});
