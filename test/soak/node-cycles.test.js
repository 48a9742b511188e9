"use strict";
// Soak of soniox-transcribe in the real Node-RED runtime: hundreds of real stream start/stop
// cycles over real sockets against the simulator (in a child process, so what is measured is the
// client's own). Every cycle must end cleanly; afterwards the node holds no stream, and heap and
// active handles are back to where they were. SOAK_LONG=1 runs 10000 cycles.
const assert = require("assert");
const { helper, NODES, transcribeFlow, load } = require("../support/nodered");
const { spawnSimulator } = require("./sim-process");
const { forgetHelperSpyCalls, settledHeap, handles, steadyHandles, settle, mb } = require("./measure");

const KEY = "sk-soak-0123456789";
const CYCLES = process.env.SOAK_LONG === "1" ? 10000 : 300;
const PARALLEL = 6;
const WARMUP = 30;
/** Generous: Node-RED's own caches grow a little at first; a per-cycle leak of 10 KB would show. */
const HEAP_TOLERANCE = 3 * 1024 * 1024;

function pcm(ms) {
  const samples = (ms * 16000) / 1000;
  const buf = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) buf.writeInt16LE(i % 40 < 20 ? 8000 : -8000, i * 2);
  return buf;
}

describe("soak: start/stop cycles through soniox-transcribe (real sockets, simulator process)", function () {
  this.timeout(process.env.SOAK_LONG === "1" ? 600000 : 40000);
  let sim;

  before(async function () {
    sim = await spawnSimulator({ key: KEY, script: "one two" });
    await new Promise((resolve) => helper.startServer(resolve));
  });

  after(async function () {
    await helper.unload();
    await new Promise((resolve) => helper.stopServer(resolve));
    if (sim) await sim.stop();
  });

  it(`runs ${CYCLES} real stream cycles (stop and cancel) with heap and handles back to baseline`, async function () {
    await load(NODES, transcribeFlow(sim, { idleTimeout: 0 }), { cfg: { apiKey: KEY } });
    const tx = helper.getNode("tx");
    const caught = [];
    helper.getNode("caught").on("input", (m) => caught.push(m.error.message));
    const waiting = new Map(); // topic -> resolve of the running cycle
    helper.getNode("responses").on("input", (m) => {
      if (m.payload.finished && waiting.has(m.topic)) {
        const resolve = waiting.get(m.topic);
        waiting.delete(m.topic);
        resolve();
      }
    });
    const audio = pcm(100);
    let finishedCycles = 0;
    let canceledCycles = 0;

    /** One stream lifetime on `topic`: every fifth is canceled, the rest stop and wait for finished. */
    const cycle = (n, topic) => {
      if (n % 5 === 4) {
        tx.receive({ topic, payload: audio, control: "cancel" });
        canceledCycles++;
        return Promise.resolve();
      }
      const done = new Promise((resolve) => waiting.set(topic, resolve));
      tx.receive({ topic, payload: audio, control: "stop" });
      return done.then(() => finishedCycles++);
    };
    const run = async (count) => {
      let next = 0;
      const lane = async (topic) => {
        while (next < count) await cycle(next++, topic);
      };
      await Promise.all(Array.from({ length: PARALLEL }, (_, i) => lane(`lane-${i}`)));
    };

    await run(WARMUP);
    const handlesBefore = await steadyHandles(300, 3000);
    forgetHelperSpyCalls(helper);
    const heapBefore = await settledHeap();
    const started = Date.now();
    finishedCycles = 0;
    canceledCycles = 0;
    await run(CYCLES);
    const elapsed = Date.now() - started;
    const afterCount = await settle(() => handles().count, (n) => n <= handlesBefore.count, 3000);
    const handlesAfter = handles();
    forgetHelperSpyCalls(helper);
    const heapAfter = await settledHeap();

    console.log(
      `      soak node: ${CYCLES} cycles (${finishedCycles} stopped and finished, ${canceledCycles} canceled), ${PARALLEL} at a time, ` +
        `in ${elapsed} ms; heap ${mb(heapBefore)} -> ${mb(heapAfter)} (${heapAfter >= heapBefore ? "+" : ""}${((heapAfter - heapBefore) / 1024).toFixed(0)} KB); ` +
        `handles ${handlesBefore.count} -> ${afterCount} ${JSON.stringify(handlesAfter.byKind)}`,
    );
    assert.deepStrictEqual(caught, [], "no cycle ended in an error");
    assert.strictEqual(finishedCycles + canceledCycles, CYCLES);
    assert.ok(afterCount <= handlesBefore.count, `handles ${JSON.stringify(handlesBefore.byKind)} -> ${JSON.stringify(handlesAfter.byKind)}`);
    assert.ok(heapAfter - heapBefore < HEAP_TOLERANCE, `heap grew by ${mb(heapAfter - heapBefore)} over ${CYCLES} cycles`);
  });
});
