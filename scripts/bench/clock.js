"use strict";
// One clock for every bench process: process.hrtime is CLOCK_MONOTONIC on Linux, shared by all
// processes on the machine, so a simulator stamp and a sink reading can be subtracted directly.

/** Monotonic milliseconds (fractional), comparable across processes on this machine. */
const hrMs = () => Number(process.hrtime.bigint()) / 1e6;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = { hrMs, sleep };
