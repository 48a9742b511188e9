import type { NodeAPI } from "node-red";
import { SonioxError, type MessageKey, type WarningKey } from "../../core/errors";
import { boundText, MAX_EMITTED_CHARS } from "../../core/redact";

export type Translate = (key: string, params?: Record<string, string | number>) => string;

/**
 * A translator for one node's catalogue that reports a missing key as null instead of echoing the
 * key back (i18next's default), so callers can fall back to the English text they already have.
 */
export function catalogue(RED: NodeAPI, namespace: string): (key: string, params?: Record<string, string | number>) => string | null {
  return (key, params) => {
    const full = `${namespace}.${key}`;
    const text = RED._(full, params);
    return typeof text !== "string" || text === "" || text === full || text.endsWith(`:${full}`) ? null : text;
  };
}

/** The message's params with its parts put in, each in the runtime's language where it has a key. */
function paramsOf(t: ReturnType<typeof catalogue>, section: string, i18n: MessageKey): Record<string, string | number> | undefined {
  if (!i18n.parts) return i18n.params;
  const params: Record<string, string | number> = { ...i18n.params };
  for (const [name, part] of Object.entries(i18n.parts)) {
    params[name] = (part.key === undefined ? null : t(`${part.section ?? section}.${part.key}`, part.params)) ?? part.text;
  }
  return params;
}

/** The error's text in the runtime's language when core gave it a catalogue key, else its English message. */
export function errorText(RED: NodeAPI, namespace: string, err: unknown): string {
  if (err instanceof SonioxError && err.key) {
    const t = catalogue(RED, namespace);
    const text = t(`errors.${err.key}`, paramsOf(t, "errors", { key: err.key, params: err.params, parts: err.parts }));
    // Each param was bounded on its own; the whole is bounded as the English text was.
    if (text !== null) return boundText(text, MAX_EMITTED_CHARS);
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * The same error with its message translated, for done(err): Node-RED shows err.message in the
 * debug sidebar and on msg.error. Code, key and params stay, so Catch flows branch as before.
 */
export function localizedError(RED: NodeAPI, namespace: string, err: unknown): Error {
  if (!(err instanceof SonioxError) || !err.key) return err as Error;
  const text = errorText(RED, namespace, err);
  return text === err.message ? err : new SonioxError(err.code, text, { key: err.key, params: err.params, parts: err.parts });
}

/** A warning in the runtime's language when core named its key, else core's English text. */
export function warningText(RED: NodeAPI, namespace: string, english: string, i18n?: WarningKey): string {
  if (!i18n) return english;
  const t = catalogue(RED, namespace);
  const text = t(`warnings.${i18n.key}`, paramsOf(t, "warnings", i18n));
  if (text === null) return english;
  const bounded = boundText(text, MAX_EMITTED_CHARS);
  return i18n.stream === undefined ? bounded : `[${i18n.stream}] ${bounded}`;
}
