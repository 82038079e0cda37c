// The options every `night-pilot usage ...` report takes, and turning them into a query.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCompactDate } from '../core/calendar';
import { COST_MODES, priceTable } from '../core/pricing';
import type { CostMode, PriceRule } from '../core/pricing';
import { defaultTimeZone, validateTimeZone } from '../core/timeZone';
import { claudeConfigDirs } from '../usage/transcriptFiles';
import { TRANSCRIPT_CACHE_FILE } from '../usage/usageQuery';
import type { OptionSpec, ParsedArgs } from './args';
import type { CommandContext } from './context';
import { UsageError } from './exitCodes';
import { oneOf } from './jobOptions';
import { errorMessage } from '../core/errorMessage';

export const USAGE_OPTIONS: readonly OptionSpec[] = [
  { name: 'since', value: 'YYYYMMDD', description: 'Only usage on or after this local date.' },
  { name: 'until', value: 'YYYYMMDD', description: 'Only usage on or before this local date.' },
  {
    name: 'mode',
    value: 'MODE',
    description:
      'auto (the cost Claude Code reported, else calculated), calculate (always from tokens and prices) or display (reported costs only). Default: auto.',
  },
  {
    name: 'transcripts',
    value: 'DIR[,DIR...]',
    description:
      'Claude Code config folders whose projects/**/*.jsonl are read. Default: $CLAUDE_CONFIG_DIR, else ~/.config/claude and ~/.claude.',
  },
  { name: 'timezone', value: 'ZONE', description: "The zone of the local dates. Default: this machine's." },
  {
    name: 'prices',
    value: 'FILE',
    description:
      'A JSON file of price overrides, USD per million tokens: {"claude-sonnet-4-5": {"input": 3, "output": 15, "cacheWrite": 3.75, "cacheRead": 0.3}}.',
  },
];

export interface UsageFlags {
  since?: string;
  until?: string;
  mode: CostMode;
  timeZone: string;
  prices: PriceRule[];
  configDirs: string[];
  /** Where the parsed transcripts are cached between runs (beside the database), if its folder exists. */
  cachePath: string | undefined;
}

/** Checks the report options; every problem is a UsageError naming the option and the value. */
export function readUsageFlags(ctx: CommandContext, args: ParsedArgs): UsageFlags {
  const date = (option: 'since' | 'until') => {
    const raw = args.string(option);
    if (raw === undefined) return undefined;
    const parsed = parseCompactDate(raw.trim());
    if (parsed === null)
      throw new UsageError(`--${option}: "${raw}" is not a date as YYYYMMDD (e.g. 20261101)`);
    return parsed;
  };
  const since = date('since');
  const until = date('until');
  if (since !== undefined && until !== undefined && since > until) {
    throw new UsageError(`--since ${args.string('since')} is after --until ${args.string('until')}`);
  }
  const modeRaw = args.string('mode');
  const mode = modeRaw === undefined ? 'auto' : oneOf('--mode', modeRaw.trim(), COST_MODES);
  const zoneRaw = args.string('timezone');
  const timeZone = zoneRaw === undefined ? defaultTimeZone() : zoneRaw.trim();
  const zoneProblem = validateTimeZone(timeZone);
  if (zoneProblem !== null) throw new UsageError(`--timezone: ${zoneProblem}`);
  return {
    since,
    until,
    mode,
    timeZone,
    prices: readPrices(ctx, args.string('prices')),
    configDirs: readConfigDirs(ctx, args.string('transcripts')),
    cachePath: cachePathBeside(ctx.globals.dbPath),
  };
}

function readConfigDirs(ctx: CommandContext, raw: string | undefined): string[] {
  if (raw === undefined) return claudeConfigDirs(ctx.io.env, ctx.io.env.HOME || os.homedir());
  const dirs = raw
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '')
    .map((d) => path.resolve(ctx.io.cwd, d));
  if (dirs.length === 0) throw new UsageError('--transcripts: no folder given');
  for (const dir of dirs) {
    if (!isDirectory(dir)) throw new UsageError(`--transcripts: ${dir} is not a folder`);
    if (!isDirectory(path.join(dir, 'projects'))) {
      throw new UsageError(
        `--transcripts: ${dir} has no projects folder; give a Claude Code config folder such as ~/.claude`,
      );
    }
  }
  return dirs;
}

function readPrices(ctx: CommandContext, raw: string | undefined): PriceRule[] {
  if (raw === undefined) return priceTable();
  const file = path.resolve(ctx.io.cwd, raw);
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--prices: cannot read ${file} as JSON: ${errorMessage(err)}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`--prices: ${file} must hold an object of model names to prices`);
  }
  try {
    return priceTable(data as Record<string, unknown>);
  } catch (err) {
    throw new UsageError(`--prices: ${file}: ${errorMessage(err)}`);
  }
}

function cachePathBeside(dbPath: string): string | undefined {
  const dir = path.dirname(dbPath);
  return isDirectory(dir) ? path.join(dir, TRANSCRIPT_CACHE_FILE) : undefined;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
