import type { NodeMessage } from "node-red";
import type { Routing } from "../../core/control";
import type { Utterance } from "../../core/filter";
import type { StreamSummary } from "../../core/session";
import { plainConstructor } from "../../core/plain-object";

interface SonioxFields {
  stream: string;
  session: number;
  stats?: StreamSummary;
}
type OutFields = { topic: string; payload: unknown; utterance?: Utterance; soniox: SonioxFields } & Routing;

// The node's messages and their msg.soniox, made without literals (see core/plain-object.ts).
const SonioxInfo = plainConstructor(function (this: SonioxFields, stream: string, session: number) {
  this.stream = stream;
  this.session = session;
});
// msg.utterance, on output 2's messages only, comes before msg.soniox: keys in this order.
const Output = plainConstructor(function (this: OutFields, topic: string, payload: unknown, utterance: Utterance | null, soniox: SonioxFields) {
  this.topic = topic;
  this.payload = payload;
  if (utterance !== null) this.utterance = utterance;
  this.soniox = soniox;
});

/** A message the node sends; the reply properties of the stream's first message go last. */
export function outMessage(key: string, payload: unknown, session: number, routing: Routing, utterance?: Utterance, stats?: StreamSummary): NodeMessage {
  const soniox = new SonioxInfo(key, session);
  if (stats !== undefined) soniox.stats = stats;
  const msg = new Output(key, payload, utterance ?? null, soniox);
  if (routing._session !== undefined) msg._session = routing._session;
  if (routing._client !== undefined) msg._client = routing._client;
  return msg as unknown as NodeMessage;
}
