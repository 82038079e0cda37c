// Durations as people read them, shared by the CLI's text output and the VS Code views.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "850 ms", "42 s", "3 min 5 s", "2 h 4 min", and from a day on "3 d 2 h". With `largestUnit`
 * 'h' a day or more stays in hours ("26 h 5 min"), as the views show it.
 */
export function formatDuration(ms: number, largestUnit: 'd' | 'h' = 'd'): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < MINUTE) return `${Math.round(ms / 1000)} s`;
  if (ms < HOUR) {
    const s = Math.round((ms % MINUTE) / 1000);
    return `${Math.floor(ms / MINUTE)} min${s ? ` ${s} s` : ''}`;
  }
  if (ms < DAY || largestUnit === 'h') {
    const m = Math.round((ms % HOUR) / MINUTE);
    return `${Math.floor(ms / HOUR)} h${m ? ` ${m} min` : ''}`;
  }
  const h = Math.round((ms % DAY) / HOUR);
  return `${Math.floor(ms / DAY)} d${h ? ` ${h} h` : ''}`;
}
