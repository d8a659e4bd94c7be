/**
 * Characters common in French texts that the GSM alphabet lacks, with a GSM spelling that keeps the message in
 * 7-bit. A suggestion for the person writing (e.g. "the ’ switches the message to UCS-2; use ' to save parts"),
 * never applied silently.
 */
export const GSM_SUBSTITUTES: ReadonlyMap<string, string> = new Map([
  ['’', "'"], ['‘', "'"], ['‚', "'"], ['′', "'"],
  ['«', '"'], ['»', '"'], ['“', '"'], ['”', '"'], ['„', '"'], ['″', '"'],
  ['–', '-'], ['—', '-'], ['−', '-'], ['…', '...'],
  ['\u00a0', ' '], ['\u202f', ' '], ['\u2009', ' '], ['\t', ' '],
  ['ç', 'c'], ['â', 'a'], ['á', 'a'], ['ê', 'e'], ['ë', 'e'], ['î', 'i'], ['ï', 'i'], ['í', 'i'],
  ['ô', 'o'], ['ó', 'o'], ['û', 'u'], ['ú', 'u'], ['ÿ', 'y'], ['œ', 'oe'],
  ['À', 'A'], ['Â', 'A'], ['È', 'E'], ['Ê', 'E'], ['Ë', 'E'], ['Î', 'I'], ['Ï', 'I'], ['Ô', 'O'],
  ['Ù', 'U'], ['Û', 'U'], ['Ÿ', 'Y'], ['Œ', 'OE'],
]);
