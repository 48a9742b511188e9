import type { Delivery, DeliveryResult, WyomingServer } from "../../core/wyoming";

// The servers of every deployed wyoming in node: a response node finds the command's server by
// the id on msg._session, as http response finds its request by msg.res.
const servers = new Set<WyomingServer>();

export function addServer(server: WyomingServer): void {
  servers.add(server);
}

export function removeServer(server: WyomingServer): void {
  servers.delete(server);
}

/** What became of the text; "settled" too when no deployed wyoming in made the command (redeployed since). */
export function deliver(commandId: string, d: Delivery): DeliveryResult {
  for (const server of servers) {
    if (server.owns(commandId)) return server.deliver(commandId, d);
  }
  return "settled";
}
