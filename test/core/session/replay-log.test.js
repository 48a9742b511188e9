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
  it("gives back the bytes between two stream positions, cutting chunks where asked", () => {
    const log = new ReplayLog(1 << 20);
    for (let i = 0; i < 5; i++) log.record(new Uint8Array(100).fill(i), i * 100);
    log.release(150);
    assert.strictEqual(log.start, 150);
    const slice = log.slice(150, 320);
    assert.deepStrictEqual(slice.map((c) => [c.offset, c.data.length, c.data[0]]), [[150, 50, 1], [200, 100, 2], [300, 20, 3]]);
  });

  it("says how much the bound pushed out and moves its start past it", () => {
    const log = new ReplayLog(250);
    const dropped = [0, 1, 2].map((i) => log.record(new Uint8Array(100), i * 100));
    assert.deepStrictEqual(dropped, [0, 0, 100]);
    assert.strictEqual(log.droppedBytes, 100);
    assert.strictEqual(log.start, 100, "nothing before 100 can be replayed any more");
    assert.deepStrictEqual(log.slice(0, 300).map((c) => c.offset), [100, 200]);
  });

  it("lets confirmed audio be garbage-collected right away", async () => {
    const log = new ReplayLog(1 << 20);
    const refs = [];
    for (let i = 0; i < 10; i++) {
      const chunk = new Uint8Array(3840);
      refs.push(new WeakRef(chunk));
      log.record(chunk, i * 3840);
    }
    log.release(5 * 3840); // the first 5 chunks are final
    await nextTurn();
    gc();
    const alive = refs.map((r) => r.deref() !== undefined);
    assert.deepStrictEqual(alive, [false, false, false, false, false, true, true, true, true, true]);
  });
});
