"use strict";
// Turns raw measurements into the figures the bench prints and saves.
const { cpuSince } = require("./child-cpu");

// A decoder's count of a compressed stream differs from its source by codec priming and padding
// and by a last frame cut off mid-way: the simulator may hear this much less than was sent.
const COMPRESSED_SHORTFALL_MS = 100;
// Raw audio the simulator reads itself; anything else it decodes with ffmpeg.
const RAW_AT_SIMULATOR = /^(pcm_|mulaw$|alaw$)/;

/**
 * How far behind real time a stream fell, as the simulator saw it. Raw audio: its own reading, the
 * most that any frame was late against the audio received before it. A container: the simulator
 * counts its audio only once its ffmpeg has decoded it, which on this machine trails the bytes by up
 * to ~0.6 s whatever the sender does, so its reading would charge the decoder to the contender.
 * Instead, how late the last message arrived against the plan's schedule from the first.
 */
function lagOf(c, plan) {
  if (RAW_AT_SIMULATOR.test(c.audioFormat ?? "pcm_s16le")) return c.maxLagMs;
  return c.firstAudioAt === null || c.lastAudioAt === null ? Infinity : c.lastAudioAt - c.firstAudioAt - plan.lastDueMs;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function latencySummary(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  return {
    samples: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1] : null,
  };
}

/** The figures of one contender at one stream count. */
function loadRow({ contender, streams, seconds, maxLagLimitMs, result, sim }) {
  const w = result.cpuMarks.window;
  const e = result.cpuMarks.end;
  const windowMs = e.at - w.at;
  const cpuS = (e.cpuMs - w.cpuMs) / 1000;
  const base = result.memMarks.base;
  const open = result.memMarks.open;
  const plan = result.plan ?? { format: "pcm", audioMs: Math.round((seconds * 1000) / 120) * 120 };
  const expectedMs = plan.format === "pcm" ? plan.audioMs : plan.audioMs - COMPRESSED_SHORTFALL_MS;
  const childCpuS = w.children && e.children ? cpuSince(w.children, e.children) : 0;
  const conns = sim.connections.filter((c) => typeof c.ref === "string" && c.ref.startsWith("s"));
  const kept = conns.filter((c) => c.audioMs >= expectedMs && lagOf(c, plan) <= maxLagLimitMs).length;
  const simW = sim.marks.window;
  const simE = sim.marks.end;
  return {
    contender,
    format: plan.format,
    streams,
    seconds,
    windowSeconds: windowMs / 1000,
    cpuSecondsPerStreamMinute: cpuS / (streams * (windowMs / 60000)),
    /** The contender's children (ours' ffmpeg transcoders), not in the figure above. */
    childCpuSecondsPerStreamMinute: childCpuS / (streams * (windowMs / 60000)),
    childRssPerSessionKB: ((open.childRss ?? 0) - (base.childRss ?? 0)) / streams / 1024,
    processCpuCores: cpuS / (windowMs / 1000),
    /** Share of that CPU spent in the kernel (socket writes and reads, mostly). */
    systemCpuShare: (e.sysMs - w.sysMs) / 1000 / cpuS,
    /** Audio frames the simulator read and responses it sent, per stream over the whole run. */
    audioFramesPerStream: conns.length ? conns.reduce((n, c) => n + c.audioChunks, 0) / conns.length : null,
    responsesPerStream: conns.length ? conns.reduce((n, c) => n + c.messagesSent, 0) / conns.length : null,
    rssPerSessionKB: (open.rss - base.rss) / streams / 1024,
    /** The same without the young generation's growth (see probe.js markMemory). */
    rssLessYoungPerSessionKB: (open.rss - open.youngRss - (base.rss - base.youngRss)) / streams / 1024,
    heapPerSessionKB: (open.heapUsed - base.heapUsed) / streams / 1024,
    arrayBuffersPerSessionKB: (open.arrayBuffers - base.arrayBuffers) / streams / 1024,
    rssBaseMB: base.rss / 1048576,
    peakRssMB: result.peakRss / 1048576,
    /** Responses carrying final text: the same responses at every contender's sink. */
    latencyMs: latencySummary(result.latencies),
    /** Responses carrying any text; ours' sink receives final text only, so there it is the same. */
    latencyAnyTextMs: latencySummary(result.anyTextLatencies),
    audioLag: {
      maxMs: conns.length ? Math.max(...conns.map((c) => lagOf(c, plan))) : null,
      /** The simulator's own reading, decoder included for a container (see lagOf). */
      simulatorMaxMs: conns.length ? Math.max(...conns.map((c) => c.maxLagMs)) : null,
      /** The least audio the simulator heard from one stream, against what it was sent. */
      minAudioMs: conns.length ? Math.min(...conns.map((c) => c.audioMs)) : null,
      sentAudioMs: plan.audioMs,
      generatorMaxLateMs: result.generator.maxLateMs,
      generatorP99LateMs: result.generator.p99LateMs,
    },
    streamsKeptRealTime: kept,
    streamsSeen: conns.length,
    streamsFinished: conns.filter((c) => c.finished).length,
    simulatorErrors: conns.filter((c) => c.error).map((c) => `${c.ref}: ${c.error.error_code} ${c.error.error_message}`).slice(0, 10),
    contenderErrors: result.errors.samples.slice(0, 10),
    contenderErrorKinds: result.errors.kinds,
    errorCount: result.errors.count + conns.filter((c) => c.error).length,
    gc: result.gc && {
      count: result.gc.count,
      totalPauseMs: result.gc.totalPauseMs,
      maxPauseMs: result.gc.maxPauseMs,
      kinds: result.gc.kinds,
      /** Share of the window the process spent paused in GC. */
      pauseShare: result.gc.totalPauseMs / windowMs,
      allocatedMBPerStreamMinute: result.gc.allocatedBytes === null ? null : result.gc.allocatedBytes / 1048576 / (streams * (windowMs / 60000)),
    },
    /** The simulator with its decoders (one ffmpeg per container stream). */
    simulatorCpuCores: simW && simE ? (simE.cpuMs - simW.cpuMs + 1000 * cpuSince(simW.children ?? {}, simE.children ?? {})) / (simE.at - simW.at) : null,
    responsesAtSink: result.sinkMessages,
  };
}

/** Cold vs pre-connected: first audio message → first audio byte at the simulator. */
function connectRow({ contender, result, sim }) {
  const byMode = {};
  for (const c of sim.connections) {
    const sent = c.ref && result.firstSend[c.ref];
    if (!sent || c.firstAudioAt === null) continue;
    (byMode[sent.mode] ??= []).push(c.firstAudioAt - sent.at);
  }
  const out = { contender };
  for (const [mode, values] of Object.entries(byMode)) out[mode] = latencySummary(values);
  return out;
}

const f = (v, digits = 2) => (v === null || v === undefined || Number.isNaN(v) ? "-" : v.toFixed(digits));

/** The first line of a failure, short enough for a table cell. */
const short = (text) => String(text).split("\n")[0].slice(0, 70);

/** The contender's name, with its round when the run had several. */
const label = (r, rounds) => (rounds ? `${r.contender} #${r.round}` : r.contender);

/**
 * In a --format run, two more load columns: the row's format after the contender, and the CPU and
 * memory of its ffmpeg children (ours' transcoders) after its own CPU.
 */
function withFormat(header, lines, rows) {
  const widen = (l, format, ffmpeg) => [l[0], format, l[1], l[2], ffmpeg, ...l.slice(3)];
  return table(
    widen(header, "format", "ffmpeg s/stream-min (RSS KB/sess)"),
    lines.map((l, i) => {
      const r = rows[i];
      return widen(l, r.format ?? "pcm", r.failed ? "-" : `${f(r.childCpuSecondsPerStreamMinute, 3)} (${f(r.childRssPerSessionKB, 0)})`);
    }),
  );
}

function printLoadTable(rows, rounds = false, formatted = false) {
  const header = ["contender", "N", "CPU s/stream-min", "x nr-floor", "x floor", "RSS KB/sess (- young)", "heap KB/sess", "lat p50/p99/max ms", "any text p99", "lag max ms", "kept RT", "errors", "sim CPU"];
  const lines = rows.map((r) =>
    r.failed
      ? [label(r, rounds), String(r.streams), "-", "-", "-", "-", "-", "-", "-", "-", "-", `FAILED: ${short(r.failed)}`, "-"]
      : [
          label(r, rounds),
          String(r.streams),
          f(r.cpuSecondsPerStreamMinute, 3),
          f(r.ratioToNrFloor),
          f(r.ratioToFloor),
          `${f(r.rssPerSessionKB, 0)} (${f(r.rssLessYoungPerSessionKB, 0)})`,
          f(r.heapPerSessionKB, 0),
          `${f(r.latencyMs.p50)}/${f(r.latencyMs.p99)}/${f(r.latencyMs.max, 1)}`,
          f(r.latencyAnyTextMs.p99),
          f(r.audioLag.maxMs, 0),
          `${r.streamsKeptRealTime}/${r.streams}`,
          String(r.errorCount),
          r.simulatorCpuCores === null ? "-" : `${Math.round(r.simulatorCpuCores * 100)}%`,
        ],
  );
  return formatted ? withFormat(header, lines, rows) : table(header, lines);
}

/** GC over the measured window: pauses (perf_hooks 'gc' entries) and JS heap allocated. */
function printGcTable(rows, rounds = false, formatted = false) {
  const header = ["contender", "N", "GCs", "pause total ms", "pause max ms", "% of window", "alloc MB/stream-min", "by kind: count/total/max ms"];
  const measured = rows.filter((r) => !r.failed && r.gc);
  const lines = measured
    .map((r) => [
      label(r, rounds),
      String(r.streams),
      String(r.gc.count),
      f(r.gc.totalPauseMs, 1),
      f(r.gc.maxPauseMs, 2),
      f(r.gc.pauseShare * 100, 2),
      f(r.gc.allocatedMBPerStreamMinute, 2),
      Object.entries(r.gc.kinds ?? {})
        .map(([kind, k]) => `${kind} ${k.count}/${f(k.totalMs, 0)}/${f(k.maxMs, 1)}`)
        .join(", "),
    ]);
  if (!formatted) return table(header, lines);
  return table(["format", ...header], lines.map((l, i) => [measured[i].format ?? "pcm", ...l]));
}

/** Capacity: the largest N that kept >= 99 % of streams in real time with no errors. */
function printCapacityTable(results, rounds = false, formatted = false) {
  const header = [...(formatted ? ["format"] : []), "contender", "capacity N", "x floor", "first failing N", "why it failed", "runs", "search s"];
  const lines = results.map((r) => {
    const floor = results.find((x) => x.contender === "floor" && x.round === r.round && x.format === r.format);
    return [
      ...(formatted ? [r.format ?? "pcm"] : []),
      rounds ? `${r.contender} #${r.round}` : r.contender,
      r.capacityLabel,
      floor && floor.capacity > 0 && !r.failed ? f(r.capacity / floor.capacity) : "-",
      r.firstFailing === null ? "-" : String(r.firstFailing),
      r.failReason ? short(r.failReason) : "-",
      String(r.probes.length),
      f(r.searchSeconds, 0),
    ];
  });
  return table(header, lines);
}

function printTargetsTable(targets) {
  const header = ["target", "measured", "limit", "result"];
  return table(header, targets.map((t) => [t.target, t.measured, t.limit, t.met === null ? "not measured" : t.met ? "met" : "NOT met"]));
}

function printConnectTable(rows) {
  const header = ["contender", "cold p50/max ms", "pre-connected p50/max ms"];
  const lines = rows.map((r) => r.failed ? [r.contender, `FAILED: ${short(r.failed)}`, "-"] : [
    r.contender,
    r.cold ? `${f(r.cold.p50)}/${f(r.cold.max)}` : "-",
    r["pre-connected"] ? `${f(r["pre-connected"].p50)}/${f(r["pre-connected"].max)}` : "-",
  ]);
  return table(header, lines);
}

/** A Markdown table, readable in a terminal and pasteable into the README. */
function table(header, lines) {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [row(header), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...lines.map(row)].join("\n");
}

module.exports = { loadRow, connectRow, printLoadTable, printGcTable, printCapacityTable, printTargetsTable, printConnectTable, latencySummary, short, f };
