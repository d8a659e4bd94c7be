import type { Clock } from '../app/ports.ts';

/** The real clock: what every process runs on outside tests (the core and use cases take time as a parameter). */
export const systemClock: Clock = { now: () => new Date() };
