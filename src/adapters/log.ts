import pino, { type Logger } from 'pino';

/**
 * Masks an MSISDN for logs: country code and operator prefix stay (useful to read routing issues), the
 * subscriber part does not: "+33612345678" → "+3361*****78".
 */
export function maskMsisdn(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const digits = value.replace(/[^\d+]/g, '');
  if (!/^\+?\d{6,}$/.test(digits)) return value;
  return digits.slice(0, 5) + '*'.repeat(digits.length - 7) + digits.slice(-2);
}

const msisdnFields = ['recipient', 'to', 'from', 'msisdn', 'destination', 'sender'];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: [...msisdnFields, ...msisdnFields.map((f) => `*.${f}`)], censor: maskMsisdn },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
