import type { Node, NodeStatus } from "node-red";
import { safeText } from "../../core/redact";

type Secrets = () => ReadonlyArray<string | null | undefined>;
type Method = "error" | "warn" | "log" | "debug" | "status";

/**
 * Routes every text a node emits (log lines, Catch messages through node.error, status text)
 * through the one redaction and length bound in core/redact, so no call site can forget it. Called
 * once, right after createNode; `secrets` is asked at emit time so a key set later is covered.
 * Each method becomes a Proxy of the original rather than a new function, so whatever is attached
 * to the original (the test helper's sinon spies: `node.warn.args`) still reads through.
 */
export function guardOutput(node: Node, secrets: Secrets = () => []): void {
  const clean = (text: unknown): string => safeText(String(text), safeSecrets(secrets));
  const cleaners: Record<Method, (args: unknown[]) => unknown[]> = {
    error: ([logMessage, ...rest]) => {
      if (logMessage instanceof Error) {
        logMessage.message = clean(logMessage.message);
        return [logMessage, ...rest];
      }
      return [clean(logMessage), ...rest];
    },
    warn: ([message]) => [clean(message)],
    log: ([message]) => [clean(message)],
    debug: ([message]) => [clean(message)],
    status: ([s]) => {
      if (typeof s === "string") return [clean(s)];
      const status = s as NodeStatus;
      return [status.text === undefined ? status : { ...status, text: clean(status.text) }];
    },
  };
  for (const method of Object.keys(cleaners) as Method[]) {
    const original = node[method] as (...args: unknown[]) => unknown;
    (node as unknown as Record<Method, unknown>)[method] = new Proxy(original, {
      apply: (target, _self, args: unknown[]) => Reflect.apply(target, node, cleaners[method](args)),
    });
  }
}

function safeSecrets(secrets: Secrets): ReadonlyArray<string | null | undefined> {
  try {
    return secrets();
  } catch {
    return [];
  }
}
