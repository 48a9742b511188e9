/**
 * wyoming response: hands the flow's transcript of a voice command back to the Wyoming client
 * that sent it, found by msg._session (set by wyoming in, carried by soniox-transcribe and the
 * token filter). Reads soniox-transcribe responses, token-filter utterances, plain text, and
 * soniox-transcribe's failures from a Catch node (the command is answered at once).
 */
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import type { SonioxToken } from "../core/session";
import type { Delivery } from "../core/wyoming";
import { guardOutput } from "./lib/safe-output";
import { deliver } from "./lib/wyoming-servers";

type Msg = NodeMessageInFlow & { _session?: unknown; utterance?: unknown; text?: unknown; soniox?: unknown };

export = function register(RED: NodeAPI): void {
  function WyomingResponse(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    guardOutput(this);
    const node = this;
    let answered = 0;

    node.on("input", (raw, _send, done) => {
      const msg = raw as Msg;
      const id = commandOf(msg._session);
      if (id === null) {
        done(new Error(RED._("wyoming-response.errors.no-session")));
        return;
      }
      const delivery = deliveryOf(msg);
      if (delivery === null) {
        done(new Error(RED._("wyoming-response.errors.payload")));
        return;
      }
      // A settled command (answered at an endpoint, timed out, client gone) takes no more text.
      if (deliver(id, delivery) === "answered") {
        answered++;
        node.status({ fill: "green", shape: "dot", text: RED._("wyoming-response.status.answered", { count: answered }) });
      }
      done();
    });
  }
  RED.nodes.registerType("wyoming-response", WyomingResponse);
};

function commandOf(session: unknown): string | null {
  if (typeof session !== "object" || session === null) return null;
  const { type, id } = session as { type?: unknown; id?: unknown };
  return type === "wyoming" && typeof id === "string" ? id : null;
}

/** What the message carries for the transcript; null when it is none of the forms we read. */
function deliveryOf(msg: Msg): Delivery | null {
  // soniox-transcribe's failure message, as a Catch node passes it on.
  const failure = (msg.soniox as { error?: { message?: unknown } } | undefined)?.error;
  if (typeof failure === "object" && failure !== null) return { kind: "failure", message: String(failure.message) };
  const p = msg.payload as unknown;
  if (typeof p === "object" && p !== null && Array.isArray((p as { tokens?: unknown }).tokens)) {
    const r = p as { tokens: unknown[]; finished?: unknown };
    const tokens = r.tokens.filter((t): t is SonioxToken => typeof t === "object" && t !== null && typeof (t as SonioxToken).text === "string");
    return { kind: "response", tokens, finished: r.finished === true };
  }
  if (typeof p !== "string") return null;
  const u = msg.utterance as { text?: unknown; reason?: unknown } | undefined;
  if (typeof u === "object" && u !== null && typeof u.reason === "string") return { kind: "utterance", text: p, reason: u.reason };
  // Token-filter text mode: only the final part is the transcript's (non-final text comes back as final).
  const final = (msg.text as { final?: unknown } | undefined)?.final;
  return { kind: "text", text: typeof final === "string" ? final : p };
}
