export * from './availability.ts';
export * from './months.ts';
export * from './traffic.ts';
