/** EMI/UCP 4.x wire codec and tables: no sockets, no clock. */
export * from './address.ts';
export * from './codec.ts';
export * from './errors.ts';
export * from './fields.ts';
export * from './frame.ts';
export * from './hex.ts';
export * from './operations.ts';
export * from './time-stamp.ts';
export * from './translate.ts';
export * from './user-data.ts';
export * from './xser.ts';
