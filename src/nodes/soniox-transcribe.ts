import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { ffmpegInUseText, reportFfmpegInUse, type SoxProps } from "../core/audio";
import { systemClock } from "../core/clock";
import { parseControl } from "../core/control";
import { SonioxError } from "../core/errors";
import { validateStartMessage, wsTransport } from "../core/session";
import { StreamRegistry } from "../core/streams";
import { toAudioBytes } from "./lib/audio-payload";
import type { SonioxConfigNode } from "./lib/config-node";
import { routingOf } from "./lib/routing";
import { catalogue, errorText, localizedError, warningText } from "./lib/i18n";
import { describeAccountProblem, describeStreams } from "./lib/status";
import { guardOutput } from "./lib/safe-output";
import { outMessage } from "./lib/out-message";
import { throttle } from "./lib/throttle";
import { baseStartMessage, streamSettings, TRANSCRIBE_DIALOG_DEFAULTS, type TranscribeNodeConfig } from "./lib/transcribe-options";

interface TranscribeDef extends NodeDef, TranscribeNodeConfig {
  config: string;
}

type Msg = NodeMessageInFlow & SoxProps & { control?: unknown; soniox?: unknown; _session?: unknown; _client?: unknown };

/** Node status changes at most this often (first and last change always shown). */
const STATUS_INTERVAL_MS = 250;
const PLAIN_PROPERTY = /^[A-Za-z_$][\w$]*$/;

export = function register(RED: NodeAPI): void {
  function SonioxTranscribe(this: Node, def: TranscribeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const configNode = RED.nodes.getNode(def.config) as SonioxConfigNode | null;
    guardOutput(node, () => [configNode?.apiKey()]);
    const t = catalogue(RED, "soniox-transcribe");
    let registry: StreamRegistry;
    let streamKeyProperty = "topic";
    try {
      const settings = streamSettings(def);
      const base = baseStartMessage(def);
      validateStartMessage(base);
      if (!configNode) throw new SonioxError("invalid_config", "No soniox-config node selected: open the node and choose or add a Soniox account", { key: "no-config" });
      streamKeyProperty = settings.streamKeyProperty;
      registry = new StreamRegistry({
        settings,
        base,
        connection: () => {
          const apiKey = configNode.apiKey();
          if (!apiKey) {
            throw new SonioxError("invalid_config", "No Soniox API key: set it in the soniox-config node or in the SONIOX_API_KEY environment variable", { key: "no-api-key" });
          }
          return { url: configNode.endpoint(), apiKey, authMethod: configNode.authMethod };
        },
        transport: wsTransport,
        clock: systemClock,
        // Utterances are only assembled for a wired second output: nothing else can see them.
        utterances: outputWired(def, 1),
      });
    } catch (err) {
      const setupError = localizedError(RED, "soniox-transcribe", err);
      node.error(setupError.message);
      node.status({ fill: "red", shape: "ring", text: t("status.config-error") ?? "invalid configuration" });
      node.on("input", (_msg, _send, done) => done(setupError));
      return;
    }
    const plainKey = PLAIN_PROPERTY.test(streamKeyProperty);

    const account = configNode!.account;
    const tAccount = catalogue(RED, "soniox-config");
    const updateStatus = throttle(() => {
      const { states, lastError } = registry.summary();
      const problem = account.current;
      node.status(problem && !states.includes("streaming") ? describeAccountProblem(problem, tAccount) : describeStreams(states, lastError, t));
    }, STATUS_INTERVAL_MS);
    account.register(node.id, updateStatus);

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
    registry.on("state", updateStatus);

    node.on("input", (raw, _send, done) => {
      const msg = raw as Msg;
      try {
        const command = msg.control === undefined ? null : parseControl(msg.control);
        const audio = toAudioBytes(msg.payload, command !== null);
        if (!command && !audio) {
          throw new SonioxError("invalid_config", "msg.payload is empty: send audio bytes or a msg.control command", { key: "empty-payload" });
        }
        registry.input({ key: streamKey(msg), audio, command, overrides: msg.soniox, routing: routingOf(msg), props: soxPropsOf(msg) });
        done();
      } catch (err) {
        done(localizedError(RED, "soniox-transcribe", err));
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      account.deregister(node.id);
      registry.closeAll();
      updateStatus.cancel();
      node.status({});
      done();
    });

    function streamKey(msg: Msg): string {
      // Per audio chunk: a plain name is read directly instead of parsing the expression each time.
      const value = plainKey ? (msg as Record<string, unknown>)[streamKeyProperty] : RED.util.getMessageProperty(msg, streamKeyProperty);
      if (value === undefined || value === null || value === "") return "default";
      return typeof value === "string" ? value : String(value);
    }
  }

  RED.nodes.registerType("soniox-transcribe", SonioxTranscribe, { settings: { sonioxTranscribeDefaults: { value: TRANSCRIBE_DIALOG_DEFAULTS, exportable: true } } });
  reportFfmpegInUse((found) => {
    const { text, i18n } = ffmpegInUseText(found);
    RED.log.info(`[soniox-transcribe] ${warningText(RED, "soniox-transcribe", text, i18n)}`);
  });
};

/** Whether output `port` of the deployed node has any wire (Node-RED passes `wires` in the node's config). */
function outputWired(def: NodeDef, port: number): boolean {
  const wires = (def as NodeDef & { wires?: unknown }).wires;
  if (!Array.isArray(wires)) return true;
  const out: unknown = wires[port];
  return !Array.isArray(out) || out.length > 0;
}

/** Shared by every message without sox-style properties (most audio chunks): never written to. */
const NO_SOX_PROPS: SoxProps = Object.freeze({ rate: undefined, channels: undefined, bits: undefined, encoding: undefined, format: undefined });

/** The sox-record style audio properties of a message (node-red-contrib-sox-utils names); read-only. */
function soxPropsOf(msg: Msg): SoxProps {
  if (msg.rate === undefined && msg.channels === undefined && msg.bits === undefined && msg.encoding === undefined && msg.format === undefined) {
    return NO_SOX_PROPS;
  }
  return { rate: msg.rate, channels: msg.channels, bits: msg.bits, encoding: msg.encoding, format: msg.format };
}
