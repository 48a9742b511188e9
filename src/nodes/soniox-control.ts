/**
 * soniox-control: turns buttons, switches, MQTT strings and the audio itself into the transcribe
 * node's control messages (msg.control addressed to a stream key). Modes: command, push-to-talk
 * and inline (in the audio path, watching voice activity); the per-stream logic is ControlStreams.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { systemClock } from "../core/clock";
import { ControlStreams, controlSettings, toWire, type ControlNodeConfig, type ControlOutput } from "../core/control";
import { streamKeyReader } from "../core/streams";
import { localizedError, warningText } from "./lib/i18n";
import { routingOf } from "./lib/routing";
import { guardOutput } from "./lib/safe-output";
import { refuseToRun } from "./lib/setup-error";

interface ControlDef extends NodeDef, ControlNodeConfig {}

type Msg = NodeMessageInFlow & { control?: unknown; _session?: unknown; _client?: unknown; rate?: unknown; channels?: unknown; bits?: unknown; encoding?: unknown };

export = function register(RED: NodeAPI): void {
  function SonioxControl(this: Node, def: ControlDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    guardOutput(node);
    let streams: ControlStreams<Msg>;
    let settings: ReturnType<typeof controlSettings>;
    try {
      settings = controlSettings(def);
      streams = new ControlStreams<Msg>(settings, systemClock, (out) => node.send(toMessage(out)));
    } catch (err) {
      refuseToRun(RED, node, "soniox-control", err, "errors.config");
      return;
    }

    // Inline mode controls the stream its audio belongs to; the dialog hides a fixed key there, so a stale one is ignored.
    const keyOf = settings.fixedKey !== "" && settings.mode !== "inline" ? () => settings.fixedKey : streamKeyReader(settings.keyProperty, RED.util.getMessageProperty);

    const toMessage = (out: ControlOutput<Msg>): NodeMessage => {
      if (out.kind === "pass") return out.msg;
      const msg: NodeMessage = out.base ? { ...out.base } : { ...out.routing };
      delete msg.payload;
      msg.control = toWire(out.command);
      RED.util.setMessageProperty(msg, settings.keyProperty, out.key, true);
      return msg;
    };

    streams.on("sent", (key, command, activity) => {
      const text = settings.mode === "inline" ? `${activity} · ${command.type}` : `${command.type} → ${key}`;
      node.status({ fill: "blue", shape: "dot", text });
    });
    streams.on("delayed", (waitMs) => {
      node.status({ fill: "yellow", shape: "ring", text: RED._("soniox-control.status.delayed", { seconds: (waitMs / 1000).toFixed(1) }) });
    });
    streams.on("activity", (activity) => {
      const text = RED._(`soniox-control.status.${activity}`);
      if (activity === "speech") node.status({ fill: "green", shape: "dot", text });
      else if (activity === "silence") node.status({ fill: "grey", shape: "dot", text });
      else node.status({ fill: "yellow", shape: "ring", text });
    });
    streams.on("warning", (w, i18n) => node.warn(warningText(RED, "soniox-control", w, i18n)));
    streams.on("evicted", (key, max) => node.warn(RED._("soniox-control.errors.evicted", { stream: key, max })));

    node.on("input", (raw, send, done) => {
      const msg = raw as Msg;
      try {
        const props = { rate: msg.rate, channels: msg.channels, bits: msg.bits, encoding: msg.encoding };
        streams.input({ key: keyOf(msg), routing: routingOf(msg), payload: msg.payload, control: msg.control, props, msg }, (out) => send(toMessage(out)));
        done();
      } catch (err) {
        done(localizedError(RED, "soniox-control", err));
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      streams.closeAll();
      node.status({});
      done();
    });
  }

  RED.nodes.registerType("soniox-control", SonioxControl);
};
