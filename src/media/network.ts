/**
 * The network check and access points (network-check.ts, access-points.ts): a chunk of their own,
 * loaded by the first `checkNetwork()` or `switchAccessPoint()`, not with the devices and call quality.
 */
export { switchAccessPoint } from './access-points.js';
export { checkNetwork } from './network-check.js';
