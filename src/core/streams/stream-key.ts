/**
 * Which stream a message belongs to, the one rule the transcribe, control and token filter nodes
 * share, so a stream keyed "kitchen" at one node is "kitchen" at the next.
 */

/** The stream of a message whose key property is missing or empty. */
export const DEFAULT_STREAM_KEY = "default";

// A plain name is read off the message directly: the expression parser costs more per audio chunk.
const PLAIN_PROPERTY = /^[A-Za-z_$][\w$]*$/;

/** Reads a property expression such as "topic" or "payload.room" (Node-RED's getMessageProperty). */
export type PropertyReader<M extends object> = (msg: M, expression: string) => unknown;

/** The stream a key value names: nothing, null or "" is the default stream; anything else its string form. */
export function streamKeyOf(value: unknown): string {
  if (value === undefined || value === null || value === "") return DEFAULT_STREAM_KEY;
  return typeof value === "string" ? value : String(value);
}

/** A function giving each message's stream from `property`; `read` is only asked for a nested expression. */
export function streamKeyReader<M extends object>(property: string, read: PropertyReader<M>): (msg: M) => string {
  if (PLAIN_PROPERTY.test(property)) return (msg) => streamKeyOf((msg as Record<string, unknown>)[property]);
  return (msg) => streamKeyOf(read(msg, property));
}
