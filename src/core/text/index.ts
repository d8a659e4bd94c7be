/**
 * core/text: GSM 7-bit and UCS-2 encodings, SMS parts and their headers, 7-bit packing (3GPP TS 23.038,
 * TS 23.040). Pure functions, no I/O.
 */
export { BASIC_TABLE, ESCAPE, EXTENSION_TABLE } from './alphabet.ts';
export { encodeAlphanumericAddress, decodeAlphanumericAddress, MAX_ALPHANUMERIC_ADDRESS_SEPTETS } from './address.ts';
export { dataCodingScheme } from './data-coding.ts';
export { MalformedUserDataError, NotGsm7Error, TextCodingError, TooManyPartsError } from './errors.ts';
export { decodeGsm7, encodeGsm7, gsm7Length, isGsm7, nonGsmCharacters } from './gsm7.ts';
export { fillBitsAfterUdh, pack7, unpack7 } from './pack.ts';
export {
  measure,
  partCapacity,
  reassemble,
  segment,
  type EncodedPart,
  type Encoding,
  type Measure,
  type MeasureOptions,
  type Segmentation,
  type SegmentOptions,
} from './segment.ts';
export { GSM_SUBSTITUTES } from './substitutes.ts';
export { concatenationUdh, concatenationUdhLength, parseUdh, type Concatenation, type InformationElement, type UserDataHeader } from './udh.ts';
export { decodeUcs2, encodeUcs2 } from './ucs2.ts';
export { escapePointer, quotedForRecord, unstorableCharacter, unstorableStrings } from './storable.ts';
