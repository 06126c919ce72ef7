/**
 * The mountpoint listener now lives in listener.ts (one class with the
 * listener through Salon); this name stays for the tests that import it.
 */
export { Listener } from './listener.js';
