export * from './business-hours.ts';
export * from './clock.ts';
export * from './lifecycle.ts';
export * from './qualification.ts';
export * from './reference.ts';
export * from './report.ts';
