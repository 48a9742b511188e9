"use strict";
const assert = require("assert");
const FakeTimers = require("@sinonjs/fake-timers");
const { throttle } = require("../../dist/nodes/lib/throttle");

describe("status throttle", function () {
  let clock;
  beforeEach(() => (clock = FakeTimers.install()));
  afterEach(() => clock.uninstall());

  it("runs the first call at once and collapses the rest of the interval into one trailing call", () => {
    let runs = 0;
    const t = throttle(() => runs++, 250);
    t();
    assert.strictEqual(runs, 1, "leading call");
    for (let i = 0; i < 100; i++) t();
    assert.strictEqual(runs, 1, "no call inside the interval");
    clock.tick(250);
    assert.strictEqual(runs, 2, "one trailing call: the last change is never lost");
    clock.tick(1000);
    assert.strictEqual(runs, 2, "nothing more without new calls");
    t();
    assert.strictEqual(runs, 3, "quiet long enough: immediate again");
  });

  it("cancel drops the pending trailing call", () => {
    let runs = 0;
    const t = throttle(() => runs++, 250);
    t();
    t();
    t.cancel();
    clock.tick(1000);
    assert.strictEqual(runs, 1);
  });
});
