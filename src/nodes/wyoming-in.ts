/**
 * wyoming in: serves Home Assistant's Wyoming speech-to-text protocol and sends each voice command
 * into the flow as one stream (msg.topic = the command): a start message with the format and the
 * language hint, the audio, and `stop` at audio-stop, ready for soniox-transcribe. The answer goes
 * back through a wyoming response node, routed by msg._session.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage } from "node-red";
import { systemClock } from "../core/clock";
import {
  DEFAULT_RESPONSE_TIMEOUT_MS,
  DEFAULT_WYOMING_PORT,
  startDiscovery,
  WyomingServer,
  type Discovery,
  type AudioFormat,
  type CancelReason,
  type WyomingCommand,
} from "../core/wyoming";
import { catalogue } from "./lib/i18n";
import { guardOutput } from "./lib/safe-output";
import { addServer, removeServer } from "./lib/wyoming-servers";

interface WyomingInDef extends NodeDef {
  host?: string;
  port?: string | number;
  serviceName?: string;
  streaming?: boolean;
  endpointing?: boolean;
  timeout?: string | number;
  discovery?: boolean;
}

// Home Assistant's own sensitivities, as Soniox's endpoint delay (its range is 500-3000 ms).
const ENDPOINT_DELAY_MS: Readonly<Record<string, number>> = { aggressive: 500, default: 1000, relaxed: 2000 };
const VERSION: string = (require("../../package.json") as { version: string }).version;

export = function register(RED: NodeAPI): void {
  function WyomingIn(this: Node, def: WyomingInDef): void {
    RED.nodes.createNode(this, def);
    guardOutput(this);
    const node = this;
    const t = catalogue(RED, "wyoming-in");
    const host = (def.host ?? "").trim() || "127.0.0.1";
    const port = numberOr(def.port, DEFAULT_WYOMING_PORT);
    const timeoutMs = numberOr(def.timeout, DEFAULT_RESPONSE_TIMEOUT_MS / 1000) * 1000;
    const name = (def.serviceName ?? "").trim() || "Soniox via Node-RED";
    let discovery: Discovery | null = null;
    let closed = false;
    const status = (): void => {
      const count = server.commandCount;
      const text = RED._("wyoming-in.status.listening", { host, port: server.port, count });
      node.status({ fill: count > 0 ? "blue" : "green", shape: count > 0 ? "dot" : "ring", text });
    };

    const server = new WyomingServer({
      host,
      port,
      name,
      version: VERSION,
      streaming: def.streaming !== false,
      endpointing: def.endpointing === true,
      responseTimeoutMs: timeoutMs,
      clock: systemClock,
      handlers: {
        start(command) {
          status();
          const msg = audioMessage(command, command.format);
          msg.control = "start";
          msg.soniox = startOptions(command);
          node.send(msg);
        },
        audio(command, audio, format) {
          const msg = audioMessage(command, format);
          msg.payload = audio;
          node.send(msg);
        },
        stop(command) {
          node.send(controlMessage(command, "stop", "audio-stop"));
        },
        cancel(command, reason) {
          node.send(controlMessage(command, "cancel", reason));
        },
        ended: status,
        timeout(command, waitedMs) {
          const params = { command: command.id, seconds: waitedMs / 1000 };
          const text =
            t("errors.timeout", params) ??
            `Voice command ${params.command}: the flow sent no complete transcript within ${params.seconds} s after audio-stop, so the client got an empty one`;
          node.error(text, controlMessage(command, "timeout", "timeout"));
        },
        protocolError(connection, error) {
          const text = t("errors.protocol", { connection, error: error.message }) ?? `Wyoming client ${connection} sent a malformed event and was disconnected: ${error.message}`;
          node.error(text, { topic: connection, payload: error.message, wyoming: { connection, error: error.code } });
        },
      },
    });
    addServer(server);
    server.listen().then(
      () => {
        // A redeploy may close the node before its port is bound: then nothing is advertised.
        if (closed) return;
        status();
        if (def.discovery !== true) return;
        const onError = (err: Error): void => node.warn(t("errors.discovery", { error: err.message }) ?? `Zeroconf advertisement failed: ${err.message}`);
        discovery = startDiscovery({ name, port: server.port }, onError);
      },
      (err: Error) => {
        node.error(t("errors.listen", { host, port, error: err.message }) ?? `Cannot serve Wyoming on ${host}:${port}: ${err.message}`);
        node.status({ fill: "red", shape: "ring", text: RED._("wyoming-in.status.not-listening") });
      },
    );

    node.on("close", (_removed: boolean, done: () => void) => {
      closed = true;
      removeServer(server);
      void Promise.all([server.close(), discovery?.stop()]).then(() => {
        node.status({});
        done();
      });
    });
  }
  RED.nodes.registerType("wyoming-in", WyomingIn);
};

type Msg = NodeMessage & Record<string, unknown>;

function routing(command: WyomingCommand, event: string): Msg {
  return {
    topic: command.id,
    _session: { type: "wyoming", id: command.id },
    wyoming: { command: command.id, connection: command.connection, event, language: command.language },
  };
}

/** The sox-record style description of Wyoming PCM (little-endian; 8-bit PCM is unsigned as in WAV). */
function audioMessage(command: WyomingCommand, format: AudioFormat): Msg {
  const msg = routing(command, "audio-chunk");
  msg.rate = format.rate;
  msg.channels = format.channels;
  msg.bits = format.width * 8;
  msg.encoding = format.width === 1 ? "unsigned-integer" : "signed-integer";
  return msg;
}

function controlMessage(command: WyomingCommand, control: string, event: CancelReason | "audio-stop"): Msg {
  const msg = routing(command, event);
  if (control !== "timeout") msg.control = control;
  return msg;
}

/** msg.soniox for the command's stream: its language hint, and endpoint detection when it ends commands. */
function startOptions(command: WyomingCommand): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (command.hint !== null) options.language_hints = [command.hint];
  if (command.endpointing) {
    options.enable_endpoint_detection = true;
    const delay = ENDPOINT_DELAY_MS[String(command.request.vad_sensitivity)];
    if (delay !== undefined) options.max_endpoint_delay_ms = delay;
  }
  return options;
}

function numberOr(value: string | number | undefined, fallback: number): number {
  const n = typeof value === "number" ? value : Number(String(value ?? "").trim() || NaN);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}
