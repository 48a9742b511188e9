"use strict";
// Ours with one Node-RED hop: soniox-transcribe straight to the sink, the flow shape nr-floor has,
// so the cost of the second hop (transcribe → token-filter) shows as the difference to nodered.
module.exports = require("./nodered").oneHop;
