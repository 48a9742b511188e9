import type { NodeStatus } from "node-red";
import type { AccountProblem } from "../../core/keys";
import type { StreamState } from "../../core/session";

/** The one place stream states become node status: the busiest state wins, with the stream count. */
const PRIORITY: Array<[StreamState, NodeStatus["fill"], NodeStatus["shape"]]> = [
  ["streaming", "green", "dot"],
  ["reconnecting", "yellow", "dot"],
  ["connecting", "yellow", "ring"],
  ["finishing", "blue", "ring"],
  ["paused", "grey", "dot"],
];

/** `t` looks a status text up in the node's catalogue (status.<key>); null falls back to English. */
export function describeStreams(
  states: StreamState[],
  lastError: string | null,
  t: (key: string, params?: Record<string, string | number>) => string | null = () => null,
): NodeStatus {
  const open = states.filter((s) => PRIORITY.some(([p]) => p === s));
  if (open.length === 0) {
    if (lastError) return { fill: "red", shape: "ring", text: t("status.error", { code: lastError }) ?? `error: ${lastError}` };
    return { fill: "grey", shape: "ring", text: t("status.idle") ?? "idle" };
  }
  const [state, fill, shape] = PRIORITY.find(([p]) => open.includes(p))!;
  const name = t(`status.${state}`) ?? state;
  if (open.length === 1) return { fill, shape, text: name };
  return { fill, shape, text: t("status.withCount", { state: name, count: open.length }) ?? `${state} (${open.length} streams)` };
}

/**
 * A rejected key or a used-up balance, shown on every node of the account. `t` looks it up in the
 * soniox-config catalogue (status.<kind>).
 */
export function describeAccountProblem(
  problem: AccountProblem,
  t: (key: string, params?: Record<string, string | number>) => string | null = () => null,
): NodeStatus {
  const params = { code: String(problem.code), reason: problem.reason };
  const english = `${problem.kind === "key-rejected" ? "key rejected" : "no balance"} (${params.code}): ${problem.reason}`;
  return { fill: "red", shape: "ring", text: t(`status.${problem.kind}`, params) ?? english };
}
