"use strict";
// The replay log holds only audio Soniox has not finalized: confirmed audio must be released at
// once, not kept until a later compaction (a live stream would otherwise hold ~30 s of audio).
const assert = require("assert");
const v8 = require("v8");
const vm = require("vm");
const { ReplayLog } = require("../../../dist/core/session/replay-log");
const { BlockPool, PEAK_WINDOW_MS } = require("../../../dist/core/session/block-pool");

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

  it("keeps no caller buffer alive: recorded chunks can be garbage-collected at once", async () => {
    const log = new ReplayLog(1 << 20);
    const refs = [];
    const recordOne = (i) => {
      const chunk = new Uint8Array(3840).fill(i);
      refs.push(new WeakRef(chunk));
      log.record(chunk, i * 3840);
    };
    for (let i = 0; i < 10; i++) recordOne(i);
    await nextTurn();
    gc();
    assert.deepStrictEqual(refs.map((r) => r.deref() !== undefined), new Array(10).fill(false));
    // ...and still gives the audio back, none of it confirmed yet.
    const replay = log.slice(0, 10 * 3840);
    assert.deepStrictEqual(replay.map((c) => [c.offset, c.data.length, c.data[0], c.data[3839]]), refs.map((_, i) => [i * 3840, 3840, i, i]));
  });

  it("releases confirmed audio right away and its memory does not grow with the stream", () => {
    const log = new ReplayLog(8 * 1024 * 1024);
    const chunk = 3840; // 120 ms of 16 kHz 16-bit PCM
    log.record(new Uint8Array(chunk), 0);
    for (let i = 1; i < 10; i++) log.record(new Uint8Array(chunk), i * chunk);
    log.release(5 * chunk); // the first 5 chunks are final
    assert.strictEqual(log.heldBytes, 5 * chunk);
    assert.deepStrictEqual(log.slice(0, 10 * chunk).map((c) => c.offset), [5, 6, 7, 8, 9].map((i) => i * chunk));
    // An hour of audio with Soniox about a second behind: the log holds about a second.
    let peak = 0;
    for (let i = 10; i < 30000; i++) {
      log.record(new Uint8Array(chunk).fill(i & 255), i * chunk);
      log.release((i - 8) * chunk);
      peak = Math.max(peak, log.retainedBytes);
    }
    assert.strictEqual(log.heldBytes, 9 * chunk);
    assert.ok(peak <= 128 * 1024, `the buffer stays small (peak ${peak} bytes)`);
    const last = log.slice(0, Infinity);
    assert.deepStrictEqual(last.map((c) => [c.offset / chunk, c.data[0]]), [...Array(9).keys()].map((k) => [29991 + k, (29991 + k) & 255]));
  });

  it("gives back the memory a long wait for Soniox took once the audio is confirmed", () => {
    const log = new ReplayLog(8 * 1024 * 1024);
    const chunk = 3840;
    for (let i = 0; i < 2000; i++) log.record(new Uint8Array(chunk), i * chunk); // ~4 minutes unconfirmed
    assert.ok(log.retainedBytes >= 2000 * chunk);
    assert.ok(log.retainedBytes <= 8 * 1024 * 1024 * 1.5 + chunk, `bounded by the cap (${log.retainedBytes})`);
    log.release(1998 * chunk);
    assert.ok(log.retainedBytes <= 64 * 1024, `shrunk after confirmation (${log.retainedBytes})`);
    assert.deepStrictEqual(log.slice(0, Infinity).map((c) => c.offset / chunk), [1998, 1999]);
  });

  it("keeps chunks that straddle blocks byte for byte, and gives each block back once passed", () => {
    const pool = new BlockPool(100);
    const log = new ReplayLog(1 << 20, pool);
    const bytes = (n, from) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 255);
    // 7 chunks of 70 bytes over 100-byte blocks: most chunks cross a block edge.
    for (let i = 0; i < 7; i++) log.record(bytes(70, i * 70), i * 70);
    assert.strictEqual(pool.blocksInUse, 5);
    const whole = log.slice(0, Infinity);
    assert.deepStrictEqual(whole.map((c) => c.offset), [0, 70, 140, 210, 280, 350, 420]);
    for (const c of whole) assert.deepStrictEqual([...c.data], [...bytes(70, c.offset)]);
    const cut = log.slice(95, 215);
    assert.deepStrictEqual(cut.map((c) => [c.offset, c.data.length]), [[95, 45], [140, 70], [210, 5]]);
    assert.deepStrictEqual([...cut[0].data], [...bytes(45, 95)]);
    log.release(280); // chunks 0-3 final: log positions 0-279 gone, blocks 0 and 1 wholly passed
    assert.strictEqual(pool.blocksInUse, 3);
    assert.deepStrictEqual([...log.slice(0, Infinity)[0].data], [...bytes(70, 280)]);
    log.release(490);
    assert.strictEqual(pool.blocksInUse, 0, "nothing held, nothing kept");
    assert.strictEqual(log.retainedBytes, 0);
  });

  it("shares one pool between streams: a block one stream gave back is the next one another takes", () => {
    const pool = new BlockPool(100);
    const a = new ReplayLog(1 << 20, pool);
    const b = new ReplayLog(1 << 20, pool);
    a.record(new Uint8Array(100).fill(1), 0);
    const blockOfA = a.slice(0, 100)[0].data;
    a.release(100);
    assert.strictEqual(pool.freeBlocks, 1);
    b.record(new Uint8Array(50).fill(2), 0);
    assert.strictEqual(pool.freeBlocks, 0, "b took a's block instead of allocating");
    assert.deepStrictEqual([...b.slice(0, 50)[0].data], new Array(50).fill(2));
    assert.deepStrictEqual([...blockOfA], new Array(100).fill(1), "a copy given out earlier is not the block");
  });

  it("gives a closed stream's blocks back; the pool keeps what the recent peak used, and only 64 once nothing is in use", () => {
    let now = 0;
    const pool = new BlockPool(100, () => now);
    const logs = Array.from({ length: 300 }, () => new ReplayLog(1 << 20, pool));
    logs.forEach((log) => log.record(new Uint8Array(150), 0));
    assert.strictEqual(pool.blocksInUse, 600);
    logs.slice(0, 200).forEach((log) => log.clear());
    assert.strictEqual(pool.blocksInUse, 200);
    assert.strictEqual(pool.freeBlocks, 400, "the blocks of the 600 peak stay for the next rise");
    logs.slice(200).forEach((log) => log.clear());
    assert.strictEqual(pool.blocksInUse, 0);
    assert.strictEqual(pool.freeBlocks, 64, "only the minimum kept once nothing is in use");
  });

  it("takes back the blocks a burst of confirmations gives without making them again, and forgets a peak after its window", () => {
    let now = 0;
    const pool = new BlockPool(100, () => now);
    const streams = Array.from({ length: 100 }, () => new ReplayLog(1 << 20, pool));
    // Every stream holds 10 blocks, then all confirm at once, then all hold 10 again: the same blocks.
    streams.forEach((log) => log.record(new Uint8Array(1000), 0));
    const one = new ReplayLog(1 << 20, pool);
    one.record(new Uint8Array(100), 0); // one block still in use: not the "nothing in use" case
    streams.forEach((log) => log.release(1000));
    assert.strictEqual(pool.freeBlocks, 1000);
    streams.forEach((log) => log.record(new Uint8Array(1000), 1000));
    assert.strictEqual(pool.freeBlocks, 0, "all 1000 taken from the pool again, none made");
    streams.forEach((log) => log.release(2000));
    // Two windows later the peak of 1001 is forgotten: giving one more block trims to the minimum.
    now += 2 * PEAK_WINDOW_MS;
    one.record(new Uint8Array(100), 100);
    one.release(100);
    assert.strictEqual(pool.blocksInUse, 1);
    assert.strictEqual(pool.freeBlocks, 64);
  });
});
