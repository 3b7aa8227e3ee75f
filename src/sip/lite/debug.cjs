'use strict';
// A small stand-in for the `debug` package in the production bundle (JsSIP is its only user):
// the same calls JsSIP makes (`debug(ns)`, `.default`, `.log`, `.enable()`, `.disable()`,
// `localStorage.debug`), at a tenth of the size. Output goes through the console, which does the
// `%s`/`%o` formatting itself.
let patterns = [];

function parse(spec) {
  return String(spec || '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((p) => ({
      skip: p.startsWith('-'),
      re: new RegExp(`^${p.replace(/^-/, '').replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*?')}$`),
    }));
}

function enabled(namespace) {
  if (patterns.some((p) => p.skip && p.re.test(namespace))) return false;
  return patterns.some((p) => !p.skip && p.re.test(namespace));
}

function createDebug(namespace) {
  function logger(first, ...rest) {
    if (!enabled(namespace)) return;
    logger.log(`${namespace} ${typeof first === 'string' ? first : '%o'}`, ...(typeof first === 'string' ? rest : [first, ...rest]));
  }
  logger.namespace = namespace;
  logger.log = console.debug.bind(console);
  Object.defineProperty(logger, 'enabled', { get: () => enabled(namespace) });
  return logger;
}

createDebug.enable = (spec) => {
  patterns = parse(spec);
  try {
    globalThis.localStorage?.setItem('debug', String(spec || ''));
  } catch (_) {
    // storage may be unavailable (sandboxed iframe)
  }
};
createDebug.disable = () => {
  const previous = patterns;
  patterns = [];
  return previous;
};
createDebug.enabled = enabled;
createDebug.default = createDebug;

try {
  patterns = parse(globalThis.localStorage?.getItem('debug'));
} catch (_) {
  patterns = [];
}

module.exports = createDebug;
