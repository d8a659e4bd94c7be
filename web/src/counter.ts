/**
 * The live counter of the Send page: characters, encoding and SMS parts of the text as it will leave — the STOP
 * mention included for marketing — computed by the same core code as the server (src/core/text and the STOP
 * mention's own module), so the portal and the server can never disagree.
 */
import { hasStopMention, STOP_WORDINGS } from '../../src/core/compliance/stop-mention.ts';
import { measure } from '../../src/core/text/index.ts';

export interface Count {
  characters: number;
  encoding: 'gsm7' | 'ucs2';
  segments: number;
  /** The characters that put the text in UCS-2. */
  forcingUcs2: string[];
}

/** The text as it will leave with the short code as sender: marketing gets the STOP mention unless it has one for this short code. */
export function outgoingText(text: string, marketing: boolean, shortCode: string | null, wording: string = STOP_WORDINGS.shortCode): string {
  if (!marketing || !shortCode || hasStopMention(text, shortCode)) return text;
  return `${text.trimEnd()} ${wording.replaceAll('{shortCode}', shortCode)}`;
}

export function countText(text: string): Count {
  const { encoding, segments, forcingUcs2 } = measure(text);
  return { characters: [...text].length, encoding, segments, forcingUcs2 };
}
