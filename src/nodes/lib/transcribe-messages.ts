/**
 * What soniox-transcribe sends and reports for each event of its stream registry: responses and
 * new-session markers on output 1, utterances on output 2, a stream's failure as an error a Catch
 * node gets with the stream's routing, warnings in the runtime's language.
 */
import type { Node, NodeAPI, NodeMessage } from "node-red";
import type { Routing } from "../../core/control";
import type { Utterance } from "../../core/filter";
import type { AccountHealth } from "../../core/keys";
import type { StreamSummary } from "../../core/session";
import type { StreamRegistry } from "../../core/streams";
import { plainConstructor } from "../../core/plain-object";
import { errorText, warningText } from "./i18n";

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
function outMessage(key: string, payload: unknown, session: number, routing: Routing, utterance?: Utterance, stats?: StreamSummary): NodeMessage {
  const soniox = new SonioxInfo(key, session);
  if (stats !== undefined) soniox.stats = stats;
  const msg = new Output(key, payload, utterance ?? null, soniox);
  if (routing._session !== undefined) msg._session = routing._session;
  if (routing._client !== undefined) msg._client = routing._client;
  return msg as unknown as NodeMessage;
}

/** Sends and reports the registry's streams through `node`; `account` hears which calls Soniox took. */
export function relayStreams(RED: NodeAPI, node: Node, registry: StreamRegistry, account: AccountHealth): void {
  registry.on("response", ({ key, routing, session, response, stats }) => {
    account.noteSuccess();
    node.send([outMessage(key, response, session, routing, undefined, stats), null]);
  });
  registry.on("utterance", ({ key, routing, session, utterance }) => {
    node.send([null, outMessage(key, utterance.text, session, routing, utterance)]);
  });
  // Output 1 marks a new Soniox session: timestamps continue, speaker labels start again.
  registry.on("restart", ({ key, routing, restart }) => {
    const payload = { tokens: [], final_text: "", non_final_text: "", endpoint: false, finalized: false, finished: false, restart };
    node.send([outMessage(key, payload, restart.session, routing), null]);
  });
  registry.on("failure", ({ key, routing, error }) => {
    account.noteFailure(error);
    const errorMsg = { topic: key, payload: error.toJSON(), soniox: { stream: key, error: error.toJSON() }, ...routing };
    node.error(`[${key}] ${errorText(RED, "soniox-transcribe", error)}`, errorMsg);
  });
  registry.on("warning", (w, i18n) => node.warn(warningText(RED, "soniox-transcribe", w, i18n)));
}
