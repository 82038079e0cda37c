// `night-pilot usage budget`: the overall daily and monthly budgets (over every job), shared by
// every VS Code window and CLI scheduler on the database, and what was spent against them.

import { localDayBounds, localDayFormatter, localMonthBounds } from '../core/calendar';
import { defaultTimeZone } from '../core/timeZone';
import type { OverallBudgets } from '../scheduler/budgetState';
import { readBudgets, writeBudgets } from '../scheduler/budgetState';
import type { Tx } from '../storage/database';
import type { ParsedArgs } from './args';
import type { CommandContext } from './context';
import { dollars } from './jobOptions';
import type { CommandSpec } from './registry';
import { keyValues } from './textOutput';

export interface BudgetJson extends OverallBudgets {
  /** Spent since the start of the local day / month (runs' recorded cost, pruned runs included). */
  spentTodayUsd: number;
  spentThisMonthUsd: number;
  timeZone: string;
}

function amount(args: ParsedArgs, name: 'daily' | 'monthly'): number | null | undefined {
  const raw = args.string(name);
  if (raw === undefined) return undefined;
  return raw.trim().toLowerCase() === 'none' ? null : dollars(`--${name}`, raw);
}

function summary(tx: Tx, now: Date, zone: string): BudgetJson {
  const dayOf = localDayFormatter(zone);
  const spent = (from: Date) => tx.usage.spendSince(from.toISOString(), dayOf(from.getTime()));
  return {
    ...readBudgets(tx),
    spentTodayUsd: spent(localDayBounds(now, zone).start),
    spentThisMonthUsd: spent(localMonthBounds(now, zone).start),
    timeZone: zone,
  };
}

export const budgetCommand: CommandSpec = {
  path: ['usage', 'budget'],
  summary: 'Show or set the overall daily and monthly budgets (over all jobs).',
  description:
    'When the runs of all jobs together spent the daily (or monthly) budget, every queued run waits until the next local day (or month), and says so. Per-job budgets are job options (job add/edit --daily-budget, --monthly-budget, --max-budget-usd).',
  options: [
    { name: 'daily', value: 'USD|none', description: 'The overall budget per local day; none removes it.' },
    {
      name: 'monthly',
      value: 'USD|none',
      description: 'The overall budget per local month; none removes it.',
    },
  ],
  examples: [
    'night-pilot usage budget',
    'night-pilot usage budget --daily 5 --monthly 100',
    'night-pilot usage budget --daily none',
  ],
  async run(ctx: CommandContext, args) {
    const daily = amount(args, 'daily');
    const monthly = amount(args, 'monthly');
    const zone = defaultTimeZone();
    const now = ctx.now();
    const result =
      daily === undefined && monthly === undefined
        ? await ctx.store.read((tx) => summary(tx, now, zone))
        : await ctx.store.write((tx) => {
            const current = readBudgets(tx);
            writeBudgets(tx, {
              dailyUsd: daily === undefined ? current.dailyUsd : daily,
              monthlyUsd: monthly === undefined ? current.monthlyUsd : monthly,
            });
            return summary(tx, now, zone);
          });
    const show = (limit: number | null, spent: number) =>
      `${limit === null ? 'none' : `$${limit.toFixed(2)}`} (spent $${spent.toFixed(2)})`;
    ctx.print(result, () =>
      keyValues([
        ['Daily budget', show(result.dailyUsd, result.spentTodayUsd)],
        ['Monthly budget', show(result.monthlyUsd, result.spentThisMonthUsd)],
        ['Time zone', result.timeZone],
      ]),
    );
  },
};
