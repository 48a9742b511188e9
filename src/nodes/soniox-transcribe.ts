import type { Node, NodeAPI, NodeDef } from "node-red";
import { ffmpegInUseText, reportFfmpegInUse } from "../core/audio";
import { systemClock } from "../core/clock";
import { SonioxError } from "../core/errors";
import { validateStartMessage, wsTransport } from "../core/session";
import { StreamRegistry, streamKeyReader } from "../core/streams";
import type { SonioxConfigNode } from "./lib/config-node";
import { catalogue, localizedError, warningText } from "./lib/i18n";
import { describeAccountProblem, describeStreams } from "./lib/status";
import { guardOutput } from "./lib/safe-output";
import { refuseToRun } from "./lib/setup-error";
import { throttle } from "./lib/throttle";
import { baseStartMessage, streamSettings, TRANSCRIBE_DIALOG_DEFAULTS, type TranscribeNodeConfig } from "./lib/transcribe-options";
import { streamInputOf, type TranscribeMsg } from "./lib/transcribe-input";
import { relayStreams } from "./lib/transcribe-messages";

interface TranscribeDef extends NodeDef, TranscribeNodeConfig {
  config: string;
}

/** Node status changes at most this often (first and last change always shown). */
const STATUS_INTERVAL_MS = 250;

export = function register(RED: NodeAPI): void {
  function SonioxTranscribe(this: Node, def: TranscribeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const configNode = RED.nodes.getNode(def.config) as SonioxConfigNode | null;
    guardOutput(node, () => [configNode?.apiKey()]);
    const t = catalogue(RED, "soniox-transcribe");
    let registry: StreamRegistry;
    let keyOf: (msg: TranscribeMsg) => string;
    try {
      const settings = streamSettings(def);
      const base = baseStartMessage(def);
      validateStartMessage(base);
      if (!configNode) throw new SonioxError("invalid_config", "No soniox-config node selected: open the node and choose or add a Soniox account", { key: "no-config" });
      keyOf = streamKeyReader(settings.streamKeyProperty, RED.util.getMessageProperty);
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
      refuseToRun(RED, node, "soniox-transcribe", err);
      return;
    }

    const account = configNode!.account;
    const tAccount = catalogue(RED, "soniox-config");
    const updateStatus = throttle(() => {
      const { states, lastError } = registry.summary();
      const problem = account.current;
      node.status(problem && !states.includes("streaming") ? describeAccountProblem(problem, tAccount) : describeStreams(states, lastError, t));
    }, STATUS_INTERVAL_MS);
    account.register(node.id, updateStatus);

    relayStreams(RED, node, registry, account);
    registry.on("state", updateStatus);

    node.on("input", (msg, _send, done) => {
      try {
        registry.input(streamInputOf(msg as TranscribeMsg, keyOf));
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
