import type { NodeStatus } from "node-red";
import type { StreamState } from "../../core/session";

/** The one place stream states become node status: the busiest state wins, with the stream count. */
const PRIORITY: Array<[StreamState, NodeStatus["fill"], NodeStatus["shape"]]> = [
  ["streaming", "green", "dot"],
  ["reconnecting", "yellow", "dot"],
  ["connecting", "yellow", "ring"],
  ["finishing", "blue", "ring"],
  ["paused", "grey", "dot"],
];

export function describeStreams(states: StreamState[], lastError: string | null): NodeStatus {
  const open = states.filter((s) => PRIORITY.some(([p]) => p === s));
  if (open.length === 0) {
    return lastError ? { fill: "red", shape: "ring", text: `error: ${lastError}` } : { fill: "grey", shape: "ring", text: "idle" };
  }
  const [state, fill, shape] = PRIORITY.find(([p]) => open.includes(p))!;
  const count = open.length === 1 ? "" : ` (${open.length} streams)`;
  return { fill, shape, text: `${state}${count}` };
}
