"use strict";
// An MQTT broker (aedes) inside the `npm start` process, so the voice-command example publishes
// to something real without installing mosquitto.
const net = require("net");

/**
 * Listens on `host`:`port`, or on a free port when `port` is taken (another broker, another
 * checkout's npm start). Resolves to {host, port, close()} with the port actually used.
 */
async function startMqttBroker({ host = "127.0.0.1", port = 1883 } = {}) {
  // aedes is an ES module.
  const { Aedes } = await import("aedes");
  const aedes = await Aedes.createBroker();
  const server = net.createServer(aedes.handle);
  try {
    await listen(server, host, port);
  } catch (err) {
    if (err.code !== "EADDRINUSE" || port === 0) {
      await new Promise((resolve) => aedes.close(resolve));
      throw err;
    }
    await listen(server, host, 0);
  }
  const close = () =>
    new Promise((resolve) => {
      server.close();
      aedes.close(resolve);
    });
  return { host, port: server.address().port, close };
}

function listen(server, host, port) {
  return new Promise((resolve, reject) => {
    const onError = (err) => reject(err);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

module.exports = { startMqttBroker };
