'use strict';
// A small stand-in for the `events` package in the production bundle. JsSIP (its only user here)
// calls on/once/emit/listeners/removeListener/removeAllListeners; the rest of Node's API is kept
// to the few names other code may reasonably call. Listeners run in registration order and an
// 'error' event without a listener throws, as with Node's EventEmitter.
class EventEmitter {
  constructor() {
    this._events = new Map();
  }

  on(type, listener) {
    const list = this._events.get(type);
    if (list) list.push(listener);
    else this._events.set(type, [listener]);
    return this;
  }

  once(type, listener) {
    const wrapper = (...args) => {
      this.removeListener(type, wrapper);
      listener.apply(this, args);
    };
    wrapper.listener = listener;
    return this.on(type, wrapper);
  }

  removeListener(type, listener) {
    const list = this._events.get(type);
    if (!list) return this;
    const index = list.findIndex((l) => l === listener || l.listener === listener);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this._events.delete(type);
    return this;
  }

  removeAllListeners(type) {
    if (type === undefined) this._events.clear();
    else this._events.delete(type);
    return this;
  }

  emit(type, ...args) {
    const list = this._events.get(type);
    if (!list) {
      if (type === 'error') throw args[0] instanceof Error ? args[0] : new Error(`Unhandled 'error' event (${args[0]})`);
      return false;
    }
    for (const listener of [...list]) listener.apply(this, args);
    return true;
  }

  listeners(type) {
    return (this._events.get(type) ?? []).map((l) => l.listener ?? l);
  }

  listenerCount(type) {
    return this._events.get(type)?.length ?? 0;
  }

  setMaxListeners() {
    return this;
  }
}

EventEmitter.prototype.addListener = EventEmitter.prototype.on;
EventEmitter.prototype.off = EventEmitter.prototype.removeListener;
EventEmitter.EventEmitter = EventEmitter;

module.exports = EventEmitter;
