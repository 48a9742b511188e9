"use strict";
// CPU and memory of a process's children (ffmpeg: ours' transcoders, the simulator's decoders),
// which process.cpuUsage() does not count, read from /proc (Linux). A child that exits inside a
// window takes its CPU with it; the bench's children live as long as their streams.
const fs = require("fs");

const TICKS_PER_SECOND = 100; // Linux USER_HZ, the unit of /proc/<pid>/stat times
const PAGE_BYTES = 4096;

const read = (file) => {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null; // gone meanwhile
  }
};

/** utime + stime of a live process, in seconds (null once it is gone). */
function processCpuSeconds(pid) {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // fields 14 and 15 of stat
}

/** Every live descendant of `pid`, found through each thread's children list. */
function descendants(pid = process.pid) {
  const found = [];
  const tasks = (() => {
    try {
      return fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      return [];
    }
  })();
  for (const task of tasks) {
    for (const child of (read(`/proc/${pid}/task/${task}/children`) ?? "").split(" ").filter(Boolean).map(Number)) {
      found.push(child, ...descendants(child));
    }
  }
  return found;
}

/** {pid: cpu seconds} of the live descendants: subtract two of these with cpuSince. */
function childCpu(pid = process.pid) {
  const out = {};
  for (const child of descendants(pid)) {
    const cpu = processCpuSeconds(child);
    if (cpu !== null) out[child] = cpu;
  }
  return out;
}

/** CPU seconds the children spent between two childCpu() snapshots (a child born since counts whole). */
function cpuSince(before, after) {
  let sum = 0;
  for (const [pid, cpu] of Object.entries(after)) sum += cpu - (before[pid] ?? 0);
  return sum;
}

/** Resident bytes of the live descendants, and how many there are. */
function childRss(pid = process.pid) {
  let bytes = 0;
  let count = 0;
  for (const child of descendants(pid)) {
    const statm = read(`/proc/${child}/statm`);
    if (statm === null) continue;
    bytes += Number(statm.split(" ")[1]) * PAGE_BYTES;
    count++;
  }
  return { bytes, count };
}

module.exports = { processCpuSeconds, childCpu, cpuSince, childRss };
