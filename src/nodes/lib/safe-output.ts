import type { Node, NodeMessage, NodeStatus } from "node-red";
import { safeText } from "../../core/redact";

type Secrets = () => ReadonlyArray<string | null | undefined>;

/**
 * Routes every text a node emits (log lines, Catch messages through node.error, status text)
 * through the one redaction and length bound in core/redact, so no call site can forget it. Called
 * once, right after createNode; `secrets` is asked at emit time so a key set later is covered.
 */
export function guardOutput(node: Node, secrets: Secrets = () => []): void {
  const clean = (text: unknown): string => safeText(String(text), safeSecrets(secrets));
  const error = node.error.bind(node);
  const warn = node.warn.bind(node);
  const log = node.log.bind(node);
  const debug = node.debug.bind(node);
  const status = node.status.bind(node);
  node.error = (logMessage: unknown, msg?: NodeMessage) => {
    if (logMessage instanceof Error) logMessage.message = clean(logMessage.message);
    else logMessage = clean(logMessage);
    error(logMessage, msg);
  };
  node.warn = (message: unknown) => warn(clean(message));
  node.log = (message: unknown) => log(clean(message));
  node.debug = (message: unknown) => debug(clean(message));
  node.status = (s: string | NodeStatus) =>
    status(typeof s === "string" ? clean(s) : s.text === undefined ? s : { ...s, text: clean(s.text) });
}

function safeSecrets(secrets: Secrets): ReadonlyArray<string | null | undefined> {
  try {
    return secrets();
  } catch {
    return [];
  }
}
