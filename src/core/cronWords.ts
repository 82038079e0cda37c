// English names shared by the validation messages and the descriptions of cron expressions, so
// both spell a month or a day the same way.

/** Month names, index = cron month value (1-12); index 0 is unused. */
export const MONTHS = [
  '',
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Day names, index = cron day-of-week value (0-6, Sunday first). */
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** "a", "a and b", "a, b and c" (or "or"): an English list. */
export function joinWords(words: string[], conjunction: 'and' | 'or'): string {
  if (words.length <= 1) {
    return words[0] ?? '';
  }
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
}
