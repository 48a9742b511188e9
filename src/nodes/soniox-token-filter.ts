/**
 * soniox-token-filter: Node-RED glue around TokenFilter. Reads the transcribe node's token
 * messages, keeps per-stream state keyed by msg.topic, and sends plain-string payloads with the
 * structured detail in other msg properties.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import type { SonioxToken } from "../core/session";
import { filterOptionsFromSettings, type TokenFilterSettings } from "../core/filter";
import { TokenFilter, type FilterOutput } from "../core/filter";
import { plainObject } from "../core/plain-object";
import { streamKeyOf } from "../core/streams";
import { guardOutput } from "./lib/safe-output";
import { refuseToRun } from "./lib/setup-error";

interface TokenFilterNodeDef extends NodeDef, TokenFilterSettings {}

interface ResponseLike {
  tokens: SonioxToken[];
  finished?: boolean;
}

// A parsing boundary: whatever arrives on msg.payload is checked before it is trusted.
function asResponse(payload: unknown): ResponseLike | null {
  if (typeof payload !== "object" || payload === null) return null;
  const tokens = (payload as { tokens?: unknown }).tokens;
  if (!Array.isArray(tokens)) return null;
  for (const t of tokens) {
    if (typeof t !== "object" || t === null || typeof (t as SonioxToken).text !== "string") return null;
  }
  return payload as ResponseLike;
}

// The transcribe node puts each message's stream key in msg.topic, whatever property it read it from.
const streamKey = (msg: NodeMessage): string => streamKeyOf(msg.topic);

/** The outgoing msg: the input's properties (topic, _session, _client, soniox…) plus the result. */
function toMessage(input: NodeMessageInFlow, out: FilterOutput): NodeMessage {
  // Per result: one copy of the input, then the result's fields (all but its port) over it. Not a
  // spread: a message is made without literals (see core/plain-object.ts).
  const msg = plainObject(input) as Record<string, unknown>;
  for (const key in out) if (key !== "port") msg[key] = (out as Record<string, unknown>)[key];
  return msg as NodeMessage;
}

export = function register(RED: NodeAPI): void {
  function SonioxTokenFilterNode(this: Node, config: TokenFilterNodeDef): void {
    RED.nodes.createNode(this, config);
    guardOutput(this);
    const node = this;
    let filter: TokenFilter;
    try {
      filter = new TokenFilter(filterOptionsFromSettings(config));
    } catch (err) {
      refuseToRun(RED, node, "soniox-token-filter", err, "errors.config");
      return;
    }
    const twoPorts = config.splitTranslation === true;
    let lastCount = 0;
    // The status text for each stream count, translated once: i18next costs far more than a lookup.
    const countTexts = new Map<number, string>();
    const countText = (count: number): string => {
      let text = countTexts.get(count);
      if (text === undefined) {
        text = RED._("soniox-token-filter.status.streams", { count });
        countTexts.set(count, text);
      }
      return text;
    };

    node.on("input", (msg, send, done) => {
      const response = asResponse(msg.payload);
      if (response === null) {
        done(new Error(RED._("soniox-token-filter.errors.not-tokens")));
        return;
      }
      const { outputs, evicted } = filter.push(streamKey(msg), response.tokens, response.finished === true);
      if (evicted !== null) node.warn(RED._("soniox-token-filter.errors.evicted", { stream: evicted }));
      // One send per result keeps the order across both ports exactly as the tokens came.
      for (const out of outputs) {
        const m = toMessage(msg, out);
        send(twoPorts ? (out.port === 0 ? [m, null] : [null, m]) : m);
      }
      if (filter.streamCount !== lastCount) {
        lastCount = filter.streamCount;
        node.status({ fill: "green", shape: "dot", text: countText(lastCount) });
      }
      done();
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      filter.clear();
      node.status({});
      done();
    });
  }
  RED.nodes.registerType("soniox-token-filter", SonioxTokenFilterNode);
};
