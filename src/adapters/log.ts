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

/** Every phone number written inside a text (a refusal's reason quoting what the client typed), masked. */
export function maskMsisdnsIn(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.replace(/\+?\d[\d .-]{4,}\d/g, (number) => (number.replace(/\D/g, '').length >= 6 ? String(maskMsisdn(number)) : number));
}

const msisdnFields = ['recipient', 'to', 'from', 'msisdn', 'destination', 'sender'];
/** Free text that may quote a number a client typed. */
const textFields = ['reason'];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: {
        paths: [...msisdnFields, ...textFields].flatMap((f) => [f, `*.${f}`]),
        censor: (value, path) => (textFields.includes(path.at(-1)!) ? maskMsisdnsIn(value) : maskMsisdn(value)),
      },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
