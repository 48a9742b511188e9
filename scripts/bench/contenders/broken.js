"use strict";
// Harness self-check, never run unless named: the floor, but the process dies of an uncaught
// throw two seconds into its run, to show that a failing contender becomes a row with its error.
const createFloor = require("./floor");

module.exports = async function createBroken(cfg, probe, errors) {
  const floor = await createFloor(cfg, probe, errors);
  let armed = false;
  const audio = floor.audio;
  floor.audio = (key, chunk, first) => {
    if (!armed && key !== "warmup") {
      armed = true;
      setTimeout(() => {
        throw new Error("deliberate failure (bench self-check)");
      }, 2000);
    }
    return audio(key, chunk, first);
  };
  return floor;
};
