/**
 * Objects that ride on Node-RED messages are made here, with Object.create, instead of with object
 * literals. Node-RED holds every message sent during one turn until a setImmediate delivers them,
 * so a garbage collection that falls inside a busy turn finds all recent objects of a literal
 * alive; V8 then pretenures that literal's allocation site (allocates its objects straight into
 * the old generation). From then on every message is old-generation garbage that only full
 * mark-compacts free, 10-15 ms pauses about once a second at 200 streams (npm run bench, with
 * --trace-pretenuring). Object.create has no allocation site, so it is never pretenured; the
 * result is an ordinary object (Object.prototype, own enumerable properties, in the given order).
 */
export function plainObject<T extends object>(fields: T): T {
  return Object.assign(Object.create(Object.prototype) as object, fields) as T;
}

/** `{ ...base, ...extra }` as a plain object made the same way. */
export function plainMerge<A extends object, B extends object>(base: A, extra: B): A & B {
  return Object.assign(Object.create(Object.prototype) as object, base, extra) as A & B;
}
