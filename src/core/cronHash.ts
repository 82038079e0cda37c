// `H` (hashed) values: a value that looks random but is fixed by the expression's text, so jobs
// written `H 3 * * *` spread over the hour yet fire at the same minute every day.
//
// The draws are the ones cron-parser 5 made before this project read cron itself (a 32-bit FNV-1a
// hash of the expression text seeds a mulberry32 generator, one draw per field, in the order
// second, minute, hour, month, day-of-month, day-of-week), so a job saved then keeps its times.

/** One draw in [0, 1) per field, in the order of CRON_FIELD_NAMES (second first). */
export function hashDraws(seedText: string): number[] {
  let state = fnv1a(seedText);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // The generator's draw order: second, minute, hour, month, day-of-month, day-of-week.
  const [second, minute, hour, month, dayOfMonth, dayOfWeek] = [
    next(),
    next(),
    next(),
    next(),
    next(),
    next(),
  ];
  return [second, minute, hour, dayOfMonth, month, dayOfWeek] as number[];
}

/** A value in [low, high] picked by `draw`. */
export function hashedValue(draw: number, low: number, high: number): number {
  return Math.floor(draw * (high - low + 1)) + low;
}

/**
 * Every `step`-th value in [low, high], offset from the step's grid by `draw`; one hashed value
 * when the step leaves none inside the range.
 */
export function hashedStep(draw: number, low: number, high: number, step: number): number[] {
  const values: number[] = [];
  for (let value = Math.floor(low / step) * step + Math.floor(draw * step); value <= high; value += step) {
    if (value >= low) values.push(value);
  }
  return values.length > 0 ? values : [hashedValue(draw, low, high)];
}

function fnv1a(text: string): number {
  let hash = 2166136261 >>> 0;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}
