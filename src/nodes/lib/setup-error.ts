import type { Node, NodeAPI, NodeStatus } from "node-red";
import { catalogue, errorText, localizedError } from "./i18n";

/** What a node shows when its settings, its config node or core's setup refused it at deploy. */
export interface SetupFailure {
  /** In the runtime's language; logged at deploy, and with refuseToRun every message's answer. */
  error: Error;
  status: NodeStatus;
}

/**
 * The one way every node words a setup error: core's text in the runtime's language (by its
 * catalogue key), put into the node's own sentence (`sentence`, a catalogue key with __error__)
 * when it has one. Without a sentence the error keeps its code and key, so Catch flows can branch.
 */
export function setupFailure(RED: NodeAPI, namespace: string, err: unknown, sentence?: string): SetupFailure {
  const sentenceKey = `${namespace}.${sentence}`;
  const error = sentence === undefined ? localizedError(RED, namespace, err) : new Error(RED._(sentenceKey, { error: errorText(RED, namespace, err) }));
  const status: NodeStatus = { fill: "red", shape: "ring", text: catalogue(RED, namespace)("status.config-error") ?? "invalid settings" };
  return { error, status };
}

/**
 * For a node that cannot run at all: says the failure once at deploy (log and red status) and
 * answers every message with it, so a Catch node sees it beside the message that was not handled.
 */
export function refuseToRun(RED: NodeAPI, node: Node, namespace: string, err: unknown, sentence?: string): void {
  const { error, status } = setupFailure(RED, namespace, err, sentence);
  node.error(error.message);
  node.status(status);
  node.on("input", (_msg, _send, done) => done(error));
  node.on("close", (_removed: boolean, done: () => void) => {
    node.status({});
    done();
  });
}
