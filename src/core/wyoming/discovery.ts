/**
 * Zeroconf advertisement of the server as `_wyoming._tcp`, the service type Home Assistant's
 * Wyoming integration browses for, so it offers the server without a host being typed in. Sent
 * only when a user turns discovery on: it multicasts on every network interface.
 */

export interface DiscoveryOptions {
  /** The instance name (Home Assistant shows the info's name once it connects). */
  name: string;
  port: number;
}

export interface Discovery {
  stop(): Promise<void>;
}

interface BonjourLike {
  publish(o: { name: string; type: string; protocol: "tcp"; port: number }): { on(event: "error", fn: (err: Error) => void): void };
  unpublishAll(cb: () => void): void;
  destroy(cb?: () => void): void;
}

/** Starts advertising; `onError` hears a failure (a name clash, no multicast interface) instead of a crash. */
export function startDiscovery(o: DiscoveryOptions, onError: (err: Error) => void): Discovery {
  // Loaded here, not at the top: nothing binds the mDNS port unless discovery is on.
  const Bonjour = require("bonjour-service") as new (opts: object, onError: (err: Error) => void) => BonjourLike;
  const bonjour = new Bonjour({}, onError);
  bonjour.publish({ name: o.name, type: "wyoming", protocol: "tcp", port: o.port }).on("error", onError);
  return {
    stop: () =>
      new Promise((resolve) => {
        // Goodbye packets first, so Home Assistant drops the entry at once rather than after its TTL.
        bonjour.unpublishAll(() => bonjour.destroy(() => resolve()));
      }),
  };
}
