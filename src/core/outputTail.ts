// How much of a phase's output the database keeps. The whole output is in the phase's log file
// beside the database; the row keeps its end, for the tree's tooltip and `run show`. The executor
// and the legacy migration (whose runs read alike) both cut here.

/** The database keeps this much of a phase's output (in UTF-16 code units, as JavaScript counts). */
export const OUTPUT_TAIL_CHARS = 4096;

/** The last `max` characters of `text`, never starting in the middle of a surrogate pair. */
export function outputTail(text: string, max = OUTPUT_TAIL_CHARS): string {
  if (text.length <= max) return text;
  let start = text.length - max;
  const code = text.charCodeAt(start);
  if (code >= 0xdc00 && code <= 0xdfff) start++;
  return text.slice(start);
}
