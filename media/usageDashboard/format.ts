// The usage dashboard page's text: its templates, and the numbers and dates in the user's locale
// (the host sends the locale with the strings).

let locale = 'en';

export function setLocale(next: string): void {
  locale = next;
}

export function fill(template: string, ...values: string[]): string {
  return template.replace(/\{(\d+)\}/g, (_, i: string) => values[Number(i)] ?? '');
}

/**
 * One formatter per locale and options: making one is far dearer than using it, and an update
 * formats hundreds of values (cards, axis ticks, the runs table).
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function formatter<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  const full = `${locale}|${key}`;
  let f = formatters.get(full) as T | undefined;
  if (!f) formatters.set(full, (f = make()));
  return f;
}

export const money = (n: number): string =>
  formatter(n < 1 ? 'usd4' : 'usd2', () =>
    Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', maximumFractionDigits: n < 1 ? 4 : 2 }),
  ).format(n);
export const tokens = (n: number): string =>
  formatter('compact', () =>
    Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }),
  ).format(n);
export const clock = (ms: number): string =>
  formatter('hh:mm', () => Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' })).format(ms);
export const dateTime = (ms: number): string =>
  formatter('short', () => Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' })).format(
    ms,
  );
export const minutes = (m: number): string =>
  m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

/** Sets an element's text only when it differs: an update leaves what did not change untouched. */
export function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}
