/**
 * Typed errors of core/numbers. The doors map them to their protocol (HTTP problem, SMPP status); `problem` is a
 * stable code, the message a sentence a person can act on.
 */
export class NumberError extends Error {
  override readonly name: string = 'NumberError';
}

export type MsisdnProblem = 'empty' | 'not-a-number' | 'too-short' | 'too-long' | 'unknown-country-code' | 'not-allocated' | 'not-mobile';

/** What was typed is not a usable phone number (or not a mobile where one is required). */
export class MsisdnError extends NumberError {
  override readonly name = 'MsisdnError';
  constructor(
    readonly input: string,
    readonly problem: MsisdnProblem,
    message: string,
  ) {
    super(message);
  }
}

export type ShortCodeProblem = 'not-five-digits' | 'outside-push-ranges';

/** Not a five-digit short code of the push-SMS ranges 34ABC–38ABC. */
export class ShortCodeError extends NumberError {
  override readonly name = 'ShortCodeError';
  constructor(
    readonly input: string,
    readonly problem: ShortCodeProblem,
    message: string,
  ) {
    super(message);
  }
}
