"use strict";
// What a hostile-input scenario is judged by: the memory it made Node-RED hold, the log lines and
// Catch messages it produced, and whether the API key reached anything a user or browser sees.
const { helper } = require("../support/nodered");

/** Samples memory every 10 ms until stopped; the peak is above the level when it started. */
function memoryWatch() {
  const mem = () => {
    const m = process.memoryUsage();
    return { rss: m.rss, held: m.heapUsed + m.external };
  };
  const base = mem();
  const peak = { ...base };
  const timer = setInterval(() => {
    const now = mem();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.held = Math.max(peak.held, now.held);
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return { rssMb: (peak.rss - base.rss) / 1048576, heldMb: (peak.held - base.held) / 1048576 };
    },
  };
}

/** Log entries of our nodes (warnings, errors) since `from`, as the text Node-RED would print. */
function logLines(from = 0) {
  return helper
    .log()
    .args.slice(from)
    .map((a) => a[0])
    .filter((e) => e && typeof e.type === "string" && e.type.startsWith("soniox") && e.level <= 30)
    .map((e) => String(e.msg));
}

/** Every place the key could surface; returns where it was found (an empty list is the goal). */
async function keySightings(key, seen) {
  const flows = helper._redNodes.getFlows();
  // The helper mounts no admin HTTP routes, so ask the runtime API behind them (what GET /flows and
  // GET /credentials/:type/:id answer the editor with).
  const api = helper._RED.runtime.flows;
  const adminFlows = await api.getFlows({});
  const adminCreds = await api.getNodeCredentials({ type: "soniox-config", id: "cfg" });
  if (!adminCreds || adminCreds.has_apiKey !== true) throw new Error(`the admin API does not see the key as set: ${JSON.stringify(adminCreds)}`);
  const places = {
    msgs: seen.msgs,
    statuses: seen.statuses,
    errors: seen.errors,
    logs: helper.log().args,
    "exported flows": flows,
    "admin API": [adminFlows, adminCreds],
  };
  return Object.entries(places)
    .filter(([, value]) => JSON.stringify(value).includes(key))
    .map(([where]) => where);
}

module.exports = { memoryWatch, logLines, keySightings };
