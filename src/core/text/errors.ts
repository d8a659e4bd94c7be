/**
 * Typed errors of core/text. The doors map them to their protocol (HTTP problem, SMPP status, UCP error).
 */
export class TextCodingError extends Error {
  override readonly name: string = 'TextCodingError';
}

/** The text holds characters that the GSM 7-bit alphabet cannot carry (3GPP TS 23.038 §6.2.1). */
export class NotGsm7Error extends TextCodingError {
  override readonly name = 'NotGsm7Error';
  constructor(readonly characters: string[]) {
    super(`not in the GSM 7-bit alphabet: ${characters.map((c) => JSON.stringify(c)).join(', ')}`);
  }
}

/** A concatenated message cannot have more than 255 parts (the part count is one octet, TS 23.040 §9.2.3.24.1). */
export class TooManyPartsError extends TextCodingError {
  override readonly name = 'TooManyPartsError';
  constructor(readonly parts: number) {
    super(`the text needs ${parts} parts; a concatenated SMS has at most 255`);
  }
}

/** Bytes that do not hold what they claim: a truncated header, too few octets for the septets, parts that do not belong together. */
export class MalformedUserDataError extends TextCodingError {
  override readonly name = 'MalformedUserDataError';
}
