"use strict";
// Ours converting compressed audio to 16 kHz PCM before Soniox (convert_to_pcm: one ffmpeg child
// per stream), in the flow shape of nodered; the children's CPU is measured beside the process's.
module.exports = require("./nodered").transcode;
