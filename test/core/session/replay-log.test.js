"use strict";
// The replay log holds only audio Soniox has not finalized: confirmed audio must be released at
// once, not kept until a later compaction (a live stream would otherwise hold ~30 s of audio).
const assert = require("assert");
const v8 = require("v8");
const vm = require("vm");
const { ReplayLog } = require("../../../dist/core/session/replay-log");

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc");
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("ReplayLog", function () {
  it("returns the unconfirmed chunks, the first one possibly starting before the point asked for", () => {
    const log = new ReplayLog(1 << 20);
    for (let i = 0; i < 5; i++) log.record(new Uint8Array(3840), i * 3840, i * 120, 120);
    log.confirm(250);
    assert.deepStrictEqual(log.from(250).map((c) => c.startMs), [240, 360, 480]);
  });

  it("lets confirmed audio be garbage-collected right away", async () => {
    const log = new ReplayLog(1 << 20);
    const refs = [];
    for (let i = 0; i < 10; i++) {
      const chunk = new Uint8Array(3840);
      refs.push(new WeakRef(chunk));
      log.record(chunk, i * 3840, i * 120, 120);
    }
    log.confirm(600); // the first 5 chunks are final
    await nextTurn();
    gc();
    const alive = refs.map((r) => r.deref() !== undefined);
    assert.deepStrictEqual(alive, [false, false, false, false, false, true, true, true, true, true]);
  });
});
